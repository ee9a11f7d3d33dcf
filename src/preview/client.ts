// The preview pages' script, run in the browser. Served as /client.js after Vite strips
// the types (start-preview-server.ts); it imports nothing at run time. Everything it
// shows is set as text or as a sandboxed frame's srcdoc, never as markup of this page.
import type { ClientSupport, CheckReport, Finding } from '../check/finding.ts';
import type { EditionSummary } from './edition-store.ts';
import type { PreviewEvent } from './event-hub.ts';
import type { PreviewState } from './preview-state.ts';

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
type Variant = 'light' | 'dark' | 'inverted';
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
  let recipient: number | null = params.get('recipient') === null ? null : Number(params.get('recipient'));
  let state: PreviewState = first;
  /** The variant html each frame row last got: a hidden row is filled when shown. */
  const shown = new Map<Variant, string>();

  // --- header and toolbar
  const title = el('h1', {});
  const file = el('span', { class: 'file mono' });
  const indicator = el('span', { class: 'live' }, 'connecting…');
  const fill = el('span', { class: 'fill' });
  const meterText = el('span', {});
  const meter = el('span', { class: 'meter', title: 'Gmail clips a message past about 102 KB of HTML and hides the rest, footer included' }, el('span', { class: 'track' }, fill), meterText);
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
      frame.addEventListener('load', () => fitHeight(frame));
      return frame;
    });
    const section = el('section', { class: 'row', 'data-row': row.variant }, el('h2', {}, row.title), el('div', { class: 'frames' }, ...frames.map((f, i) => el('figure', {}, el('figcaption', {}, WIDTHS[i]?.label ?? ''), f))));
    rows.set(row.variant, { section, frames });
    previewPane.append(section);
  }
  const textPane = el('pre', { class: 'pane text', 'data-pane': 'text' });
  const sourcePane = el('pre', { class: 'pane source', 'data-pane': 'source' });
  const webFrame = el('iframe', { class: 'web', title: 'Web version', sandbox: 'allow-same-origin allow-popups allow-popups-to-escape-sandbox' });
  const webPane = el('div', { class: 'pane', 'data-pane': 'web' }, webFrame);

  const checksBody = el('div', {}, el('p', { class: 'muted' }, 'Checking…'));
  const checks = el('section', { class: 'card checks', 'data-panel': 'checks' }, el('h2', {}, 'Checks'), checksBody);
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

  const main = el('main', {}, errorPanel, previewPane, textPane, sourcePane, webPane, el('div', { class: 'below' }, checks, send));
  app.replaceChildren(
    el('header', { class: 'bar' }, el('a', { href: '/' }, '← Editions'), title, file, meter, indicator),
    el('div', { class: 'toolbar' }, tabs, el('label', {}, darkToggle, ' Dark mode')),
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
    if (recipient !== null) q.set('recipient', String(recipient));
    if (dark) q.set('dark', '1');
    if (tab !== 'preview') q.set('tab', tab);
    const search = q.toString();
    history.replaceState(null, '', `${location.pathname}${search ? `?${search}` : ''}`);
  }

  function selectTab(next: Tab): void {
    tab = next;
    for (const [t, b] of tabButtons) b.setAttribute('aria-selected', String(t === tab));
    for (const pane of [previewPane, textPane, sourcePane, webPane]) pane.hidden = pane.dataset.pane !== tab || !state.ok;
    if (tab === 'web' && state.ok) loadWeb();
    syncUrl();
    drawFrames();
  }

  let webVersion = -1;
  function loadWeb(): void {
    if (webVersion === state.version) return;
    webVersion = state.version;
    webFrame.src = `/e/${encodeURIComponent(slug)}/web?v=${state.version}`;
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
      for (const frame of row.frames) frame.srcdoc = html;
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
    const ratio = next.htmlBytes / next.clipBytes;
    fill.style.width = `${Math.min(100, ratio * 100).toFixed(1)}%`;
    meter.dataset.level = ratio > 1 ? 'red' : ratio > 0.5 ? 'amber' : 'ok';
    meterText.textContent =
      `${kb(next.htmlBytes)} of Gmail’s ~${Math.round(next.clipBytes / 1024)} KB clip (${Math.round(ratio * 100)}%)` +
      (next.personalizedBytes === undefined ? '' : ` · ${kb(next.personalizedBytes)} personalized`);
    textPane.textContent = `Subject: ${next.subject}\n\n${next.text}`;
    sourcePane.textContent = next.source;
    if (tab === 'web') loadWeb();
    selectTab(tab);
  }

  let latest = 0;
  /** Fetches the state for the current picks; a reply to an older request is dropped. */
  async function refresh(): Promise<void> {
    const ticket = ++latest;
    const q = recipient === null ? '' : `?recipient=${recipient}`;
    const response = await fetch(`/api/editions/${encodeURIComponent(slug)}${q}`);
    if (ticket !== latest) return;
    if (response.status === 404) {
      errorPanel.hidden = false;
      errorPanel.replaceChildren(el('h2', {}, 'This edition is gone'), el('p', {}, `content/${slug}.md no longer exists. `, el('a', { href: '/' }, 'Back to the editions')));
      return;
    }
    apply((await response.json()) as PreviewState);
    await refreshChecks(ticket);
  }

  async function refreshChecks(ticket: number): Promise<void> {
    const response = await fetch(`/api/editions/${encodeURIComponent(slug)}/checks`);
    if (ticket !== latest || !response.ok) return;
    checksBody.replaceChildren(...checksContent((await response.json()) as CheckReport));
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
  });
  sendForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    sendButton.disabled = true;
    sendResult.textContent = 'Sending…';
    try {
      const response = await fetch(`/api/editions/${encodeURIComponent(slug)}/test-send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: sendInput.value, recipient }),
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
  void refreshChecks(latest);
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
};

function checksContent(report: CheckReport): Node[] {
  const nodes: Node[] = [
    el('p', { 'data-role': 'check-summary', class: report.errors > 0 ? 'sev error' : 'muted' }, `${report.errors} error(s), ${report.warnings} warning(s)${report.errors > 0 ? ' — fix the errors before sending' : ''}`),
  ];
  for (const check of Object.keys(CHECK_TITLES) as Finding['check'][]) {
    const findings = report.findings.filter((f) => f.check === check);
    const main = findings.filter((f) => f.severity !== 'info');
    const info = findings.filter((f) => f.severity === 'info');
    const list = el('ul', {}, ...main.map(findingItem));
    if (findings.length === 0) list.append(el('li', { class: 'muted' }, '✓ nothing to report'));
    const section = el('div', { 'data-check': check }, el('h3', {}, CHECK_TITLES[check]), list);
    if (info.length > 0) section.append(el('details', {}, el('summary', {}, `${info.length} partly supported feature(s)`), el('ul', {}, ...info.map(findingItem))));
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
