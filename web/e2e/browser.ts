/**
 * Debian's Chromium driven by playwright-core (no browser download: `apt-get install chromium
 * fonts-noto-cjk`, as .ci/run does), at the office PCs' 1366×768, with a screenshot helper whose files go
 * to web/e2e/screenshots/ (gitignored; CI keeps them as artifacts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const WEB = fileURLToPath(new URL('..', import.meta.url));

/**
 * Builds the portal from the current sources into a folder of this test process's own, and returns it: the test
 * never runs an old build, and two test files building at once (vitest runs two at a time) never empty each
 * other's folder mid-run, as they did sharing web/dist. The folder goes when the process ends.
 */
export function buildPortal(): string {
  const dir = mkdtempSync(join(tmpdir(), 'portal-dist-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  // NODE_ENV=production as a deployment builds it: under vitest NODE_ENV is 'test', and Vite then bundles React's
  // development build (70 KB more on the first page, and slower), which is not what users get.
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', dir, '--emptyOutDir'], {
    cwd: WEB, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NODE_ENV: 'production' },
  });
  return dir;
}

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no ${CHROMIUM}: apt-get install -y chromium fonts-noto-cjk (see .ci/run)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A phone's screen (CSS pixels): the layouts must work here as at a government PC's 1366×768. */
export const PHONE = { width: 390, height: 844 };

/** A fresh browser profile (own sessionStorage) at 1366×768 (or a phone's screen), in Chinese and on Beijing time. */
export async function newPage(browser: Browser, opts: { phone?: boolean } = {}): Promise<Page> {
  const screen = opts.phone ? { viewport: PHONE, isMobile: true, hasTouch: true } : { viewport: { width: 1366, height: 768 } };
  const context = await browser.newContext({ ...screen, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  // E2E_DEBUG=1: what the browser says (console, blocked or failed requests, 4xx/5xx answers) on stderr.
  if (process.env.E2E_DEBUG) {
    page.on('console', (m) => console.error('console', m.type(), m.text()));
    page.on('requestfailed', (r) => console.error('request failed', r.method(), r.url(), r.failure()?.errorText));
    page.on('response', (r) => r.status() >= 400 && console.error('answer', r.status(), r.request().method(), r.url()));
  }
  return page;
}

/**
 * Saves the page's screenshot, then checks the same page with axe-core (WCAG 2.1 A and AA): every page a
 * test shows is checked, and a serious or critical finding fails the test. Each page's findings, minor
 * ones included, go to screenshots/axe/<name>.json.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(`${SCREENSHOTS}axe`, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const findings = result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`) }));
  writeFileSync(`${SCREENSHOTS}axe/${name}.json`, JSON.stringify({ url: page.url(), passes: result.passes.length, findings }, null, 2));
  const blocking = findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
  if (blocking.length > 0) {
    throw new Error(`axe-core on ${name}:\n${blocking.map((f) => `${f.id} (${f.impact}) ${f.help}: ${f.nodes.slice(0, 5).join(' | ')}`).join('\n')}`);
  }
}

/** Signs in through the sign-in page as a person would. */
export async function signIn(page: Page, portal: string, username: string, password: string): Promise<void> {
  await page.goto(portal);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}
