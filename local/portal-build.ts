/**
 * `npm start` serves the built portal: on a fresh clone (no web/dist yet) it builds it once with Vite
 * (`npm run web:build`, about half a minute). After changing web/, run that command again.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export async function ensurePortalBuilt(dist: string): Promise<void> {
  if (existsSync(join(dist, 'index.html'))) return;
  console.log('构建工作平台 / building the portal (web/dist, once) …');
  execFileSync('npm', ['run', '-s', 'web:build'], { cwd: join(dist, '..', '..'), stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } });
}
