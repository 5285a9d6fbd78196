/**
 * Benchmarks: never part of the test command (the suite runs each once at a tiny size, test/bench/smoke.test.ts,
 * so none can silently stop working). `npm run bench -- <name> [options]`; results go to stdout, and are
 * written down in bench/RESULTS.md by hand with the date and the machine.
 *
 *   npm run bench -- bundles   [--functions a,b] [--runs 7]
 *   npm run bench -- simulator [--units 10,100]
 *   npm run bench -- api       [--units 200] [--requests 1000] [--concurrency 8] [--warmup 20]
 *   npm run bench -- dashboard [--units 2800] [--limit 50,100]
 *   npm run bench -- portal    [--runs 7]
 *   npm run bench -- year-documents [--units 100,700,2800]
 */
import { parseArgs } from 'node:util';
import { benchApi } from './api';
import { benchBundles } from './bundles';
import { benchDashboard } from './dashboard';
import { benchPortal } from './portal';
import { benchSimulator } from './simulator';
import { benchYearDocuments } from './year-documents';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    functions: { type: 'string' },
    runs: { type: 'string' },
    units: { type: 'string' },
    requests: { type: 'string' },
    concurrency: { type: 'string' },
    warmup: { type: 'string' },
    limit: { type: 'string' },
  },
});

function int(name: keyof typeof values): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} takes a whole number above 0`);
  return n;
}
const list = (raw: string | undefined) => raw?.split(',').map((s) => s.trim()).filter(Boolean);

const benches: Record<string, () => Promise<string>> = {
  api: () => benchApi({ units: int('units'), requests: int('requests'), concurrency: int('concurrency'), warmup: int('warmup') }),
  bundles: () => benchBundles({ functions: list(values.functions), runs: int('runs') }),
  dashboard: () => benchDashboard({ units: int('units'), limits: list(values.limit)?.map(Number) }),
  portal: () => benchPortal({ runs: int('runs') }),
  simulator: () => benchSimulator({ units: list(values.units)?.map(Number) }),
  'year-documents': () => benchYearDocuments({ units: list(values.units)?.map(Number) }),
};
for (const name of positionals.length ? positionals : Object.keys(benches)) {
  const run = benches[name];
  if (!run) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  console.log(`## ${name}\n\n${await run()}\n`);
}
