import { describe, expect, it } from 'vitest';
import { payloadHash } from '../../src/send/batch-identity.ts';
import { filledLength, filledPartsOf, fillText, jsonChunks, messageFromParts, utf8Chunks, type FilledText } from '../../src/transport/filled-text.ts';

const join = (chunks: Uint8Array[]) => Buffer.concat(chunks).toString('utf8');
const bytes = (chunks: Uint8Array[]) => Buffer.concat(chunks);

// Values a subscriber list can hold: quotes and backslashes (JSON escapes them), control
// characters (escaped as \n, \u0001 …), U+2028 (JSON.stringify leaves it raw), an emoji
// (a surrogate pair inside one value), a lone surrogate in the middle of a value
// (JSON.stringify escapes it, Buffer's UTF-8 makes it U+FFFD), Hangul and an empty value.
const awkward = ['김"민지"\\', 'a\r\nb\t\u0001c', 'line\u2028sep', '독자 😀', 'x\ud800y', '', '<script>&'];

const literals = ['<p title="', '">안녕하세요, ', '님 — "인용" \\ 끝\n', '</p>'];
const filled = (values: readonly string[], slots = [0, 1, 0]): FilledText => ({ literals, slots, values });

describe('FilledText', () => {
  it('joins literals and values in slot order, a value used by several slots each time', () => {
    const f = filled(['A', 'B']);
    expect(fillText(f)).toBe('<p title="A">안녕하세요, B님 — "인용" \\ 끝\nA</p>');
    expect(filledLength(f)).toBe(fillText(f).length);
  });

  it.each(awkward.map((v) => [v]))('its UTF-8 and JSON pieces make the same bytes as the joined string: %j', (value) => {
    const f = filled([value, `${value}!`]);
    const whole = fillText(f);
    expect(filledLength(f)).toBe(whole.length);
    expect(bytes(utf8Chunks(f))).toEqual(Buffer.from(whole, 'utf8'));
    expect(bytes(jsonChunks(f))).toEqual(Buffer.from(JSON.stringify(whole).slice(1, -1), 'utf8'));
    expect(JSON.parse(`"${join(jsonChunks(f))}"`)).toBe(whole);
  });

  it('encodes each literal once per template: two messages share the same literal chunks', () => {
    const a = jsonChunks(filled(['A', 'B']));
    const b = jsonChunks(filled(['C', 'D']));
    expect(a[0]).toBe(b[0]);
    expect(a[2]).toBe(b[2]);
    expect(a[1]).not.toBe(b[1]);
  });
});

describe('messageFromParts', () => {
  const fields = {
    to: 'kim@example.com',
    from: '메이아이 <newsletter@may-i.io>',
    subject: '(광고) 소식',
    headers: { 'List-Unsubscribe': '<https://news.may-i.io/u/t>' },
    tags: [{ name: 'campaign', value: 'c' }],
  };
  const parts = { html: filled(['김민지', 'B']), text: { literals: ['안녕하세요 ', '님'], slots: [0], values: ['김민지'] } };

  it('reads like a plain message: html and text joined, keys in the personalizer order, copies plain', () => {
    const m = messageFromParts(fields, parts);
    expect(m.html).toBe(fillText(parts.html));
    expect(m.text).toBe('안녕하세요 김민지님');
    expect(Object.keys(m)).toEqual(['to', 'from', 'subject', 'html', 'text', 'headers', 'tags']);
    const copy = { ...m };
    expect(copy).toEqual(m);
    expect(filledPartsOf(m)).toBe(parts);
    // A copy holds strings, not the parts: it is encoded and hashed as a whole.
    expect(filledPartsOf(copy)).toBeUndefined();
    expect(JSON.parse(JSON.stringify(m))).toEqual(JSON.parse(JSON.stringify(copy)));
  });

  it('gives no parts once the html or text was replaced: the message is then encoded as it reads', () => {
    const m = messageFromParts(fields, parts);
    m.text = '다른 본문';
    expect(filledPartsOf(m)).toBeUndefined();
    // The same characters in another string are the same html: the parts still hold.
    const n = messageFromParts(fields, parts);
    n.html = n.html.slice(0, 1) + n.html.slice(1);
    expect(filledPartsOf(n)).toBe(parts);
  });

  it('hashes the same as the plain copy of itself, so a resume may rebuild either way', () => {
    const batch = awkward.map((v, i) => messageFromParts({ ...fields, to: `r${i}@example.com` }, { html: filled([v, 'B']), text: parts.text }));
    expect(batch.every((m) => filledPartsOf(m) !== undefined)).toBe(true);
    expect(payloadHash(batch)).toBe(payloadHash(batch.map((m) => ({ ...m }))));
    // …and the hash does see the values.
    const other = batch.map((m, i) => (i === 3 ? messageFromParts({ ...fields, to: m.to }, { html: filled(['독자 😃', 'B']), text: parts.text }) : m));
    expect(payloadHash(other)).not.toBe(payloadHash(batch));
  });

  it('gives no parts when half a surrogate pair meets a literal: such a message is encoded whole', () => {
    // '\ude00' begins with the low half of a pair; joined after a literal ending in '\ud83d'
    // it would make 😀, which no piece-by-piece encoding reproduces.
    expect(filledPartsOf(messageFromParts(fields, { ...parts, html: filled(['\ude00x', 'B']) }))).toBeUndefined();
    expect(filledPartsOf(messageFromParts(fields, { ...parts, html: filled(['x\ud83d', 'B']) }))).toBeUndefined();
    const split = { literals: ['a\ud83d', 'b'], slots: [0], values: ['v'] };
    expect(filledPartsOf(messageFromParts(fields, { ...parts, text: split }))).toBeUndefined();
    const m = messageFromParts(fields, { ...parts, html: filled(['\ude00x', 'B']) });
    expect(payloadHash([m])).toBe(payloadHash([{ ...m }]));
  });
});
