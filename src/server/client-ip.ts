import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * The client's address: the last X-Forwarded-For entry when `trustProxy` (our own proxy
 * appended it; earlier entries are the client's word), else the socket's peer.
 */
export function clientIp(c: Context, trustProxy: boolean): string | undefined {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').map((s) => s.trim()).filter(Boolean);
    if (forwarded !== undefined && forwarded.length > 0) return forwarded[forwarded.length - 1];
  }
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}
