/**
 * Runs `aws-ses-v2-local` in this process on a free port (port 0: the OS picks it, no race).
 * It serves SES v1 SendEmail at `POST /` and keeps what was sent: `GET /store`, `POST /clear-store`.
 * Its store is module state: one server per process sees every email sent to any of them.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  at: number;
}

export interface SesLocal {
  endpoint: string;
  port: number;
  emails(): Promise<StoredEmail[]>;
  clear(): Promise<void>;
  stop(): Promise<void>;
}

type StartServer = (config?: { host?: string; port?: number }) => Promise<Server>;

/** The package is CommonJS with `exports.default`: from ESM the function may sit at `.default` or `.default.default`. */
async function loadServer(): Promise<StartServer> {
  const mod = (await import('aws-ses-v2-local')) as unknown as { default: StartServer | { default: StartServer } };
  const candidate = mod.default;
  if (typeof candidate === 'function') return candidate;
  if (candidate && typeof candidate.default === 'function') return candidate.default;
  throw new Error('aws-ses-v2-local: no server function found in its exports');
}

export async function startSesLocal(): Promise<SesLocal> {
  const start = await loadServer();
  const server = await start({ host: '127.0.0.1', port: 0 });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    port,
    async emails() {
      const res = await fetch(`${endpoint}/store`);
      if (!res.ok) throw new Error(`GET /store answered ${res.status}`);
      return ((await res.json()) as { emails: StoredEmail[] }).emails;
    },
    async clear() {
      await fetch(`${endpoint}/clear-store`, { method: 'POST' });
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
