/**
 * Every benchmark, once, at a tiny size: they are not part of `npm test` as measurements (timings belong in
 * bench/), but each must keep working, so a change that breaks one (a function needing a new environment
 * variable broke `bench -- bundles` unnoticed) fails here. Asserts that each produces its figures, never
 * how fast anything is.
 */
import { describe, expect, it } from 'vitest';
import { benchApi } from '../../bench/api';
import { benchBundles } from '../../bench/bundles';
import { benchDashboard } from '../../bench/dashboard';
import { benchPortal } from '../../bench/portal';
import { benchSimulator } from '../../bench/simulator';
import { benchYearDocuments } from '../../bench/year-documents';

/** The data rows of the markdown tables in a bench's output, as cells. */
function rows(out: string): string[][] {
  const lines = out.split('\n');
  return lines
    .filter((l, i) => l.startsWith('| ') && i > 0 && !lines[i + 1]?.startsWith('|---') && !l.startsWith('|---'))
    .map((l) => l.slice(2, -2).split(' | '));
}
const figure = /\d/;

// Each starts the twin (DynamoDB Local's JVM, the synthesized app) or builds every function: minutes on a busy machine.
describe('benchmarks at a tiny size', () => {
  it('bundles: every function builds and loads with the environment the construct sets', async () => {
    const out = await benchBundles({ runs: 1, sdkLeftOut: false });
    const table = rows(out);
    expect(table.map((r) => r[0])).toEqual(expect.arrayContaining(['check-upload', 'create-upload', 'get-dashboard', 'submit-deliverable']));
    for (const r of table) expect(r.slice(1).every((c) => /^\d+ (KB|ms)$/.test(c)), r.join(' | ')).toBe(true);
  }, 300_000);

  it('simulator: a generated plan of 3 units, the whole year', async () => {
    const table = rows(await benchSimulator({ units: [3] }));
    expect(table).toHaveLength(1);
    const [units, , executions, , , , , emails, , errors] = table[0];
    expect([units, executions, errors]).toEqual(['3', '4', '0']);
    expect(Number(emails)).toBeGreaterThan(0);
  }, 300_000);

  it('api: 3 units, a few requests per route, no errors', async () => {
    const out = await benchApi({ units: 3, requests: 4, concurrency: 2, warmup: 1 });
    expect(out).not.toContain('First failures');
    const table = rows(out);
    expect(table.length).toBeGreaterThanOrEqual(5);
    for (const r of table) {
      expect(r[7], r.join(' | ')).toBe('0');
      expect(r.slice(3, 6).every((c) => figure.test(c))).toBe(true);
    }
  }, 300_000);

  it('dashboard: 5 units in pages of 2, every page measured', async () => {
    const out = await benchDashboard({ units: 5, limits: [2] });
    const [row] = rows(out);
    expect(row.slice(0, 3)).toEqual(['2', '3', '5']);
    expect(row[3]).toMatch(/^\d+ KB \/ \d+ KB \/ \d+ KB$/);
    expect(row[4]).toMatch(/^\d+ \/ \d+ \/ \d+ \/ \d+$/);
    expect(out).toContain('"units":5');
  }, 300_000);

  it("portal: one run in Chromium for each role's first page, its scripts counted and within 350 KB", async () => {
    const out = await benchPortal({ runs: 1 });
    const firstPages = [...out.matchAll(/the (county|city)'s first page, .*gzipped: (\d+\.\d) KB in [1-9]\d* files/g)];
    expect(firstPages.map((m) => m[1])).toEqual(['county', 'city']);
    // The limit for the JavaScript of the route a user lands on (sizes, not times: the same build
    // gives the same figure on any machine).
    for (const m of firstPages) expect(Number(m[2]), m[0]).toBeLessThanOrEqual(350);
    expect(out).toMatch(/largest chunk, gzipped: \S+\.js \d+\.\d KB/);
    expect(out.match(/1 runs: median [1-9]\d* ms, worst [1-9]\d* ms/g)).toHaveLength(2);
  }, 300_000);

  it("year-documents: 3 units, every kind measured, in this process", async () => {
    const table = rows(await benchYearDocuments({ units: [3], inProcess: true }));
    expect(table.map((r) => r.slice(0, 3))).toEqual([
      ['3', 'gather', '0'],
      ['3', 'province-workbook', '1'],
      ['3', 'forwarding-report', '1'],
      // The third unit sent nothing: one 通报批评 draft.
      ['3', 'criticism-drafts', '1'],
      ['3', expect.stringMatching(/^all /), '3'],
    ]);
    for (const r of table.slice(1)) expect(r.slice(3).every((c) => figure.test(c)), r.join(' | ')).toBe(true);
  }, 300_000);
});
