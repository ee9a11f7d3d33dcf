import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSpamReport, runSpamAssassin, spamFindings } from '../../src/check/check-spam.ts';
import { sampleMessage } from '../../src/check/sample-message.ts';
import { loadEdition } from '../../src/content/load-edition.ts';
import { renderEmail } from '../../src/render/render-email.ts';
import { createOutboxTransport } from '../../src/transport/outbox.ts';
import { spamAssassinAvailable } from '../support/spamassassin.ts';

// The tail of `spamassassin -L -t`'s output, as 4.0 writes it.
const REPORT = `
Content analysis details:   (2.7 points, 5.0 required)

 pts rule name              description
---- ---------------------- --------------------------------------------------
 0.5 SUBJ_ALL_CAPS          Subject is all capitals
 0.7 HTML_FONT_LOW_CONTRAST BODY: HTML font color similar or identical to
                            background
-0.0 NO_RELAYS              Informational: message was not relayed via SMTP
 1.5 MISSING_DATE           Missing Date: header

`;

describe('the spam score', () => {
  it('reads the score and every rule, a wrapped description joined', () => {
    expect(parseSpamReport(`X-Spam-Status: Yes\n\nbody${REPORT}`)).toEqual({
      score: 2.7,
      rules: [
        { points: 0.5, name: 'SUBJ_ALL_CAPS', description: 'Subject is all capitals' },
        { points: 0.7, name: 'HTML_FONT_LOW_CONTRAST', description: 'BODY: HTML font color similar or identical to background' },
        { points: -0, name: 'NO_RELAYS', description: 'Informational: message was not relayed via SMTP' },
        { points: 1.5, name: 'MISSING_DATE', description: 'Missing Date: header' },
      ],
    });
    expect(parseSpamReport('no report here')).toBeUndefined();
  });

  it('is an error from 5, a warning from 2, info below; and says how to install SpamAssassin without it', () => {
    const at = (score: number) => spamFindings({ score, rules: [] })[0]?.severity;
    expect([at(5), at(4.9), at(2), at(1.9), at(0)]).toEqual(['error', 'warning', 'warning', 'info', 'info']);
    expect(spamFindings({ score: 2.7, rules: parseSpamReport(REPORT)!.rules })[0]?.message).toContain('SpamAssassin score 2.7');
    expect(spamFindings(undefined)).toEqual([expect.objectContaining({ check: 'spam', severity: 'warning', message: expect.stringContaining('apt-get install spamassassin') })]);
  });

  it('resolves undefined when the command is not there', async () => {
    expect(await runSpamAssassin(Buffer.from('Subject: x\n\nx\n'), 'spamassassin-not-installed-here')).toBeUndefined();
  });

  it.runIf(spamAssassinAvailable()).each(['react', 'mjml'] as const)(
    'scores a %s message from the outbox under 2 (SUBJ_ALL_CAPS on the Hangul subject)',
    async (engine) => {
      const edition = await loadEdition('content/2025-07-08-ai-issues-2025-h1.md');
      const message = sampleMessage(edition, await renderEmail(edition, { engine }), { publicUrl: 'https://news.example.com', secret: 'newsletter-local-development-secret' });
      const dir = await mkdtemp(join(tmpdir(), 'spam-'));
      try {
        const outbox = createOutboxTransport({ dir });
        await outbox.sendBatch([message], { idempotencyKey: 'spam-test', signal: AbortSignal.timeout(10_000), acquireSlot: async () => true });
        const file = (await readdir(dir)).find((f) => f.endsWith('.eml'));
        const report = await runSpamAssassin(await readFile(join(dir, file!)));
        expect(report).toBeDefined();
        expect(report!.score).toBeLessThan(2);
        expect(report!.rules.map((r) => r.name)).toContain('SUBJ_ALL_CAPS');
        expect(report!.rules.map((r) => r.name)).not.toContain('HTML_FONT_LOW_CONTRAST');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
