/**
 * The twin's stand-in for the portal's bucket behind CloudFront: the built portal (web/dist, `npm run
 * web:build`) served from its own origin, with `/config.json` (the runtime config a deploy writes: where
 * the API and the user pool are) and the security headers the distribution adds. Any path that is not a
 * file gets index.html, so a link from an email opens its page. Nothing else: the portal talks to the
 * API, the user pool and the bucket across origins, as it does on AWS.
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

/** What the portal reads from /config.json at start (web/src/config.ts reads the same shape). */
export interface PortalRuntimeConfig {
  apiUrl: string;
  region: string;
  userPoolId: string;
  clientId: string;
  /** The Cognito endpoint when it is not the region's own (the twin's issuer). */
  cognitoEndpoint?: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * The headers CloudFront's response-headers policy is meant to add (issue 9): no inline script; inline
 * styles only, which Ant Design's CSS-in-JS needs; the API, the user pool and the bucket as the only
 * places to connect to; no framing.
 */
function securityHeaders(config: PortalRuntimeConfig, uploadOrigins: string[]): Record<string, string> {
  const connect = ["'self'", new URL(config.apiUrl).origin, config.cognitoEndpoint ? new URL(config.cognitoEndpoint).origin : `https://cognito-idp.${config.region}.amazonaws.com`, ...uploadOrigins];
  return {
    'content-security-policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      `connect-src ${connect.join(' ')}`,
      `frame-src ${uploadOrigins.join(' ') || "'none'"}`,
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
    ].join('; '),
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
  };
}

export interface PortalServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startPortalServer(opts: { port: number; dir: string; config: PortalRuntimeConfig; uploadOrigins: string[] }): Promise<PortalServer> {
  const root = normalize(opts.dir);
  const indexFile = join(root, 'index.html');
  await stat(indexFile).catch(() => {
    throw new Error(`the portal is not built (no ${indexFile}): run npm run web:build`);
  });
  const headers = securityHeaders(opts.config, opts.uploadOrigins);
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const send = (status: number, body: Buffer | string, type: string, cache = 'no-cache') => {
      res.writeHead(status, { ...headers, 'content-type': type, 'cache-control': cache });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'Method Not Allowed', 'text/plain');
    if (path === '/config.json') return send(200, JSON.stringify(opts.config), 'application/json');
    const file = normalize(join(root, path));
    if (!file.startsWith(root + sep)) return send(404, 'Not Found', 'text/plain');
    void stat(file)
      .then(async (s) => {
        if (!s.isFile()) throw new Error('not a file');
        // Hashed asset names never change content: cache them; everything else is checked each time.
        send(200, await readFile(file), TYPES[extname(file)] ?? 'application/octet-stream', path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      })
      // Read each time: a `npm run web:build` while the twin runs is served at once.
      .catch(async () => (path.startsWith('/assets/') ? send(404, 'Not Found', 'text/plain') : send(200, await readFile(indexFile), TYPES['.html'])));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${opts.port}/`,
    port: opts.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
