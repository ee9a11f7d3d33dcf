import { randomUUID } from 'node:crypto';
import type { SampleSettings } from '../check/sample-message.ts';
import { sampleIdentity } from '../check/sample-message.ts';
import type { Edition } from '../content/schema.ts';
import type { Email } from '../render/email.ts';
import { createPersonalizer } from '../send/personalize.ts';
import { emailProblem, type Recipient } from '../subscribers/schema.ts';
import type { Transport } from '../transport/transport.ts';

/** A test send is for a few colleagues, not a list. */
export const MAX_TEST_ADDRESSES = 10;

export type TestSendResult =
  | { ok: true; sent: { to: string; id: string }[] }
  | { ok: false; problems: string[] };

/** Splits what was typed ("a@x, b@y" or one per line) and checks every address. */
export function parseTestAddresses(input: string): { ok: true; addresses: string[] } | { ok: false; problems: string[] } {
  const addresses = [...new Set(input.split(/[\s,;]+/).map((a) => a.trim()).filter((a) => a !== ''))];
  if (addresses.length === 0) return { ok: false, problems: ['type at least one address, such as me@may-i.io'] };
  if (addresses.length > MAX_TEST_ADDRESSES) {
    return { ok: false, problems: [`a test send goes to at most ${MAX_TEST_ADDRESSES} addresses, got ${addresses.length} — use \`newsletter send\` for a list`] };
  }
  const problems = addresses.flatMap((a) => {
    const problem = emailProblem(a);
    return problem ? [problem.replace(/ — fix or delete the row$/, '')] : [];
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, addresses };
}

/**
 * Sends the rendered edition to typed addresses, marked as a test the way
 * `newsletter send --test` marks it: "[테스트] " before the subject (before "(광고)"), an
 * `X-Newsletter-Test` header and a `test` tag. Each address gets the merge slots of
 * `as` (a row of the sample list) when one is picked, else none, like a reader whose
 * name is unknown. Nothing is journaled: a test is not the campaign.
 */
export async function sendTest(input: {
  edition: Edition;
  email: Email;
  addresses: string[];
  as?: Recipient;
  transport: Transport;
  settings: SampleSettings;
}): Promise<TestSendResult> {
  const personalize = createPersonalizer(input.email, sampleIdentity(input.edition, { ...input.settings, test: true }));
  const messages = input.addresses.map((to) => {
    const message = personalize({ email: to, fields: input.as?.fields ?? {}, ...(input.as?.name ? { name: input.as.name } : {}) });
    return {
      ...message,
      headers: { ...message.headers, 'X-Newsletter-Test': 'true' },
      tags: [...message.tags, { name: 'test', value: 'true' }],
    };
  });
  // A fresh key per click: pressing "send" twice means two test sends.
  const result = await input.transport.sendBatch(messages, { idempotencyKey: `preview-test-${randomUUID()}` });
  const sent: { to: string; id: string }[] = [];
  const problems: string[] = [];
  result.outcomes.forEach((outcome, i) => {
    const to = input.addresses[i] ?? '?';
    if (outcome.ok) sent.push({ to, id: outcome.id });
    else problems.push(`${to}: ${outcome.reason}`);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, sent };
}
