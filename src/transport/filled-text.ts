import type { Message } from './transport.ts';

/**
 * A text made of a template's literal chunks and one recipient's values:
 * `literals[0] + values[slots[0]] + literals[1] + … + literals[n]`. The personalizer makes
 * a message's html and text this way: the literals are the rendered edition's (the same
 * arrays for every recipient), the values are the recipient's.
 *
 * Why keep the pieces rather than only the joined string: a Korean edition's html and
 * text are ~35,000 characters a recipient, 3.5 MB of UTF-16 strings a batch of 100, and
 * sending them meant building those strings, hashing them and then JSON-encoding and
 * UTF-8-encoding them again: ~55 ms of the send loop's thread a batch, and ~7 MB of
 * young garbage for the collector. That thread also fires the rate limiter's timers, so
 * every ms of it made requests leave late (see send/rate-limiter.ts). With the pieces,
 * each literal is encoded once per template (cached below) and a batch only encodes its
 * values and copies bytes.
 */
export interface FilledText {
  /** `literals.length === slots.length + 1`; shared by every message of a template. */
  readonly literals: readonly string[];
  /** Per slot occurrence, an index into `values`. */
  readonly slots: readonly number[];
  readonly values: readonly string[];
}

export type FilledParts = { readonly html: FilledText; readonly text: FilledText };

type Fields = Omit<Message, 'html' | 'text'>;

/** What `messageFromParts` put beside a message: its parts, and the html and text it was given. */
const FILLED = Symbol('newsletter.filled');
interface Filled {
  parts: FilledParts;
  html: string;
  text: string;
}

/**
 * A plain Message whose `html` and `text` are ropes: V8 joins `a + b` lazily, so each is a
 * chain of a dozen small nodes pointing at the shared literals until something reads its
 * characters (a file writer, a test), and then it is flattened once, as a joined string
 * would have been. A batch waiting for its turn holds ~10 KB instead of 7 MB of strings.
 * The parts ride along on a symbol for `filledPartsOf`. (Tried and measured worse: getters
 * that join on first read, and a WeakMap from message to parts. V8 kept what the getters
 * joined, and the WeakMap's entries, alive past the young generation: reading a message's
 * html cost ~170 µs instead of ~6.)
 */
export function messageFromParts(fields: Fields, parts: FilledParts): Message {
  const { to, from, replyTo, subject, headers, tags, scheduledAt } = fields;
  const html = ropeOf(parts.html);
  const text = ropeOf(parts.text);
  // The key order is the personalizer's: the payload hash reads keys in order. No
  // `...(replyTo === undefined ? {} : { replyTo })`: object spreads in this per-recipient
  // path had V8 promote young garbage (see withValues in send/personalize.ts).
  const message: Message =
    replyTo === undefined ? { to, from, subject, html, text, headers, tags } : { to, from, replyTo, subject, html, text, headers, tags };
  if (scheduledAt !== undefined) message.scheduledAt = scheduledAt;
  // Not enumerable: no copy, comparison or serialization of the message sees it.
  Object.defineProperty(message, FILLED, { value: { parts, html, text } satisfies Filled });
  return message;
}

/**
 * The parts `message` was made from — unless it was not made by `messageFromParts`
 * (a copy is not: it is encoded and hashed as a whole), its html or text was changed
 * since, or its pieces cannot be encoded one by one with the same result as the whole: a
 * UTF-16 surrogate pair split across a literal and a value (never in real content: it
 * takes a template or a value that begins or ends in half an emoji) encodes differently
 * apart.
 */
export function filledPartsOf(message: Message): FilledParts | undefined {
  const record = (message as { [FILLED]?: Filled })[FILLED];
  // Unchanged, the strings are the very ones it was made with, and === is a pointer check
  // (no rope is flattened); a replacement is compared by content.
  if (record === undefined || record.html !== message.html || record.text !== message.text) return undefined;
  const { parts } = record;
  if (!separable(parts.html) || !separable(parts.text)) return undefined;
  return parts;
}

export function fillText(filled: FilledText): string {
  const { literals, slots, values } = filled;
  // Array join gives one flat string (not a rope of hundreds of pieces).
  const pieces = new Array<string>(literals.length + slots.length);
  for (let i = 0; i < slots.length; i++) {
    pieces[2 * i] = literals[i] as string;
    pieces[2 * i + 1] = values[slots[i] as number] as string;
  }
  pieces[pieces.length - 1] = literals[literals.length - 1] as string;
  return pieces.join('');
}

/** `fillText(filled)` as a rope (see messageFromParts): concatenated, not copied. */
function ropeOf(filled: FilledText): string {
  const { literals, slots, values } = filled;
  let rope = literals[0] as string;
  for (let i = 0; i < slots.length; i++) rope = rope + (values[slots[i] as number] as string) + (literals[i + 1] as string);
  return rope;
}

/** `fillText(filled).length`, without joining. */
export function filledLength(filled: FilledText): number {
  let length = literalsOf(filled.literals).length;
  for (const k of filled.slots) length += (filled.values[k] as string).length;
  return length;
}

/** The UTF-8 bytes of `fillText(filled)`, in pieces (the literals' shared, cached). */
export function utf8Chunks(filled: FilledText): Uint8Array[] {
  return chunks(filled, literalsOf(filled.literals).utf8, (v) => Buffer.from(v, 'utf8'));
}

/**
 * The UTF-8 bytes of `JSON.stringify(fillText(filled))` without its quotes, in pieces.
 * JSON.stringify escapes code unit by code unit (a surrogate pair is kept whole, and
 * `separable` rules out a pair split across pieces), so the pieces escaped one by one
 * make the same bytes as the whole.
 */
export function jsonChunks(filled: FilledText): Uint8Array[] {
  return chunks(filled, literalsOf(filled.literals).json, (v) => Buffer.from(JSON.stringify(v).slice(1, -1), 'utf8'));
}

function chunks(filled: FilledText, literals: readonly Uint8Array[], encode: (value: string) => Uint8Array): Uint8Array[] {
  const { slots, values } = filled;
  // A value often fills several slots (the unsubscribe link is in the header and the footer).
  const encoded = new Array<Uint8Array | undefined>(values.length);
  const out = new Array<Uint8Array>(literals.length + slots.length);
  for (let i = 0; i < slots.length; i++) {
    const k = slots[i] as number;
    out[2 * i] = literals[i] as Uint8Array;
    out[2 * i + 1] = encoded[k] ??= encode(values[k] as string);
  }
  out[out.length - 1] = literals[literals.length - 1] as Uint8Array;
  return out;
}

interface EncodedLiterals {
  /** Sum of the literals' lengths in UTF-16 code units. */
  length: number;
  utf8: Uint8Array[];
  json: Uint8Array[];
  /** No literal has half a surrogate pair at an end that meets a value. */
  separable: boolean;
}

/** Per template, not per message: keyed by the literals array the personalizer shares. */
const encodedLiterals = new WeakMap<readonly string[], EncodedLiterals>();

function literalsOf(literals: readonly string[]): EncodedLiterals {
  let encoded = encodedLiterals.get(literals);
  if (encoded === undefined) {
    encoded = {
      length: literals.reduce((n, l) => n + l.length, 0),
      utf8: literals.map((l) => Buffer.from(l, 'utf8')),
      json: literals.map((l) => Buffer.from(JSON.stringify(l).slice(1, -1), 'utf8')),
      separable: literals.every((l, i) => (i === 0 || !startsWithLowSurrogate(l)) && (i === literals.length - 1 || !endsWithHighSurrogate(l))),
    };
    encodedLiterals.set(literals, encoded);
  }
  return encoded;
}

function separable(filled: FilledText): boolean {
  if (!literalsOf(filled.literals).separable) return false;
  for (const k of filled.slots) {
    const value = filled.values[k] as string;
    if (startsWithLowSurrogate(value) || endsWithHighSurrogate(value)) return false;
  }
  return true;
}

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;
const startsWithLowSurrogate = (s: string) => s.length > 0 && isLow(s.charCodeAt(0));
const endsWithHighSurrogate = (s: string) => s.length > 0 && isHigh(s.charCodeAt(s.length - 1));
