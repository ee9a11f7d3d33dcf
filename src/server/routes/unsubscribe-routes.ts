import type { Context, Hono } from 'hono';
import { verifyUnsubscribeToken } from '../../send/unsubscribe-token.ts';
import { errorName } from '../error-name.ts';
import { unavailablePage } from '../error-pages.ts';
import { maskAddress } from '../../subscribers/mask-address.ts';
import type { SuppressionWriter } from '../suppression-writer.ts';
import { confirmPage, donePage, invalidLinkPage } from '../unsubscribe-pages.ts';
import type { ServerLog } from '../create-app.ts';

/** A token is ~100 characters; anything far longer is not ours and is not worth an HMAC. */
const MAX_TOKEN_LENGTH = 1024;

/**
 * `/u/<token>`: GET asks (scanners fetch every link), POST unsubscribes — RFC 8058's
 * one-click and the page's button alike. The writer records the suppression, the
 * subscriber's status, the consent log and the §50⑦ notice in one group commit.
 */
export function unsubscribeRoutes(app: Hono, options: { secret: string; writer: SuppressionWriter; now: () => number; log: ServerLog; onNotice?: () => void }): void {
  const { secret, writer, now, log } = options;
  const readToken = (c: Context) => {
    const token = c.req.param('token') ?? '';
    return token.length > MAX_TOKEN_LENGTH ? undefined : verifyUnsubscribeToken(secret, token);
  };
  const invalid = (c: Context) => {
    c.header('Cache-Control', 'no-store');
    return c.html(invalidLinkPage(), 400);
  };

  app.get('/u/:token', (c) => {
    const target = readToken(c);
    if (target === undefined) return invalid(c);
    c.header('Cache-Control', 'no-store');
    return c.html(confirmPage(maskAddress(target.address)));
  });

  app.post('/u/:token', async (c) => {
    const target = readToken(c);
    if (target === undefined) return invalid(c);
    const source = (await isOneClick(c)) ? 'one-click' : 'unsubscribe-page';
    let added: boolean;
    try {
      ({ added } = await writer.suppress({ address: target.address, reason: 'unsubscribed', campaign: target.campaign, source, at: now() }));
    } catch (error) {
      log({ event: 'unsubscribe-failed', address: maskAddress(target.address), campaign: target.campaign, error: errorName(error) });
      c.header('Retry-After', '5');
      return c.html(unavailablePage(), 503);
    }
    log({ event: 'unsubscribed', address: maskAddress(target.address), campaign: target.campaign, source, added });
    if (added) options.onNotice?.();
    c.header('Cache-Control', 'no-store');
    return c.html(donePage(maskAddress(target.address)));
  });
}

/**
 * RFC 8058 §3.1: the one-click POST carries `List-Unsubscribe=One-Click`, as
 * application/x-www-form-urlencoded or multipart/form-data. Anything else with a valid
 * token (our own page's button) unsubscribes too; this only names the source.
 */
async function isOneClick(c: Context): Promise<boolean> {
  try {
    const type = c.req.header('content-type') ?? '';
    if (type.startsWith('multipart/form-data')) return (await c.req.parseBody())['List-Unsubscribe'] === 'One-Click';
    // The common case, and the hot path under load: parsing a 26-byte urlencoded body
    // directly costs a fraction of going through a Response's formData().
    return new URLSearchParams(await c.req.text()).get('List-Unsubscribe') === 'One-Click';
  } catch {
    return false;
  }
}
