import { createHash, randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { composeEml } from './compose-eml.ts';
import { TransportError, type BatchResult, type Message, type SendOptions, type Transport } from './transport.ts';

export interface OutboxOptions {
  /** Where the `.eml` files go, such as `out/outbox/<campaign>`; created when missing. */
  dir: string;
  /** The Date header's clock. @default () => new Date() */
  now?: () => Date;
}

/** One line of `index.jsonl`. After a crash a line may repeat; the `id` is the same, so dedupe by it. */
export interface OutboxIndexEntry {
  id: string;
  to: string;
  subject: string;
  file: string;
  idempotencyKey: string;
}

/** `keys/<key>.json`: written once a batch is complete; its presence means "already sent". */
interface KeyRecord {
  idempotencyKey: string;
  payloadHash: string;
  ids: string[];
}

/** Resend's batch limit; the outbox keeps it so the send loop batches the same way for both. */
const MAX_BATCH = 100;

/**
 * The transport for when no RESEND_API_KEY is set: every message becomes a real MIME
 * file (multipart/alternative, UTF-8, encoded subject, the same headers as Resend would
 * send) that any mail client opens, plus an `index.jsonl` of what was written.
 *
 * Crash safety without a lock or a counter file: a message's file name and id derive
 * from (idempotency key, position in the batch), and each file is written to a temporary
 * name and renamed. A batch cut short by a crash and sent again with the same key writes
 * the same files over themselves — never a half file, never a second copy.
 * Idempotency like Resend: once a batch is complete, `keys/<key>.json` records its ids;
 * the same key again returns them without writing, and the same key with a different
 * payload is refused (Resend answers 409), since that is a bug in the caller.
 * (Safe against a killed process; no fsync, so not against power loss — this is an
 * outbox for previews and dry runs, not a mail queue.)
 */
export function createOutboxTransport(options: OutboxOptions): Transport {
  const { dir } = options;
  const now = options.now ?? (() => new Date());
  const keysDir = join(dir, 'keys');
  let ready: Promise<unknown> | undefined;

  return {
    name: 'outbox',
    maxBatch: MAX_BATCH,

    async sendBatch(messages: Message[], { idempotencyKey, signal, acquireSlot }: SendOptions): Promise<BatchResult> {
      if (messages.length > MAX_BATCH) {
        throw new TransportError(`A batch holds at most ${MAX_BATCH} messages, got ${messages.length}.`, {
          retryable: false,
          code: 'batch-too-large',
        });
      }
      if (idempotencyKey === '') {
        throw new TransportError('The outbox needs an idempotency key for every batch.', { retryable: false, code: 'no-idempotency-key' });
      }
      if (signal?.aborted) {
        throw new TransportError('The batch was cancelled before it was written.', { retryable: true, code: 'aborted' });
      }
      ready ??= mkdir(keysDir, { recursive: true });
      await ready;
      // Nothing to build ahead: the slot (the send loop's pacing) comes before any writing.
      if (acquireSlot !== undefined && !(await acquireSlot())) {
        throw new TransportError('The batch was cancelled before it was written.', { retryable: true, code: 'aborted' });
      }

      const name = fileStem(idempotencyKey);
      const keyFile = join(keysDir, `${name}.json`);
      const payloadHash = hashPayload(messages);
      const previous = await readKeyRecord(keyFile);
      if (previous !== undefined) {
        if (previous.payloadHash !== payloadHash || previous.idempotencyKey !== idempotencyKey) {
          throw new TransportError(
            `Idempotency key "${idempotencyKey}" was already used for a different batch. ` +
              'This is a bug in how batches are keyed: a key must always stand for the same messages.',
            { retryable: false, status: 409, code: 'idempotency-conflict' },
          );
        }
        return { outcomes: previous.ids.map((id) => ({ ok: true, id })) };
      }

      const entries: OutboxIndexEntry[] = [];
      for (const [i, message] of messages.entries()) {
        const id = `outbox-${uuidFrom(`${idempotencyKey}\n${i}`)}`;
        const file = `${name}-${String(i).padStart(3, '0')}.eml`;
        const eml = await composeEml(message, id, now());
        await writeAtomically(join(dir, file), eml);
        entries.push({ id, to: message.to, subject: message.subject, file, idempotencyKey });
      }
      // One append per batch: a single write, so a crash leaves whole lines.
      await appendFile(join(dir, 'index.jsonl'), entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
      const record: KeyRecord = { idempotencyKey, payloadHash, ids: entries.map((e) => e.id) };
      await writeAtomically(keyFile, `${JSON.stringify(record)}\n`);
      return { outcomes: record.ids.map((id) => ({ ok: true, id })) };
    },

    async close() {},
  };
}

async function writeAtomically(path: string, data: string | Buffer): Promise<void> {
  // Same directory, so the rename cannot cross a file system and stays atomic.
  const tmp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

async function readKeyRecord(path: string): Promise<KeyRecord | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return JSON.parse(text) as KeyRecord;
}

/**
 * A file name for a key: the key itself when it is tame (the usual `campaign-batch-0007`,
 * so the outbox lists in batch order), otherwise a cleaned prefix plus a hash so that two
 * keys never share a name.
 */
function fileStem(key: string): string {
  if (/^[A-Za-z0-9._-]{1,100}$/.test(key) && !key.startsWith('.')) return key;
  const clean = key.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 60);
  return `${clean}-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

function hashPayload(messages: Message[]): string {
  return createHash('sha256').update(JSON.stringify(messages)).digest('hex');
}

/** A UUID-shaped id (version 8, "custom") derived from `seed`: the same batch position always gets the same id. */
function uuidFrom(seed: string): string {
  const b = createHash('sha256').update(seed).digest();
  b[6] = ((b[6] as number) & 0x0f) | 0x80;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
