import { describe, expect, it } from 'vitest';
import { loadEdition } from '../../src/content/load-edition.ts';
import { buildEdition } from '../../src/render/build-edition.ts';
import { MAX_TEST_ADDRESSES, parseTestAddresses, sendTest } from '../../src/preview/send-test.ts';
import type { BatchResult, Message, SendOptions, Transport } from '../../src/transport/transport.ts';

describe('parseTestAddresses', () => {
  it('splits on commas, semicolons, spaces and lines, and drops repeats', () => {
    expect(parseTestAddresses(' a@may-i.io, b@may-i.io;c@may-i.io\nd@may-i.io a@may-i.io ')).toEqual({
      ok: true,
      addresses: ['a@may-i.io', 'b@may-i.io', 'c@may-i.io', 'd@may-i.io'],
    });
  });

  it('says what is wrong with each bad address', () => {
    expect(parseTestAddresses('a@may-i.io, nope, x@@y.z')).toEqual({
      ok: false,
      problems: ['"nope" is not an email address (there is no @)', '"x@@y.z" is not an email address (it has more than one @)'],
    });
    expect(parseTestAddresses('  ')).toEqual({ ok: false, problems: ['type at least one address, such as me@may-i.io'] });
  });

  it(`refuses more than ${MAX_TEST_ADDRESSES} addresses`, () => {
    const many = Array.from({ length: MAX_TEST_ADDRESSES + 1 }, (_, i) => `t${i}@may-i.io`).join(',');
    const result = parseTestAddresses(many);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problems[0]).toContain(`at most ${MAX_TEST_ADDRESSES} addresses`);
  });
});

describe('sendTest', () => {
  it('sends one message per address, marked as a test, with the picked row\'s slots', async () => {
    const edition = await loadEdition('content/2025-07-08-ai-issues-2025-h1.md');
    const { email } = await buildEdition(edition);
    const batches: { messages: Message[]; options: SendOptions }[] = [];
    const transport: Transport = {
      name: 'outbox',
      maxBatch: 100,
      async sendBatch(messages, options): Promise<BatchResult> {
        batches.push({ messages, options });
        return { outcomes: messages.map((_, i) => ({ ok: true, id: `id-${i}` })) };
      },
      async close() {},
    };
    const settings = { publicUrl: 'http://localhost:8787', secret: 'preview-test-secret-0123456789' };
    const result = await sendTest({ edition, email, addresses: ['a@may-i.io', 'b@may-i.io'], as: { email: 'minji.kim@example.com', name: '김민지', fields: {} }, transport, settings });
    expect(result).toEqual({ ok: true, sent: [{ to: 'a@may-i.io', id: 'id-0' }, { to: 'b@may-i.io', id: 'id-1' }] });
    const [first, second] = batches[0]?.messages ?? [];
    expect(first?.to).toBe('a@may-i.io');
    expect(first?.subject).toBe('[테스트] (광고) 4가지로 정리하는 2025 상반기 AI 이슈');
    expect(first?.headers['X-Newsletter-Test']).toBe('true');
    expect(first?.tags).toContainEqual({ name: 'test', value: 'true' });
    expect(first?.text).toContain('김민지님, 안녕하세요.');
    // Each address gets its own unsubscribe link.
    expect(first?.headers['List-Unsubscribe']).not.toBe(second?.headers['List-Unsubscribe']);
    // Two clicks are two sends: a fresh idempotency key each time.
    await sendTest({ edition, email, addresses: ['a@may-i.io'], transport, settings });
    expect(batches[1]?.options.idempotencyKey).not.toBe(batches[0]?.options.idempotencyKey);
    expect(batches[1]?.messages[0]?.text).toContain('안녕하세요.');
    expect(batches[1]?.messages[0]?.text).not.toContain('김민지');
  });
});
