import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCampaignList, type CampaignListOptions } from '../../src/send/campaign-list.ts';
import { planCampaign } from '../../src/send/plan-campaign.ts';
import { createJournal } from '../../src/store/journal.ts';
import { openStore, type Store } from '../../src/store/open-store.ts';
import { suppress } from '../../src/store/suppressions.ts';
import { addSubscriber } from '../../src/subscribers/add-subscribers.ts';
import type { Recipient } from '../../src/subscribers/schema.ts';

// The plan's pass, and what lets the send start beside it (scripts/send.ts): the first
// recipient to send is signalled at once, and a list tells whether its pass could refuse.

const stores: Store[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'plan-campaign-'));
  dirs.push(dir);
  const store = openStore(join(dir, 'newsletter.db'));
  stores.push(store);
  return { dir, store };
}

/** Yields the given recipients, then waits for `release` before ending: a long list's read. */
function heldList(first: Recipient[]) {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let read = 0;
  const recipients: AsyncIterable<Recipient> = {
    async *[Symbol.asyncIterator]() {
      for (const r of first) {
        read++;
        yield r;
      }
      await released;
    },
  };
  return { recipients, release, read: () => read };
}

const people = (n: number, from = 0): Recipient[] => Array.from({ length: n }, (_, i) => ({ email: `reader${from + i}@example.com`, fields: {} }));

describe('planCampaign', () => {
  it('says the plan has a recipient to send at the first one, while the rest of the pass is still under way', async () => {
    const { store } = setup();
    suppress(store, { address: 'reader0@example.com', reason: 'unsubscribed', source: 'test', at: Date.now() });
    const list = heldList(people(3));
    let readWhenSendable: number | undefined;
    let ended = false;
    const planning = planCampaign({ slug: 'issue', transport: 'outbox', recipients: list.recipients, store, onSendable: () => (readWhenSendable = list.read()) });
    void planning.then(() => (ended = true));
    // The suppressed first row is not one to send; the second is.
    await expect.poll(() => readWhenSendable).toBe(2);
    expect(ended).toBe(false);
    list.release();
    const plan = await planning;
    expect(plan).toMatchObject({ recipients: 3, suppressed: 1, toSend: 2 });
  });

  it('does not say so when there is nothing to send', async () => {
    const { store } = setup();
    for (const r of people(2)) suppress(store, { address: r.email, reason: 'bounced', source: 'test', at: Date.now() });
    let called = 0;
    const plan = await planCampaign({ slug: 'issue', transport: 'outbox', recipients: stream(people(2)), store, onSendable: () => called++ });
    expect(plan.toSend).toBe(0);
    expect(called).toBe(0);
  });

  it("reads the journal's record before its pass: a campaign begun after the call is still planned as new", async () => {
    const { store } = setup();
    const list = heldList(people(2));
    const planning = planCampaign({ slug: 'issue', transport: 'outbox', recipients: list.recipients, store });
    // What a send started beside the pass does first.
    createJournal(store).beginCampaign({ id: 'issue:outbox', subject: 'S', transport: 'outbox', at: Date.now() });
    list.release();
    expect(await planning).toMatchObject({ resuming: false, toSend: 2, alreadySent: 0 });
  });
});

describe('CampaignList.mayRefuse', () => {
  // When true, the send waits for the plan's whole pass before its first request.
  function csv(dir: string, rows: string[]) {
    const file = join(dir, 'list.csv');
    writeFileSync(file, `${['email,name', ...rows].join('\n')}\n`);
    return file;
  }
  const base = (store: Store, to: string | undefined): CampaignListOptions => ({ to, store, strict: false, advertisement: false, skipUnconsented: false, now: Date.now() });

  it('is true for any CSV: a row anywhere in it can fail to parse, with or without --strict', async () => {
    const { dir, store } = setup();
    const to = csv(dir, ['a@example.com,A', 'b@example.com,"B', 'c@example.com,C']);
    const list = openCampaignList(base(store, to));
    expect(list.mayRefuse()).toBe(true);
    expect(openCampaignList({ ...base(store, to), advertisement: true, consentSource: 'the sign-up form, 2025' }).mayRefuse()).toBe(true);
    // Why: the plan's pass over this file is refused at its unclosed quote, after a good row.
    await expect(planCampaign({ slug: 'issue', transport: 'outbox', recipients: list.pass(), store })).rejects.toThrow(/list\.csv/);
  });

  it('is true for a stored list with no active subscriber (the plan refuses it), false once there is one', () => {
    const { store } = setup();
    expect(openCampaignList(base(store, undefined)).mayRefuse()).toBe(true);
    addSubscriber(store, { email: 'a@example.com', fields: {} }, { method: 'cli', source: 'test' }, Date.now());
    expect(openCampaignList(base(store, undefined)).mayRefuse()).toBe(false);
  });
});

async function* stream<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}
