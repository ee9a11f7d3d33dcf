import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { NewsletterError } from '../errors.ts';

export interface RunningServer {
  /** `http://127.0.0.1:8787` */
  url: string;
  port: number;
  /**
   * Graceful stop: no new connections, idle keep-alive ones closed now, requests in
   * flight answered (each unsubscribe waits for its commit); whatever is still open
   * after `graceMs` is cut. Resolves when the server is closed; safe to call twice.
   */
  close(graceMs?: number): Promise<void>;
}

export interface ListenOptions {
  /** 0 picks a free port (tests). */
  port: number;
  host: string;
}

/** Listens with @hono/node-server; rejects with a clear error when the port is taken. */
export function startServer(app: { fetch: (request: Request, env: never) => unknown }, options: ListenOptions): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch as never, port: options.port, hostname: options.host }) as Server;
    // A mail client's one-click POST never needs more than a few seconds; a client that
    // trickles its headers should not keep a socket forever.
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;

    server.once('error', (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'EADDRINUSE'
          ? `port ${options.port} on ${options.host} is already in use — stop the other server or pass --port with another number`
          : error.code === 'EACCES'
            ? `not allowed to listen on port ${options.port} — use a port above 1023`
            : error.message;
      reject(new NewsletterError('listen-failed', `newsletter serve: ${why}.`));
    });

    server.once('listening', () => {
      const { port } = server.address() as AddressInfo;
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      let closing: Promise<void> | undefined;
      resolve({
        url: `http://${host}:${port}`,
        port,
        close(graceMs = 10_000) {
          closing ??= new Promise<void>((done) => {
            const force = setTimeout(() => server.closeAllConnections(), graceMs);
            force.unref();
            server.close(() => {
              clearTimeout(force);
              done();
            });
            server.closeIdleConnections();
          });
          return closing;
        },
      });
    });
  });
}
