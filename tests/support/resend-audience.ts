import { isAddress, type RequestValidator } from './openapi.ts';

/**
 * The contacts side of the local Resend stand-in (resend-server.ts routes to it):
 * contact properties, segments, contact CSV imports, broadcasts, their recipients,
 * clicked links and metrics, as Resend's OpenAPI document describes them. Every request
 * body is checked against that document (violations go to `validationErrors`).
 *
 * A broadcast "delivers" when sent: each contact of its segment that is not unsubscribed
 * gets one email, its merge tags (`{{{contact.KEY|fallback}}}`, Mustache triple braces:
 * values go in unescaped) filled from the contact's properties, and Resend's own one-click
 * unsubscribe headers pointing at this server's hosted page. A tag nothing fills stays in
 * the email as it was, for tests to find.
 */

export interface Answer { status: number; body: unknown }

export interface Contact {
  id: string;
  email: string;
  unsubscribed: boolean;
  properties: Record<string, string>;
  segments: Set<string>;
}

export interface Broadcast {
  id: string;
  name: string | undefined;
  segment_id: string;
  from: string;
  subject: string;
  reply_to: string[] | undefined;
  html: string | undefined;
  text: string | undefined;
  status: 'draft' | 'queued' | 'scheduled' | 'sent' | 'canceled';
  created_at: string;
  scheduled_at: string | null;
  sent_at: string | null;
}

export interface BroadcastEmail {
  id: string;
  broadcastId: string;
  to: string;
  from: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

export type RecipientEvent = 'sent' | 'delivered' | 'opened' | 'clicked' | 'bounced' | 'complained' | 'unsubscribed' | 'suppressed';

export interface Audience {
  contacts: Map<string, Contact>;
  segments: Map<string, { id: string; name: string; created_at: string }>;
  properties: Map<string, { id: string; key: string; type: string; fallback_value: string | number | undefined; created_at: string }>;
  imports: Map<string, { id: string; status: 'queued' | 'in_progress' | 'completed' | 'failed'; created_at: string; completed_at: string | null; counts: { total: number; created: number; updated: number; skipped: number; failed: number }; polls: number }>;
  broadcasts: Map<string, Broadcast>;
  /** Every broadcast email "delivered", in order (left empty when not retaining content: see `deliveredCount`). */
  delivered: BroadcastEmail[];
  deliveredCount: number;
  /** How many times each broadcast's send was called and accepted. */
  sendCalls: Map<string, number>;
  events: { broadcastId: string; email: string; type: RecipientEvent; link?: string; bounceType?: string; at: string }[];
  /** Resend's hosted one-click unsubscribe, as `POST /unsubscribe/<contact id>` does it. */
  hostedUnsubscribe(contactId: string): boolean;
  handle(method: string, path: string, query: URLSearchParams, body: unknown, contentType: 'application/json' | 'multipart/form-data'): Promise<Answer>;
}

export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

/** The routes of this module, as the spec's path templates. */
const ROUTES: [string, RegExp][] = [
  ['/segments', /^\/segments$/],
  ['/contact-properties', /^\/contact-properties$/],
  ['/contacts/imports', /^\/contacts\/imports$/],
  ['/contacts/imports/{id}', /^\/contacts\/imports\/([^/]+)$/],
  ['/contacts/{contact_id}/segments/{segment_id}', /^\/contacts\/([^/]+)\/segments\/([^/]+)$/],
  ['/broadcasts', /^\/broadcasts$/],
  ['/broadcasts/{id}', /^\/broadcasts\/([^/]+)$/],
  ['/broadcasts/{id}/send', /^\/broadcasts\/([^/]+)\/send$/],
  ['/broadcasts/{id}/cancel', /^\/broadcasts\/([^/]+)\/cancel$/],
  ['/broadcasts/{id}/recipients', /^\/broadcasts\/([^/]+)\/recipients$/],
  ['/broadcasts/{id}/clicked-links', /^\/broadcasts\/([^/]+)\/clicked-links$/],
  ['/emails/metrics', /^\/emails\/metrics$/],
];

export function audienceRoute(path: string): { template: string; params: string[] } | undefined {
  for (const [template, pattern] of ROUTES) {
    const m = pattern.exec(path);
    if (m !== null) return { template, params: m.slice(1).map(decodeURIComponent) };
  }
  return undefined;
}

export function createAudience(options: {
  validator: RequestValidator;
  validationErrors: string[];
  baseUrl: () => string;
  now: () => number;
  rejectAddress: () => ((to: string) => string | undefined) | undefined;
  /** False: count deliveries, keep no emails (a benchmark of 1,000,000 would hold 35 GB of html). */
  retainContent: boolean;
}): Audience {
  const { validator, validationErrors } = options;
  let nextId = 0;
  const uuid = (kind: number) => `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${(++nextId).toString(16).padStart(12, '0')}`;
  const iso = () => new Date(options.now()).toISOString();
  const ok = (body: unknown, status = 200): Answer => ({ status, body });
  const fail = (status: number, name: string, message: string): Answer => ({ status, body: { statusCode: status, name, message } });

  const audience: Audience = {
    contacts: new Map(),
    segments: new Map(),
    properties: new Map(),
    imports: new Map(),
    broadcasts: new Map(),
    delivered: [],
    deliveredCount: 0,
    sendCalls: new Map(),
    events: [],
    hostedUnsubscribe(contactId) {
      for (const c of audience.contacts.values()) {
        if (c.id === contactId) {
          c.unsubscribed = true;
          return true;
        }
      }
      return false;
    },
    async handle(method, path, query, body, contentType) {
      const route = audienceRoute(path);
      if (route === undefined) return fail(404, 'not_found', 'The requested endpoint does not exist.');
      const { template, params } = route;
      if (method === 'POST' || method === 'PATCH') {
        const problems = validator.problems(method, template, body, contentType);
        validationErrors.push(...problems);
        if (problems.length > 0) return fail(422, 'validation_error', problems.join(' '));
      }
      const key = `${method} ${template}`;
      switch (key) {
        case 'GET /segments':
          return ok(page([...audience.segments.values()], query));
        case 'POST /segments': {
          const { name } = body as { name: string };
          const id = uuid(1);
          audience.segments.set(id, { id, name, created_at: iso() });
          return ok({ object: 'segment', id, name }, 201);
        }
        case 'GET /contact-properties':
          return ok(page([...audience.properties.values()], query));
        case 'POST /contact-properties': {
          const { key: k, type, fallback_value } = body as { key: string; type: string; fallback_value?: string | number };
          if (audience.properties.has(k)) return fail(409, 'invalid_parameter', `A contact property with key ${k} already exists.`);
          const id = uuid(2);
          audience.properties.set(k, { id, key: k, type, fallback_value, created_at: iso() });
          return ok({ object: 'contact_property', id }, 201);
        }
        case 'POST /contacts/imports':
          return importContacts(body as Record<string, string> & { fileText: string; fileBytes: number });
        case 'GET /contacts/imports/{id}': {
          const job = audience.imports.get(params[0] as string);
          if (job === undefined) return fail(404, 'not_found', 'Contact import not found.');
          // Asynchronous, as Resend's are: queued, in progress, then done.
          job.polls++;
          if (job.status === 'queued') job.status = 'in_progress';
          else if (job.status === 'in_progress') {
            job.status = 'completed';
            job.completed_at = iso();
          }
          const { polls: _polls, ...shown } = job;
          return ok({ object: 'contact_import', ...shown });
        }
        case 'DELETE /contacts/{contact_id}/segments/{segment_id}': {
          const contact = findContact(params[0] as string);
          if (contact === undefined || !contact.segments.delete(params[1] as string)) return fail(404, 'not_found', 'Contact not found in segment.');
          return ok({ id: contact.id, deleted: true });
        }
        case 'POST /broadcasts': {
          const b = body as Record<string, unknown>;
          if (!audience.segments.has(b['segment_id'] as string)) return fail(404, 'not_found', 'Segment not found.');
          const id = uuid(3);
          audience.broadcasts.set(id, {
            id,
            name: b['name'] as string | undefined,
            segment_id: b['segment_id'] as string,
            from: b['from'] as string,
            subject: b['subject'] as string,
            reply_to: b['reply_to'] as string[] | undefined,
            html: b['html'] as string | undefined,
            text: b['text'] as string | undefined,
            status: 'draft',
            created_at: iso(),
            scheduled_at: null,
            sent_at: null,
          });
          if (b['send'] === true) send(id, b['scheduled_at'] as string | undefined);
          return ok({ object: 'broadcast', id }, 201);
        }
        case 'GET /broadcasts':
          return ok(page([...audience.broadcasts.values()].map(({ html: _h, text: _t, ...rest }) => rest), query));
        case 'GET /broadcasts/{id}': {
          const b = audience.broadcasts.get(params[0] as string);
          return b === undefined ? fail(404, 'not_found', 'Broadcast not found.') : ok({ object: 'broadcast', ...b });
        }
        case 'POST /broadcasts/{id}/send': {
          const b = audience.broadcasts.get(params[0] as string);
          if (b === undefined) return fail(404, 'not_found', 'Broadcast not found.');
          if (b.status !== 'draft') return fail(422, 'validation_error', `Broadcast is ${b.status}; only a draft can be sent.`);
          send(b.id, (body as { scheduled_at?: string } | undefined)?.scheduled_at);
          return ok({ id: b.id });
        }
        case 'POST /broadcasts/{id}/cancel': {
          const b = audience.broadcasts.get(params[0] as string);
          if (b === undefined) return fail(404, 'not_found', 'Broadcast not found.');
          if (b.status !== 'scheduled' && b.status !== 'queued' && b.status !== 'canceled') return fail(422, 'validation_error', `Broadcast is ${b.status}; only a scheduled or queued one can be canceled.`);
          b.status = 'canceled';
          return ok({ object: 'broadcast', id: b.id });
        }
        case 'GET /broadcasts/{id}/recipients': {
          const id = params[0] as string;
          const type = query.get('type') as RecipientEvent;
          const rows = new Map<string, { id: string; contact_id: string | null; email: string; count?: number; bounce_type?: string; clicked_links?: { url: string; clicks: number }[] }>();
          for (const e of audience.events) {
            if (e.broadcastId !== id || e.type !== type) continue;
            const row = rows.get(e.email) ?? { id: Buffer.from(e.email).toString('base64url'), contact_id: findContact(e.email)?.id ?? null, email: e.email };
            if (type === 'opened' || type === 'clicked') row.count = (row.count ?? 0) + 1;
            if (type === 'bounced') row.bounce_type = e.bounceType ?? 'permanent';
            if (type === 'clicked' && e.link !== undefined) {
              row.clicked_links ??= [];
              const link = row.clicked_links.find((l) => l.url === e.link);
              if (link) link.clicks++;
              else row.clicked_links.push({ url: e.link, clicks: 1 });
            }
            rows.set(e.email, row);
          }
          return ok(page([...rows.values()], query));
        }
        case 'GET /broadcasts/{id}/clicked-links': {
          const links = new Map<string, { id: string; url: string; clicks: number; unique_clicks: number; who: Set<string> }>();
          for (const e of audience.events) {
            if (e.broadcastId !== params[0] || e.type !== 'clicked' || e.link === undefined) continue;
            const l = links.get(e.link) ?? { id: Buffer.from(e.link).toString('base64url'), url: e.link, clicks: 0, unique_clicks: 0, who: new Set() };
            l.clicks++;
            l.who.add(e.email);
            l.unique_clicks = l.who.size;
            links.set(e.link, l);
          }
          return ok(page([...links.values()].map(({ who: _w, ...l }) => l), query));
        }
        case 'GET /emails/metrics': {
          const ids = (query.get('broadcast_id') ?? '').split(',').filter((s) => s !== '');
          const totals: Record<string, number> = {};
          const unique: Record<string, Set<string>> = { opened: new Set(), clicked: new Set() };
          for (const e of audience.events) {
            if (ids.length > 0 && !ids.includes(e.broadcastId)) continue;
            totals[e.type] = (totals[e.type] ?? 0) + 1;
            unique[e.type]?.add(e.email);
          }
          return ok({ object: 'metrics', start_date: query.get('start_date') ?? iso(), end_date: iso(), metrics: [], dimensions: [], granularity: 'daily', totals: { ...totals, unique_opened: unique['opened']?.size ?? 0, unique_clicked: unique['clicked']?.size ?? 0 } });
        }
        default:
          return fail(405, 'method_not_allowed', 'Method is not allowed for the requested path.');
      }
    },
  };

  function findContact(idOrEmail: string): Contact | undefined {
    const byEmail = audience.contacts.get(idOrEmail.toLowerCase());
    if (byEmail !== undefined) return byEmail;
    for (const c of audience.contacts.values()) if (c.id === idOrEmail) return c;
    return undefined;
  }

  function page<T extends { id: string }>(items: T[], query: URLSearchParams): { object: 'list'; has_more: boolean; data: T[] } {
    const limit = Number(query.get('limit') ?? 20);
    if (!(Number.isInteger(limit) && limit >= 1 && limit <= 100)) validationErrors.push(`limit ${query.get('limit')} is outside 1–100`);
    const after = query.get('after');
    const start = after === null ? 0 : items.findIndex((i) => i.id === after) + 1;
    const data = items.slice(start, start + limit);
    return { object: 'list', has_more: start + limit < items.length, data };
  }

  function importContacts(form: Record<string, string> & { fileText: string; fileBytes: number }): Answer {
    if (form.fileBytes > MAX_IMPORT_BYTES) return fail(422, 'validation_error', `The file is ${form.fileBytes} bytes; the maximum size is 50MB.`);
    const map = JSON.parse(form['column_map'] ?? '{}') as { email?: string; unsubscribed?: string; properties?: Record<string, { column: string }> };
    const segments = JSON.parse(form['segments'] ?? '[]') as { id: string }[];
    const upsert = form['on_conflict'] === 'upsert';
    const rows = parseCsv(form.fileText);
    const header = rows.shift() ?? [];
    const col = (name: string | undefined) => (name === undefined ? -1 : header.indexOf(name));
    const emailCol = col(map.email ?? 'email');
    if (emailCol < 0) return fail(422, 'validation_error', 'The CSV has no email column.');
    for (const [k] of Object.entries(map.properties ?? {})) {
      if (!audience.properties.has(k)) return fail(422, 'validation_error', `The contact property ${k} does not exist; create it first.`);
    }
    const reject = options.rejectAddress();
    const bad = rows.map((r, i) => ({ i: i + 1, email: r[emailCol] ?? '' })).filter(({ email }) => !isAddress(email) || reject?.(email) !== undefined);
    if (bad.length > 0) return fail(422, 'validation_error', `Invalid email address on rows ${bad.slice(0, 20).map((b) => b.i).join(', ')}.`);
    const counts = { total: rows.length, created: 0, updated: 0, skipped: 0, failed: 0 };
    for (const r of rows) {
      const email = (r[emailCol] as string).toLowerCase();
      const existing = audience.contacts.get(email);
      if (existing !== undefined && !upsert) {
        counts.skipped++;
        for (const s of segments) existing.segments.add(s.id);
        continue;
      }
      const contact = existing ?? { id: uuid(4), email, unsubscribed: false, properties: {}, segments: new Set<string>() };
      // Not retaining content (a benchmark of 1,000,000): nothing will be expanded, so the
      // properties are not kept (~1 KB a contact).
      if (options.retainContent) for (const [k, m] of Object.entries(map.properties ?? {})) contact.properties[k] = r[col(m.column)] ?? '';
      if (map.unsubscribed !== undefined) contact.unsubscribed = r[col(map.unsubscribed)] === 'true';
      for (const s of segments) contact.segments.add(s.id);
      if (existing === undefined) {
        audience.contacts.set(email, contact);
        counts.created++;
      } else counts.updated++;
    }
    const id = uuid(5);
    audience.imports.set(id, { id, status: 'queued', created_at: iso(), completed_at: null, counts, polls: 0 });
    return ok({ object: 'contact_import', id }, 201);
  }

  function send(id: string, scheduledAt: string | undefined): void {
    const b = audience.broadcasts.get(id) as Broadcast;
    audience.sendCalls.set(id, (audience.sendCalls.get(id) ?? 0) + 1);
    if (scheduledAt !== undefined) {
      b.status = 'scheduled';
      b.scheduled_at = scheduledAt;
      return;
    }
    b.status = 'sent';
    b.sent_at = iso();
    for (const contact of audience.contacts.values()) {
      if (!contact.segments.has(b.segment_id) || contact.unsubscribed) continue;
      audience.deliveredCount++;
      if (!options.retainContent) continue;
      const hosted = `${options.baseUrl()}/unsubscribe/${contact.id}`;
      const fill = (template: string | undefined) => (template ?? '').replace(/\{\{\{\s*([A-Za-z0-9_.]+)(?:\|([^}]*))?\s*\}\}\}/g, (tag, name: string, fallback: string | undefined) => {
        if (name === 'RESEND_UNSUBSCRIBE_URL') return hosted;
        const key = name.startsWith('contact.') ? name.slice('contact.'.length) : name;
        const value = key === 'email' ? contact.email : contact.properties[key];
        if (value !== undefined && value !== '') return value;
        if (fallback !== undefined) return fallback;
        const property = audience.properties.get(key);
        if (property?.fallback_value !== undefined) return String(property.fallback_value);
        return tag; // unfilled: left for the test to see
      });
      const emailId = uuid(6);
      audience.delivered.push({
        id: emailId,
        broadcastId: id,
        to: contact.email,
        from: b.from,
        subject: fill(b.subject),
        html: fill(b.html),
        text: fill(b.text),
        headers: { 'List-Unsubscribe': `<${hosted}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      });
      audience.events.push({ broadcastId: id, email: contact.email, type: 'sent', at: iso() }, { broadcastId: id, email: contact.email, type: 'delivered', at: iso() });
    }
  }

  return audience;
}

/** RFC 4180: quoted fields, doubled quotes, CRLF or LF. Lines without a quote take a fast path (a 48 MB import). */
export function parseCsv(text: string): string[][] {
  if (!text.includes('"')) return text.split(/\r?\n/).filter((line, i, all) => line !== '' || i < all.length - 1).map((line) => line.split(','));
  return parseQuotedCsv(text);
}

function parseQuotedCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
