import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOutboxTransport } from '../../src/transport/outbox.ts';
import { TransportError, type Message } from '../../src/transport/transport.ts';

function message(i: number, overrides: Partial<Message> = {}): Message {
  return {
    to: `reader${i}@example.com`,
    from: '메이아이 <newsletter@may-i.io>',
    replyTo: 'hello@may-i.io',
    subject: `(광고) 독자${i}님을 위한 2025 상반기 AI 이슈 — 길고 긴 한국어 제목이 여러 줄로 접혀도 그대로`,
    html: `<html lang="ko"><body><p>독자${i}님, 안녕하세요.</p><p>&lt;script&gt;</p></body></html>`,
    text: `독자${i}님, 안녕하세요.\n본문 ${i}`,
    headers: {
      'List-Unsubscribe': `<https://news.may-i.io/u/token-${i}.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG>, <mailto:unsubscribe@may-i.io?subject=unsubscribe>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'X-Entity-Ref-ID': `camp-ref${i}`,
    },
    tags: [{ name: 'campaign', value: 'camp' }],
    ...overrides,
  };
}

/** A header as the reader's client sees it: unfolded, without its name. */
function header(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line?.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outbox-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function emlFiles(): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.eml')).sort();
}

describe('createOutboxTransport', () => {
  it('writes one parseable MIME file per message, with both parts, the subject and both unsubscribe headers', async () => {
    const outbox = createOutboxTransport({ dir, now: () => new Date('2025-07-08T00:00:00Z') });
    const messages = [message(1), message(2), message(3)];
    const result = await outbox.sendBatch(messages, { idempotencyKey: 'camp-batch-0001' });

    expect(result.outcomes).toHaveLength(3);
    const ids = result.outcomes.map((o) => (o.ok ? o.id : o.reason));
    for (const id of ids) expect(id).toMatch(/^outbox-[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(3);

    const files = await emlFiles();
    expect(files).toEqual(['camp-batch-0001-000.eml', 'camp-batch-0001-001.eml', 'camp-batch-0001-002.eml']);
    for (const [i, file] of files.entries()) {
      const raw = await readFile(join(dir, file));
      const mail = await simpleParser(raw);
      const sent = messages[i] as Message;
      expect(mail.subject).toBe(sent.subject);
      expect(mail.text?.trim()).toBe(sent.text);
      expect(mail.html).toBe(sent.html);
      expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : undefined).toBe(sent.to);
      expect(mail.from?.value[0]).toEqual({ address: 'newsletter@may-i.io', name: '메이아이' });
      expect(mail.messageId).toBe(`<${ids[i]}@may-i.io>`);
      expect(mail.date?.toISOString()).toBe('2025-07-08T00:00:00.000Z');
      expect(header(mail, 'Content-Type')).toMatch(/^multipart\/alternative;/);
      expect(header(mail, 'List-Unsubscribe')).toBe(sent.headers['List-Unsubscribe']);
      expect(header(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(header(mail, 'X-Entity-Ref-ID')).toBe(`camp-ref${i + 1}`);
      // The subject travels encoded: the raw file stays 7-bit ASCII in its headers.
      expect(raw.toString('latin1').split('\r\n\r\n')[0]).toMatch(/^Subject: =\?UTF-8\?/m);
    }

    const index = (await readFile(join(dir, 'index.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(index).toEqual(
      messages.map((m, i) => ({ id: ids[i], to: m.to, subject: m.subject, file: files[i], idempotencyKey: 'camp-batch-0001' })),
    );
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('returns the same ids for the same key and payload, without writing anything again', async () => {
    const outbox = createOutboxTransport({ dir });
    const messages = [message(1), message(2)];
    const first = await outbox.sendBatch(messages, { idempotencyKey: 'camp-batch-0001' });
    const before = await Promise.all((await emlFiles()).map(async (f) => (await stat(join(dir, f))).mtimeMs));
    const indexBefore = await readFile(join(dir, 'index.jsonl'), 'utf8');

    // A new transport, as after a restart: the state is on disk, not in memory.
    const again = await createOutboxTransport({ dir }).sendBatch(messages, { idempotencyKey: 'camp-batch-0001' });
    expect(again).toEqual(first);
    expect(await emlFiles()).toHaveLength(2);
    const after = await Promise.all((await emlFiles()).map(async (f) => (await stat(join(dir, f))).mtimeMs));
    expect(after).toEqual(before);
    expect(await readFile(join(dir, 'index.jsonl'), 'utf8')).toBe(indexBefore);

    // Another key is another batch.
    const other = await outbox.sendBatch([message(3)], { idempotencyKey: 'camp-batch-0002' });
    expect(other.outcomes[0]).toMatchObject({ ok: true });
    expect(await emlFiles()).toHaveLength(3);
  });

  it('rewrites a batch cut short by a crash in place: same files, same ids, no second copy', async () => {
    const outbox = createOutboxTransport({ dir });
    const messages = [message(1), message(2)];
    const first = await outbox.sendBatch(messages, { idempotencyKey: 'k-1' });
    // Simulate a crash before the batch was recorded as complete.
    await rm(join(dir, 'keys'), { recursive: true });
    const again = await createOutboxTransport({ dir }).sendBatch(messages, { idempotencyKey: 'k-1' });
    expect(again).toEqual(first);
    expect(await emlFiles()).toEqual(['k-1-000.eml', 'k-1-001.eml']);
  });

  it('refuses the same key for a different payload, as Resend does with 409', async () => {
    const outbox = createOutboxTransport({ dir });
    await outbox.sendBatch([message(1)], { idempotencyKey: 'k-1' });
    const error = await outbox.sendBatch([message(2)], { idempotencyKey: 'k-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ retryable: false, status: 409, code: 'idempotency-conflict' });
    expect(await emlFiles()).toHaveLength(1);
  });

  it('keeps odd keys to safe, distinct file names', async () => {
    const outbox = createOutboxTransport({ dir });
    await outbox.sendBatch([message(1)], { idempotencyKey: '../camp/batch 1' });
    await outbox.sendBatch([message(1)], { idempotencyKey: '../camp/batch_1' });
    const files = await emlFiles();
    expect(files).toHaveLength(2);
    for (const f of files) expect(f).toMatch(/^camp_batch_1-[0-9a-f]{12}-000\.eml$/);
  });

  it('refuses more than 100 messages in a batch', async () => {
    const outbox = createOutboxTransport({ dir });
    expect(outbox.maxBatch).toBe(100);
    const many = Array.from({ length: 101 }, (_, i) => message(i));
    await expect(outbox.sendBatch(many, { idempotencyKey: 'k' })).rejects.toMatchObject({ retryable: false });
  });
});
