/**
 * The portal's weight and speed, as a county office meets it: the JavaScript its first page (the 工作台)
 * loads, gzipped as a server or CloudFront would send it; the largest chunk of the build; and the time from
 * opening the 工作台's address (signed in, empty cache) to its heading on screen, in Debian's Chromium
 * against the twin at the review (10 November 2016). Median and worst of `runs`.
 *
 *   npm run bench -- portal [--runs 7]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { LOCAL_PASSWORD } from '../local/api/users';
import { plan, startApiTwin } from '../test/helpers/api-twin';
import { buildPortal, launch, signIn } from '../web/e2e/browser';

const DIST = fileURLToPath(new URL('../web/dist/', import.meta.url));
const KB = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const gz = (bytes: Buffer) => gzipSync(bytes, { level: 9 }).byteLength;

export async function benchPortal(opts: { runs?: number } = {}): Promise<string> {
  const runs = opts.runs ?? 7;
  buildPortal();
  const assets = readdirSync(join(DIST, 'assets')).filter((f) => f.endsWith('.js'));
  const sizes = new Map(assets.map((f) => [f, gz(readFileSync(join(DIST, 'assets', f)))]));
  const largest = [...sizes].sort((a, b) => b[1] - a[1])[0];

  const api = await startApiTwin({ portal: true });
  const browser = await launch();
  try {
    const portal = api.twin.endpoints.portal!;
    const unit = plan.units[0];
    const heading = `${unit.name} · 工作台`;
    // Sign in once; each measured run is a new profile with the same session and nothing cached.
    const first = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await first.newPage();
    await signIn(page, portal, unit.id, LOCAL_PASSWORD);
    await page.getByRole('heading', { name: heading }).waitFor();
    // Strings, not functions: this file is compiled without the DOM's types.
    const session = (await page.evaluate('JSON.stringify(Object.entries(sessionStorage))')) as string;
    await first.close();

    const times: number[] = [];
    let initialJs = new Set<string>();
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      await context.addInitScript(`for (const [k, v] of ${session}) sessionStorage.setItem(k, v);`);
      const p = await context.newPage();
      const scripts = new Set<string>();
      p.on('response', (r) => {
        const name = new URL(r.url()).pathname.split('/').pop()!;
        if (sizes.has(name)) scripts.add(name);
      });
      // performance.now(), not Date.now(): the twin's simulated clock takes over Date in this process.
      const start = performance.now();
      await p.goto(`${portal}units/${unit.id}`);
      await p.getByRole('heading', { name: heading }).waitFor();
      times.push(Math.round(performance.now() - start));
      initialJs = scripts;
      await context.close();
    }
    times.sort((a, b) => a - b);
    const initial = [...initialJs].reduce((sum, f) => sum + sizes.get(f)!, 0);
    return [
      `portal: ${cpus().length} cores, load ${loadavg()[0].toFixed(1)}; ${assets.length} JavaScript files in web/dist`,
      `  the 工作台's JavaScript (what the browser fetched before the heading showed), gzipped: ${KB(initial)} in ${initialJs.size} files`,
      `    ${[...initialJs].map((f) => `${f} ${KB(sizes.get(f)!)}`).join(', ')}`,
      `  largest chunk, gzipped: ${largest[0]} ${KB(largest[1])}`,
      `  open /units/${unit.id} to its heading (signed in, empty cache), ${runs} runs: median ${times[Math.floor(runs / 2)]} ms, worst ${times.at(-1)} ms`,
    ].join('\n');
  } finally {
    await browser.close();
    await api.close();
  }
}
