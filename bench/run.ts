/**
 * Benchmarks: never part of the test command. `npm run bench -- <name>`; results go to stdout, and are
 * written down in bench/RESULTS.md by hand with the date and the machine.
 */
import { parseArgs } from 'node:util';
import { benchApi } from './api';
import { benchBundles } from './bundles';
import { benchSimulator } from './simulator';

const benches: Record<string, () => Promise<string>> = { api: benchApi, bundles: benchBundles, simulator: benchSimulator };
const names = parseArgs({ allowPositionals: true, strict: false }).positionals.filter((a) => !/^[\d,]+$/.test(a));
for (const name of names.length ? names : Object.keys(benches)) {
  const run = benches[name];
  if (!run) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  console.log(`## ${name}\n\n${await run()}\n`);
}
