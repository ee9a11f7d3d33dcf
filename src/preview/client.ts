// The preview pages' script, run in the browser. Served as /client.js with its types
// stripped (import-server-code.mjs); it imports nothing at run time. Everything it shows
// is set as text or as the document of a sandboxed frame, never as markup of this page.
import type { ClientSupport, CheckReport, Finding } from '../check/finding.ts';
import type { EditionSummary } from './edition-store.ts';
import type { PreviewEvent } from './event-hub.ts';
import type { PreviewState } from './preview-state.ts';

type Engine = 'react' | 'mjml';
/** The engine tabs: one engine, or both side by side. */
type EngineView = Engine | 'both';
const ENGINES: { engine: Engine; label: string }[] = [
  { engine: 'react', label: 'React Email' },
  { engine: 'mjml', label: 'MJML' },
];

type Tab = 'preview' | 'text' | 'source' | 'web';

const app = document.getElementById('app') as HTMLElement;
const initial: unknown = JSON.parse(document.getElementById('state')?.textContent ?? 'null');

/** `el('div', {class: 'x'}, child, 'text')` */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

/** Frames whose first document (their srcdoc) has loaded: later ones are written into it. */
const loaded = new WeakSet<HTMLIFrameElement>();

/**
 * Shows `html` in a sandboxed frame: the first time as its srcdoc, after that written
 * into the frame's document (open, write, close). A new srcdoc is a navigation, through
 * the browser process: ~170 ms for the three frames a content save redraws, against
 * ~30 ms written. The sandbox belongs to the frame, not to its document, so a written
 * document runs no scripts either.
 */
function showHtml(frame: HTMLIFrameElement, html: string): void {
  const doc = loaded.has(frame) ? frame.contentDocument : null;
  if (!doc) {
    frame.srcdoc = html;
    return;
  }
  doc.open();
  doc.write(html);
  doc.close();
}

/** Sizes a frame to its content on every load, and notes when it can be written into. */
function onFrameLoad(frame: HTMLIFrameElement, fit: (frame: HTMLIFrameElement) => void): void {
  frame.addEventListener('load', () => {
    if (frame.hasAttribute('srcdoc')) loaded.add(frame);
    fit(frame);
  });
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** Server-sent events; `onChange` runs for each change, and after a reconnect (the server may have restarted). */
function live(indicator: HTMLElement, onChange: (event: PreviewEvent | undefined) => void): void {
  const source = new EventSource('/events');
  let wasOpen = false;
  source.addEventListener('open', () => {
    indicator.dataset.state = 'open';
    indicator.textContent = 'live';
    if (wasOpen) onChange(undefined);
    wasOpen = true;
  });
  source.addEventListener('error', () => {
    indicator.dataset.state = 'closed';
    indicator.textContent = 'reconnecting…';
  });
  source.addEventListener('change', (e) => onChange(JSON.parse((e as MessageEvent<string>).data) as PreviewEvent));
}

// ---------------------------------------------------------------- index page

function indexPage(editions: EditionSummary[]): void {
  const indicator = el('span', { class: 'live' }, 'connecting…');
  const body = el('tbody');
  const draw = (list: EditionSummary[]) => {
    body.replaceChildren(
      ...list.map((e) => {
        const link = el('a', { href: `/e/${encodeURIComponent(e.slug)}` }, e.subject ?? e.slug);
        return el(
          'tr',
          { 'data-slug': e.slug },
          el('td', { class: 'mono' }, e.date ?? '—'),
          el('td', {}, link, e.ok ? '' : el('span', { class: 'muted' }, ' — does not load')),
          el('td', { class: 'num' }, e.htmlBytes === undefined ? '—' : kb(e.htmlBytes)),
          el('td', { class: `num${e.errors > 0 ? ' bad' : ''}`, 'data-col': 'errors' }, String(e.errors)),
          el('td', { class: 'num', 'data-col': 'warnings' }, String(e.warnings)),
          el('td', { class: 'mono muted' }, e.file),
        );
      }),
    );
    if (list.length === 0) body.append(el('tr', {}, el('td', { colspan: '6' }, 'No editions in content/ yet — add content/YYYY-MM-DD-slug.md.')));
  };
  const head = el('tr', {}, ...['Date', 'Subject', 'HTML', 'Errors', 'Warnings', 'File'].map((h) => el('th', {}, h)));
  app.replaceChildren(
    el('header', { class: 'bar' }, el('h1', {}, 'Editions'), indicator),
    el('main', {}, el('table', { class: 'editions' }, el('thead', {}, head), body)),
  );
  draw(editions);
  live(indicator, async () => {
    const response = await fetch('/api/editions');
    if (response.ok) draw((await response.json()) as EditionSummary[]);
  });
}

// ---------------------------------------------------------------- edition page

interface FrameSpec {
  width: number;
  label: string;
}
const WIDTHS: FrameSpec[] = [
  { width: 700, label: 'Desktop · 700 px' },
  { width: 375, label: 'Phone · 375 px' },
  { width: 320, label: 'Small phone · 320 px' },
];
/** Side by side: the same widths for both engines. */
const COMPARE_WIDTHS = WIDTHS.slice(0, 2);
type Variant = 'light' | 'dark' | 'inverted';

/** The size bar against Gmail's clip. */
function sizeMeter(): { element: HTMLElement; text: HTMLElement; set(bytes: number, clipBytes: number, personalizedBytes?: number): void } {
  const fill = el('span', { class: 'fill' });
  const text = el('span', {});
  const element = el('span', { class: 'meter', title: 'Gmail clips a message past about 102 KB of HTML and hides the rest, footer included' }, el('span', { class: 'track' }, fill), text);
  return {
    element,
    text,
    set(bytes, clipBytes, personalizedBytes) {
      const ratio = bytes / clipBytes;
      fill.style.width = `${Math.min(100, ratio * 100).toFixed(1)}%`;
      element.dataset.level = ratio > 1 ? 'red' : ratio > 0.5 ? 'amber' : 'ok';
      element.dataset.bytes = String(bytes);
      text.textContent =
        `${kb(bytes)} of Gmail’s ~${Math.round(clipBytes / 1024)} KB clip (${Math.round(ratio * 100)}%)` + (personalizedBytes === undefined ? '' : ` · ${kb(personalizedBytes)} personalized`);
    },
  };
}
const ROWS: { variant: Variant; title: string }[] = [
  { variant: 'light', title: 'Light' },
  { variant: 'dark', title: 'Dark — clients that honour prefers-color-scheme (Apple Mail, iOS Mail, Outlook for Mac): the email’s own dark styles' },
  { variant: 'inverted', title: 'Dark — clients that force inversion (Gmail apps, Outlook.com, Outlook for Windows): colours inverted, images kept' },
];

function editionPage(first: PreviewState): void {
  const slug = first.slug;
  const params = new URLSearchParams(location.search);
  let dark = params.get('dark') === '1';
  let tab: Tab = (['preview', 'text', 'source', 'web'] as const).find((t) => t === params.get('tab')) ?? 'preview';
  // The server picks the first subscriber when the URL names none; `none` is the raw slots.
  const asked = params.get('recipient');
  let recipient: number | null = first.ok ? first.recipient : asked === 'none' || first.recipients.length === 0 ? null : Number(asked ?? 0);
  /** null: the server's default (`--engine`, else the edition's own). */
  let engineView: EngineView | null = (['react', 'mjml', 'both'] as const).find((e) => e === params.get('engine')) ?? null;
  let state: PreviewState = first;
  /** Side by side: each engine's state, once fetched. */
  const compared = new Map<Engine, PreviewState>();
  /** The variant html each frame row last got: a hidden row is filled when shown. */
  const shown = new Map<Variant, string>();

  // --- header and toolbar
  const title = el('h1', {});
  const file = el('span', { class: 'file mono' });
  const indicator = el('span', { class: 'live' }, 'connecting…');
  const sizes = sizeMeter();
  const meter = sizes.element;
  const picker = el('select', { name: 'recipient' });
  const darkToggle = el('input', { type: 'checkbox', name: 'dark' });
  darkToggle.checked = dark;
  const tabButtons = new Map<Tab, HTMLButtonElement>();
  const tabs = el('div', { class: 'tabs', role: 'tablist' });
  for (const [t, label] of [['preview', 'Preview'], ['text', 'Plain text'], ['source', 'HTML source'], ['web', 'Web version']] as const) {
    const b = el('button', { type: 'button', role: 'tab', 'data-tab': t }, label);
    b.addEventListener('click', () => selectTab(t));
    tabButtons.set(t, b);
    tabs.append(b);
  }
  const engineButtons = new Map<EngineView, HTMLButtonElement>();
  const engineTabs = el('div', { class: 'tabs engines', role: 'tablist', 'aria-label': 'Engine' });
  for (const [view, label] of [...ENGINES.map((e) => [e.engine, e.label] as const), ['both', '나란히 (side by side)'] as const]) {
    const b = el('button', { type: 'button', role: 'tab', 'data-engine': view }, label);
    b.addEventListener('click', () => selectEngine(view));
    engineButtons.set(view, b);
    engineTabs.append(b);
  }

  // --- panes
  const errorPanel = el('div', { class: 'error-panel', hidden: '' });
  const rows = new Map<Variant, { section: HTMLElement; frames: HTMLIFrameElement[] }>();
  const previewPane = el('div', { class: 'pane', 'data-pane': 'preview' });
  for (const row of ROWS) {
    const frames = WIDTHS.map((w) => {
      const frame = el('iframe', {
        class: `email${row.variant === 'inverted' ? ' inverted' : ''}`,
        title: `${row.title} — ${w.label}`,
        'data-frame': `${row.variant}-${w.width}`,
        width: String(w.width),
        // Same origin so the page can size the frame to its content; no scripts in it.
        sandbox: 'allow-same-origin allow-popups allow-popups-to-escape-sandbox',
      });
      frame.style.width = `${w.width}px`;
      onFrameLoad(frame, fitHeight);
      return frame;
    });
    const section = el('section', { class: 'row', 'data-row': row.variant }, el('h2', {}, row.title), el('div', { class: 'frames' }, ...frames.map((f, i) => el('figure', {}, el('figcaption', {}, WIDTHS[i]?.label ?? ''), f))));
    rows.set(row.variant, { section, frames });
    previewPane.append(section);
  }
  // Side by side: a column per engine (its size and check counts), then a row per width.
  const comparePane = el('div', { class: 'pane compare', 'data-pane': 'compare' });
  const columns = new Map<Engine, { meter: ReturnType<typeof sizeMeter>; checks: HTMLElement; frames: HTMLIFrameElement[] }>();
  const heads = el('div', { class: 'frames' });
  const compareRows = COMPARE_WIDTHS.map((w) => ({ width: w, frames: el('div', { class: 'frames' }) }));
  for (const { engine, label } of ENGINES) {
    const column = { meter: sizeMeter(), checks: el('p', { class: 'muted', 'data-role': 'engine-checks' }, 'Checking…'), frames: [] as HTMLIFrameElement[] };
    heads.append(el('div', { class: 'engine-head', 'data-engine': engine }, el('h2', {}, label), column.meter.element, column.checks));
    for (const row of compareRows) {
      const frame = el('iframe', {
        class: 'email',
        title: `${label} — ${row.width.label}`,
        'data-frame': `${engine}-${row.width.width}`,
        width: String(row.width.width),
        sandbox: 'allow-same-origin allow-popups allow-popups-to-escape-sandbox',
      });
      frame.style.width = `${row.width.width}px`;
      onFrameLoad(frame, fitHeight);
      column.frames.push(frame);
      row.frames.append(el('figure', {}, el('figcaption', {}, `${label} · ${row.width.label}`), frame));
    }
    columns.set(engine, column);
  }
  comparePane.append(heads, ...compareRows.map((r) => el('section', { class: 'row', 'data-row': `compare-${r.width.width}` }, r.frames)));
  const textPane = el('pre', { class: 'pane text', 'data-pane': 'text' });
  const sourcePane = el('pre', { class: 'pane source', 'data-pane': 'source' });
  const webFrame = el('iframe', { class: 'web', title: 'Web version', sandbox: 'allow-same-origin allow-popups allow-popups-to-escape-sandbox' });
  const webPane = el('div', { class: 'pane', 'data-pane': 'web' }, webFrame);

  const checksBody = el('div', {}, el('p', { class: 'muted' }, 'Checking…'));
  const checksTitle = el('h2', {}, 'Checks');
  const checks = el('section', { class: 'card checks', 'data-panel': 'checks' }, checksTitle, checksBody);
  const sendResult = el('div', { class: 'result', 'data-role': 'send-result' });
  const sendInput = el('input', { type: 'text', name: 'to', placeholder: 'me@may-i.io, colleague@may-i.io', autocomplete: 'email' });
  const sendButton = el('button', { type: 'submit' }, 'Send test');
  const sendForm = el('form', { 'data-role': 'test-send' }, el('label', { for: 'to' }, 'Send this edition to (max 10, marked [테스트]):'), sendInput, sendButton, sendResult);
  sendInput.id = 'to';
  const send = el(
    'section',
    { class: 'card send' },
    el('h2', {}, 'Personalize and test'),
    el('label', {}, 'Preview as ', picker),
    el('p', { class: 'muted' }, 'Merge slots are filled as the send step fills them, with a development secret for the unsubscribe link. The test send uses the picked row’s fields too.'),
    sendForm,
  );

  const main = el('main', {}, errorPanel, previewPane, comparePane, textPane, sourcePane, webPane, el('div', { class: 'below' }, checks, send));
  app.replaceChildren(
    el('header', { class: 'bar' }, el('a', { href: '/' }, '← Editions'), title, file, meter, indicator),
    el('div', { class: 'toolbar' }, engineTabs, tabs, el('label', {}, darkToggle, ' Dark mode')),
    main,
  );

  // --- behaviour
  function fitHeight(frame: HTMLIFrameElement): void {
    const doc = frame.contentDocument;
    if (!doc?.documentElement || frame.offsetParent === null) return;
    frame.style.height = `${Math.max(200, doc.documentElement.scrollHeight)}px`;
  }

  function syncUrl(): void {
    const q = new URLSearchParams();
    // The first subscriber is the default, so it needs no parameter; the raw slots do.
    if (recipient === null) q.set('recipient', 'none');
    else if (recipient !== 0) q.set('recipient', String(recipient));
    if (dark) q.set('dark', '1');
    if (engineView !== null) q.set('engine', engineView);
    if (tab !== 'preview') q.set('tab', tab);
    const search = q.toString();
    history.replaceState(null, '', `${location.pathname}${search ? `?${search}` : ''}`);
  }

  function selectTab(next: Tab): void {
    tab = next;
    for (const [t, b] of tabButtons) b.setAttribute('aria-selected', String(t === tab));
    const both = engineView === 'both';
    for (const pane of [previewPane, textPane, sourcePane, webPane]) pane.hidden = pane.dataset.pane !== tab || !state.ok || (both && pane === previewPane);
    comparePane.hidden = !both || tab !== 'preview' || !state.ok;
    if (tab === 'web' && state.ok) loadWeb();
    syncUrl();
    drawFrames();
    drawCompare();
  }

  /** The engine the page shows: the one picked, else the server's default. */
  function shownEngine(): EngineView | undefined {
    return engineView ?? (state.ok ? state.engine : undefined);
  }

  function selectEngine(next: EngineView): void {
    engineView = next;
    webVersion = -1;
    for (const [view, b] of engineButtons) b.setAttribute('aria-selected', String(view === next));
    syncUrl();
    void refresh();
  }

  /** Fills the side-by-side frames (light, or dark as its clients honour it). */
  const compareShown = new Map<HTMLIFrameElement, string>();
  function drawCompare(): void {
    if (comparePane.hidden) return;
    for (const [engine, column] of columns) {
      const s = compared.get(engine);
      if (!s?.ok) continue;
      column.meter.set(s.htmlBytes, s.clipBytes, s.personalizedBytes);
      const html = dark ? s.frames.dark : s.frames.light;
      for (const frame of column.frames) {
        if (compareShown.get(frame) === html) {
          fitHeight(frame);
          continue;
        }
        compareShown.set(frame, html);
        showHtml(frame, html);
      }
    }
  }

  /** `?engine=…&recipient=…` for the API, for one engine or the default. */
  function query(engine: Engine | undefined): string {
    const q = new URLSearchParams();
    if (engine) q.set('engine', engine);
    q.set('recipient', recipient === null ? 'none' : String(recipient));
    const search = q.toString();
    return search ? `?${search}` : '';
  }

  let webVersion = -1;
  function loadWeb(): void {
    if (webVersion === state.version) return;
    webVersion = state.version;
    webFrame.src = `/e/${encodeURIComponent(slug)}/web?v=${state.version}${state.ok ? `&engine=${state.engine}` : ''}`;
  }

  /** Fills the visible frame rows with the latest html; hidden rows wait until shown. */
  function drawFrames(): void {
    if (!state.ok) return;
    for (const [variant, row] of rows) {
      const visible = variant === 'light' ? !dark : dark;
      row.section.hidden = !visible;
      if (!visible) continue;
      const html = state.frames[variant];
      if (shown.get(variant) === html) {
        row.frames.forEach(fitHeight);
        continue;
      }
      shown.set(variant, html);
      for (const frame of row.frames) showHtml(frame, html);
    }
  }

  function drawPicker(s: PreviewState): void {
    const options = [el('option', { value: '' }, 'none — merge slots as written'), ...s.recipients.map((r) => el('option', { value: String(r.index) }, r.label))];
    picker.replaceChildren(...options);
    picker.value = recipient === null ? '' : String(recipient);
    picker.title = s.recipientsProblem ?? '';
  }

  function apply(next: PreviewState): void {
    state = next;
    file.textContent = next.file;
    drawPicker(next);
    if (!next.ok) {
      title.textContent = next.slug;
      meter.hidden = true;
      errorPanel.hidden = false;
      errorPanel.replaceChildren(...errorContent(next));
      selectTab(tab);
      return;
    }
    errorPanel.hidden = true;
    meter.hidden = false;
    title.textContent = next.subject;
    document.title = `${next.subject} — preview`;
    sizes.set(next.htmlBytes, next.clipBytes, next.personalizedBytes);
    const shown = shownEngine();
    for (const [view, b] of engineButtons) b.setAttribute('aria-selected', String(view === shown));
    checksTitle.textContent = `Checks — ${ENGINES.find((e) => e.engine === next.engine)?.label ?? next.engine}`;
    textPane.textContent = `Subject: ${next.subject}\n\n${next.text}`;
    sourcePane.textContent = next.source;
    if (tab === 'web') loadWeb();
    selectTab(tab);
  }

  let latest = 0;
  /** Fetches the state for the current picks; a reply to an older request is dropped. */
  async function refresh(): Promise<void> {
    const ticket = ++latest;
    const one = engineView === 'both' ? undefined : (engineView ?? undefined);
    const response = await fetch(`/api/editions/${encodeURIComponent(slug)}${query(one)}`);
    if (ticket !== latest) return;
    if (response.status === 404) {
      errorPanel.hidden = false;
      errorPanel.replaceChildren(el('h2', {}, 'This edition is gone'), el('p', {}, `content/${slug}.md no longer exists. `, el('a', { href: '/' }, 'Back to the editions')));
      return;
    }
    const next = (await response.json()) as PreviewState;
    if (engineView === 'both') await fetchCompared(ticket);
    if (ticket !== latest) return;
    apply(next);
    await Promise.all([refreshChecks(ticket), engineView === 'both' ? refreshEngineChecks(ticket) : undefined]);
  }

  /** Both engines' states, for the side-by-side frames. */
  async function fetchCompared(ticket: number): Promise<void> {
    const states = await Promise.all(
      ENGINES.map(async ({ engine }) => {
        const response = await fetch(`/api/editions/${encodeURIComponent(slug)}${query(engine)}`);
        return response.ok ? ((await response.json()) as PreviewState) : undefined;
      }),
    );
    if (ticket !== latest) return;
    ENGINES.forEach(({ engine }, i) => {
      const s = states[i];
      if (s) compared.set(engine, s);
    });
  }

  async function refreshChecks(ticket: number): Promise<void> {
    const response = await fetch(`/api/editions/${encodeURIComponent(slug)}/checks${state.ok ? `?engine=${state.engine}` : ''}`);
    if (ticket !== latest || !response.ok) return;
    const report = (await response.json()) as CheckReport;
    checksBody.replaceChildren(...checksContent(report, true));
    // Then the slow ones (Chromium, SpamAssassin), merged in when they answer.
    const inbox = await fetch(`/api/editions/${encodeURIComponent(slug)}/inbox-checks${state.ok ? `?engine=${state.engine}` : ''}`);
    if (ticket !== latest || !inbox.ok) return;
    const { findings } = (await inbox.json()) as { findings: Finding[] };
    const all = [...report.findings, ...findings];
    const count = (s: Finding['severity']) => all.filter((f) => f.severity === s).length;
    checksBody.replaceChildren(...checksContent({ findings: all, errors: count('error'), warnings: count('warning') }, false));
  }

  /** Each engine's error and warning counts, under its column. */
  async function refreshEngineChecks(ticket: number): Promise<void> {
    await Promise.all(
      ENGINES.map(async ({ engine }) => {
        const response = await fetch(`/api/editions/${encodeURIComponent(slug)}/checks?engine=${engine}`);
        const column = columns.get(engine);
        if (ticket !== latest || !response.ok || !column) return;
        const report = (await response.json()) as CheckReport;
        column.checks.className = report.errors > 0 ? 'sev error' : 'muted';
        column.checks.textContent = `${report.errors} error(s), ${report.warnings} warning(s)`;
      }),
    );
  }

  picker.addEventListener('change', () => {
    recipient = picker.value === '' ? null : Number(picker.value);
    syncUrl();
    void refresh();
  });
  darkToggle.addEventListener('change', () => {
    dark = darkToggle.checked;
    syncUrl();
    drawFrames();
    drawCompare();
  });
  sendForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    sendButton.disabled = true;
    sendResult.textContent = 'Sending…';
    try {
      const response = await fetch(`/api/editions/${encodeURIComponent(slug)}/test-send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: sendInput.value, recipient, ...(state.ok ? { engine: state.engine } : {}) }),
      });
      const result = (await response.json()) as { ok: boolean; sent?: { to: string; id: string }[]; problems?: string[]; transport?: string; where?: string };
      sendResult.dataset.ok = String(result.ok);
      sendResult.textContent = result.ok
        ? `Sent ${result.sent?.length ?? 0} test message(s) through ${result.transport}${result.where ? ` → ${result.where}` : ''}: ${(result.sent ?? []).map((s) => `${s.to} (${s.id})`).join(', ')}`
        : `Not sent: ${(result.problems ?? ['unknown error']).join('; ')}`;
    } catch (error) {
      sendResult.dataset.ok = 'false';
      sendResult.textContent = `Not sent: ${String(error)}`;
    } finally {
      sendButton.disabled = false;
    }
  });

  apply(first);
  if (engineView === 'both') void refresh();
  else void refreshChecks(latest);
  live(indicator, (event) => {
    if (!event || event.editions === 'all' || event.editions.includes(slug) || event.recipients) void refresh();
  });
}

function errorContent(state: Extract<PreviewState, { ok: false }>): Node[] {
  if (state.kind === 'edition') {
    return [
      el('h2', {}, `${state.file} does not load`),
      el('ul', {}, ...state.problems.map((p) => el('li', {}, p.where ? el('span', { class: 'where' }, p.where) : '', p.message))),
      el('p', { class: 'muted' }, 'Fix the file and save: this page updates by itself.'),
    ];
  }
  const { error } = state;
  const nodes: Node[] = [el('h2', {}, 'The template failed'), el('p', {}, error.where ? el('span', { class: 'where' }, error.where) : '', error.message)];
  if (error.frame) nodes.push(el('pre', {}, error.frame));
  if (error.stack?.length) nodes.push(el('details', {}, el('summary', {}, 'Stack'), el('pre', {}, error.stack.join('\n'))));
  nodes.push(el('p', { class: 'muted' }, 'Fix the file and save: the server reloads the template and this page updates by itself.'));
  return nodes;
}

const CHECK_TITLES: Record<Finding['check'], string> = {
  schema: 'Edition',
  'ad-rules': 'Korean ad-mail rules (정보통신망법 §50) and unsubscribe',
  links: 'Links',
  images: 'Images',
  'merge-slots': 'Merge slots',
  size: 'Size',
  clients: 'Client support (caniemail: Gmail, Apple Mail, Outlook, Yahoo)',
  accessibility: 'Accessibility (axe-core at 375 px, light and dark; contrast; Email Markup Consortium checks)',
  spam: 'Spam score (SpamAssassin over one personalized message)',
};

/** `pending`: the accessibility and spam sections are still on their way. */
function checksContent(report: CheckReport, pending: boolean): Node[] {
  const nodes: Node[] = [
    el('p', { 'data-role': 'check-summary', class: report.errors > 0 ? 'sev error' : 'muted' }, `${report.errors} error(s), ${report.warnings} warning(s)${report.errors > 0 ? ' — fix the errors before sending' : ''}`),
  ];
  for (const check of Object.keys(CHECK_TITLES) as Finding['check'][]) {
    const findings = report.findings.filter((f) => f.check === check);
    const main = findings.filter((f) => f.severity !== 'info');
    const info = findings.filter((f) => f.severity === 'info');
    const list = el('ul', {}, ...main.map(findingItem));
    if (main.length === 0) list.append(el('li', { class: 'muted' }, pending && (check === 'accessibility' || check === 'spam') ? 'Checking…' : '✓ nothing to report'));
    const section = el('div', { 'data-check': check }, el('h3', {}, CHECK_TITLES[check]), list);
    // The spam score is shown even when it is only info.
    if (check === 'spam') list.replaceChildren(...(findings.length > 0 ? findings.map(findingItem) : [...list.children]));
    else if (info.length > 0) section.append(el('details', {}, el('summary', {}, `${info.length} ${check === 'clients' ? 'partly supported feature(s)' : 'note(s)'}`), el('ul', {}, ...info.map(findingItem))));
    nodes.push(section);
  }
  return nodes;
}

function findingItem(f: Finding): HTMLElement {
  const item = el('li', { 'data-severity': f.severity }, el('span', { class: `sev ${f.severity}` }, f.severity));
  if (f.where) item.append(el('span', { class: 'where' }, f.where));
  if (f.support) {
    item.append(...supportContent(f.support));
  } else {
    item.append(f.message);
    // The rule's explanation (axe's page, WCAG's, SpamAssassin's rule list).
    if (f.url) item.append(' ', el('a', { href: f.url, target: '_blank', rel: 'noreferrer', 'data-role': 'rule-help' }, f.rule ?? 'why'));
  }
  return item;
}

function supportContent(s: ClientSupport): (Node | string)[] {
  const name = s.url ? el('a', { href: s.url, target: '_blank', rel: 'noreferrer' }, s.feature) : el('strong', {}, s.feature);
  const nodes: (Node | string)[] = [name, ` used ${s.occurrences}× `];
  if (s.unsupported.length > 0) nodes.push(el('div', {}, 'not supported: ', ...s.unsupported.map((c) => el('span', { class: 'chip' }, c))));
  if (s.partial.length > 0) nodes.push(el('div', {}, 'partial: ', ...s.partial.map((c) => el('span', { class: 'chip partial' }, c))));
  if (s.notes.length > 0) nodes.push(el('details', {}, el('summary', {}, 'notes'), el('ul', {}, ...s.notes.map((n) => el('li', {}, n)))));
  return nodes;
}

if (document.body.dataset.page === 'index') indexPage(initial as EditionSummary[]);
else editionPage(initial as PreviewState);
