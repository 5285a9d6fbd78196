/**
 * The portal's weight and speed, as each office meets it: the JavaScript its first page (a county's 工作台,
 * the city's 总览) loads, gzipped as a server or CloudFront would send it; the largest chunk of the build;
 * and the time from opening that page's address (signed in, empty cache) to its heading on screen, in
 * Debian's Chromium against the twin at the review (10 November 2016). Median and worst of `runs`.
 *
 *   npm run bench -- portal [--runs 7]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CITY_USERNAME, LOCAL_PASSWORD } from '../local/api/users';
import { plan, startApiTwin } from '../test/helpers/api-twin';
import { buildPortal, launch, signIn } from '../web/e2e/browser';

const KB = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const gz = (bytes: Buffer) => gzipSync(bytes, { level: 9 }).byteLength;

/** Each role's first page after signing in: the route the issue's 350 KB limit is about. */
const FIRST_PAGES = [
  { who: 'county', title: '工作台', username: plan.units[0].id, path: `units/${plan.units[0].id}`, heading: `${plan.units[0].name} · 工作台` },
  { who: 'city', title: '总览', username: CITY_USERNAME, path: 'overview', heading: '总览' },
] as const;

export async function benchPortal(opts: { runs?: number } = {}): Promise<string> {
  const runs = opts.runs ?? 7;
  const dist = buildPortal();
  const assets = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js'));
  const sizes = new Map(assets.map((f) => [f, gz(readFileSync(join(dist, 'assets', f)))]));
  const largest = [...sizes].sort((a, b) => b[1] - a[1])[0];

  const api = await startApiTwin({ portal: dist });
  const browser = await launch();
  const lines = [`portal: ${cpus().length} cores, load ${loadavg()[0].toFixed(1)}; ${assets.length} JavaScript files in the build`];
  try {
    const portal = api.twin.endpoints.portal!;
    for (const first of FIRST_PAGES) {
      // Sign in once; each measured run is a new profile with the same session and nothing cached.
      const signedIn = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      const page = await signedIn.newPage();
      await signIn(page, portal, first.username, LOCAL_PASSWORD);
      await page.getByRole('heading', { name: first.heading, exact: true }).waitFor();
      // Strings, not functions: this file is compiled without the DOM's types.
      const session = (await page.evaluate('JSON.stringify(Object.entries(sessionStorage))')) as string;
      await signedIn.close();

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
        await p.goto(`${portal}${first.path}`);
        await p.getByRole('heading', { name: first.heading, exact: true }).waitFor();
        times.push(Math.round(performance.now() - start));
        initialJs = scripts;
        await context.close();
      }
      times.sort((a, b) => a - b);
      const initial = [...initialJs].reduce((sum, f) => sum + sizes.get(f)!, 0);
      lines.push(
        `  the ${first.who}'s first page, ${first.title} (/${first.path}): JavaScript fetched before its heading showed, gzipped: ${KB(initial)} in ${initialJs.size} files`,
        `    ${[...initialJs].sort((a, b) => sizes.get(b)! - sizes.get(a)!).map((f) => `${f} ${KB(sizes.get(f)!)}`).join(', ')}`,
        `    open /${first.path} to its heading (signed in, empty cache), ${runs} runs: median ${times[Math.floor(runs / 2)]} ms, worst ${times.at(-1)} ms`,
      );
    }
    lines.push(`  largest chunk, gzipped: ${largest[0]} ${KB(largest[1])}`);
    return lines.join('\n');
  } finally {
    await browser.close();
    await api.close();
  }
}
