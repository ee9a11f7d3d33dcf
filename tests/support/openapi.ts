import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { parse } from 'yaml';

/**
 * Checks request bodies of `POST /emails` and `POST /emails/batch` against Resend's own
 * OpenAPI document, so a test fails when our client sends something the real API would
 * refuse — not only when it disagrees with our idea of the API.
 */

/** A copy inside the repo wins; the shared reference is the fallback while there is none. */
const SPEC_CANDIDATES = [
  fileURLToPath(new URL('../fixtures/resend-openapi.yaml', import.meta.url)),
  '/work/shared/reference/resend-openapi.yaml',
];

/** Absolute ids for the component schemas; `.test` is reserved, nothing is fetched. */
const ID_BASE = 'https://resend.test/schemas/';

/** Resend's rule for tag names and values, stated in the spec's descriptions, not its schema. */
const TAG_PART = /^[A-Za-z0-9_-]{1,256}$/;
/** `a@b.c` or `Name <a@b.c>`: the two forms Resend's error message names. */
const BARE_ADDRESS = /^[^\s@<>",]+@[^\s@<>",]+\.[^\s@<>",]+$/;
const NAMED_ADDRESS = /^[^<>]*<([^<>]+)>$/;

export type Problem = { kind: 'missing' | 'invalid'; message: string };
export type Json = Record<string, unknown>;

/** Resend's cap on one batch request. */
export const MAX_BATCH = 100;

/** What the server does with a request body: send some emails, or refuse it all (422). */
export type Plan = { specViolations: string[] } & (
  | { reject: { name: 'missing_required_field' | 'validation_error'; message: string } }
  | { accept: Json[]; errors: { index: number; message: string }[] }
);

export interface PlanOptions {
  /** `x-batch-validation`; only the batch endpoint reads it. */
  mode: 'strict' | 'permissive';
  /** A message for a recipient to refuse, as if Resend found it invalid. */
  rejectAddress?: ((to: string) => string | undefined) | undefined;
}

/**
 * Decide what to send, as Resend does: a single email or a strict batch fails whole on
 * the first problem; a permissive batch sends the valid emails and lists the others by
 * index (https://resend.com/docs/dashboard/emails/batch-validation-modes).
 * `specViolations` are bodies a correct client never sends (schema, tag rule, batch size);
 * malformed or refused addresses are the recipients' data and are not in it.
 */
export function planRequest(validator: EmailValidator, endpoint: '/emails' | '/emails/batch', body: unknown, options: PlanOptions): Plan {
  const specViolations: string[] = [];
  const problemOf = (email: unknown, label: string): { kind: Problem['kind']; message: string } | undefined => {
    const spec = validator.specProblems(email, endpoint === '/emails' ? 'single' : 'batch');
    if (spec[0] !== undefined) {
      specViolations.push(`${label}: ${spec.map((p) => p.message).join(' ')}`);
      return spec[0];
    }
    const e = email as Json;
    const message = validator.addressProblem(e) ?? toList(e.to).map((to) => options.rejectAddress?.(to)).find((m) => m !== undefined);
    return message === undefined ? undefined : { kind: 'invalid', message };
  };
  const reject = (kind: Problem['kind'], message: string): Plan => ({
    specViolations,
    reject: { name: kind === 'missing' ? 'missing_required_field' : 'validation_error', message },
  });

  if (endpoint === '/emails') {
    const p = problemOf(body, 'POST /emails');
    return p === undefined ? { specViolations, accept: [body as Json], errors: [] } : reject(p.kind, p.message);
  }
  if (!Array.isArray(body)) {
    specViolations.push('POST /emails/batch: body is not an array of emails.');
    return reject('invalid', 'The request body must be an array of emails.');
  }
  if (body.length > MAX_BATCH) {
    specViolations.push(`POST /emails/batch: ${body.length} emails, the limit is ${MAX_BATCH}.`);
    return reject('invalid', `Too many emails in the batch: ${body.length}; the limit is ${MAX_BATCH}.`);
  }
  const accept: Json[] = [];
  const errors: { index: number; message: string }[] = [];
  for (const [index, email] of body.entries()) {
    const p = problemOf(email, `POST /emails/batch [${index}]`);
    if (p === undefined) accept.push(email as Json);
    else if (options.mode === 'permissive') errors.push({ index, message: p.message });
    // Strict: the first invalid email fails the whole batch and nothing is sent.
    else return reject(p.kind, `emails[${index}]: ${p.message}`);
  }
  return { specViolations, accept, errors };
}

/** `to`, `cc`… are a string or an array of strings. */
export function toList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

export interface EmailValidator {
  /**
   * Spec violations of one email object (schema + tag rule), checked with the schema of
   * the endpoint it came in on. Empty when valid.
   */
  specProblems(email: unknown, endpoint: 'single' | 'batch'): Problem[];
  /** Problems of the data itself (malformed addresses): what permissive mode reports per email. */
  addressProblem(email: Record<string, unknown>): string | undefined;
}

export function findResendSpec(): string {
  const found = SPEC_CANDIDATES.find((p) => existsSync(p));
  if (found === undefined) {
    throw new Error(`Resend OpenAPI document not found; looked in ${SPEC_CANDIDATES.join(', ')}. Copy it to tests/fixtures/resend-openapi.yaml.`);
  }
  return found;
}

export function createEmailValidator(specPath: string = findResendSpec()): EmailValidator {
  const doc = parse(readFileSync(specPath, 'utf8')) as {
    paths: Record<string, { post?: { requestBody?: { content: Record<string, { schema: unknown }> } } }>;
    components: { schemas: Record<string, unknown> };
  };
  // Strict mode stays on so a schema we cannot read fails loudly; `example` is OpenAPI's
  // annotation and `binary` its format for raw bytes (a base64 string once in JSON).
  const ajv = new Ajv2020({ allErrors: true, formats: { binary: true } });
  ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    ajv.addSchema({ ...(rewriteRefs(schema) as object), $id: ID_BASE + name });
  }
  const single = requestSchema(doc, '/emails');
  const batch = requestSchema(doc, '/emails/batch') as { type?: string; items?: unknown };
  if (batch.type !== 'array' || batch.items === undefined) {
    throw new Error(`${specPath}: /emails/batch requestBody is no longer an array of emails; update tests/support/openapi.ts.`);
  }
  // The spec points both at SendEmailRequest today; compiling each keeps a divergence visible.
  const validators = { single: ajv.compile(single), batch: ajv.compile(batch.items as object) };

  return {
    specProblems(email, endpoint) {
      const problems = run(validators[endpoint], email);
      if (problems.length > 0) return problems;
      return tagProblems((email as { tags?: unknown }).tags);
    },
    addressProblem(email) {
      for (const field of ['from', 'to', 'cc', 'bcc', 'reply_to'] as const) {
        const value = email[field];
        if (value === undefined) continue;
        const list = Array.isArray(value) ? value : [value];
        for (const address of list) {
          if (typeof address !== 'string' || !isAddress(address)) {
            return `Invalid \`${field}\` field. The email address needs to follow the \`email@example.com\` or \`Name <email@example.com>\` format.`;
          }
        }
      }
      return undefined;
    },
  };
}

export function isAddress(value: string): boolean {
  const named = NAMED_ADDRESS.exec(value.trim());
  return BARE_ADDRESS.test(named?.[1]?.trim() ?? value.trim());
}

function requestSchema(doc: { paths: Record<string, { post?: { requestBody?: { content: Record<string, { schema: unknown }> } } }> }, path: string): object {
  const schema = doc.paths[path]?.post?.requestBody?.content['application/json']?.schema;
  if (schema === undefined) throw new Error(`Resend OpenAPI document has no JSON requestBody for POST ${path}.`);
  return rewriteRefs(schema) as object;
}

/** `#/components/schemas/X` → the absolute id under which X was added to ajv. */
function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')
      ? ID_BASE + value.slice('#/components/schemas/'.length)
      : rewriteRefs(value);
  }
  return out;
}

function run(validate: ValidateFunction, value: unknown): Problem[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map(describe);
}

/** Resend-like wording: "The `to` field is missing.", "`tags/0/name` must be string". */
function describe(error: ErrorObject): Problem {
  if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty: string }).missingProperty);
    const where = error.instancePath === '' ? '' : ` in \`${error.instancePath.slice(1)}\``;
    return { kind: 'missing', message: `The \`${missing}\` field is missing${where}.` };
  }
  const where = error.instancePath === '' ? 'The body' : `\`${error.instancePath.slice(1)}\``;
  return { kind: 'invalid', message: `${where} ${error.message ?? 'is invalid'}.` };
}

function tagProblems(tags: unknown): Problem[] {
  if (!Array.isArray(tags)) return [];
  const problems: Problem[] = [];
  tags.forEach((tag: { name?: unknown; value?: unknown }, i) => {
    for (const part of ['name', 'value'] as const) {
      const value = tag[part];
      if (value !== undefined && (typeof value !== 'string' || !TAG_PART.test(value))) {
        problems.push({
          kind: 'invalid',
          message: `\`tags/${i}/${part}\` ${JSON.stringify(value)} may only contain ASCII letters, numbers, underscores or dashes (at most 256).`,
        });
      }
    }
  });
  return problems;
}

export interface RequestValidator {
  /**
   * Spec violations of one request body against `paths[template][method].requestBody`:
   * JSON bodies as parsed, multipart bodies as their fields (each a string; the file's
   * bytes given as any string). Empty when valid.
   */
  problems(method: string, template: string, body: unknown, contentType: 'application/json' | 'multipart/form-data'): string[];
}

/** For every endpoint besides the emails ones (contacts, imports, segments, broadcasts). */
export function createRequestValidator(specPath: string = findResendSpec()): RequestValidator {
  const doc = parse(readFileSync(specPath, 'utf8')) as {
    paths: Record<string, Record<string, { requestBody?: { required?: boolean; content: Record<string, { schema: unknown }> } }>>;
    components: { schemas: Record<string, unknown> };
  };
  const ajv = new Ajv2020({ allErrors: true, formats: { binary: true, uuid: true, 'date-time': true, email: true, uri: true } });
  ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    ajv.addSchema({ ...(rewriteRefs(schema) as object), $id: ID_BASE + name });
  }
  const compiled = new Map<string, ValidateFunction | undefined>();
  return {
    problems(method, template, body, contentType) {
      const key = `${method} ${template} ${contentType}`;
      if (!compiled.has(key)) {
        const operation = doc.paths[template]?.[method.toLowerCase()];
        if (operation === undefined) return [`${method} ${template}: no such operation in Resend's OpenAPI document`];
        const schema = operation.requestBody?.content[contentType]?.schema;
        compiled.set(key, schema === undefined ? undefined : ajv.compile(rewriteRefs(schema) as object));
      }
      const validate = compiled.get(key);
      if (validate === undefined) return body === undefined || (typeof body === 'object' && body !== null && Object.keys(body).length === 0) ? [] : [`${method} ${template}: the spec gives this operation no ${contentType} body`];
      return run(validate, body).map((p) => `${method} ${template}: ${p.message}`);
    },
  };
}
