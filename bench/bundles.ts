/**
 * Bundle size and cold-load time of every Lambda function, built exactly as the CDK construct builds it
 * (infra/constructs/app-function.ts LAMBDA_BUNDLE), plus the same bundle with the AWS SDK left to the
 * Lambda runtime, for comparison.
 *
 *   npm run bench -- bundles [--functions check-upload,get-health] [--runs 7]
 *
 * Cold load: a fresh `node` process imports the bundle (module evaluation, client construction at
 * cold start with a stand-in environment); median of `runs` runs, minus the median of an empty module.
 * The SDK-less bundle loads the SDK from node_modules (CommonJS), as it would from the Lambda runtime.
 * The stand-in environment names every variable functions/_shared/env.ts knows, so a function that
 * needs a new one (the documents bucket) loads here as it does on AWS.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAMBDA_BUNDLE } from '../infra/constructs/app-function';
import { envSchema } from '../functions/_shared/env';

const ROOT = join(import.meta.dirname, '..');
// Inside node_modules so a bundle that leaves the SDK out resolves it, as the Lambda runtime would.
const out = join(ROOT, 'node_modules', '.cache', 'bench-bundles');
mkdirSync(out, { recursive: true });
/** A value for every variable the functions read, as the CDK construct would set it. */
const standIn = (name: string) => (name.endsWith('_ARN') ? `arn:aws:states:us-east-1:000000000000:stateMachine:${name.toLowerCase()}` : `bench-${name.toLowerCase().replace(/_/g, '-')}`);
const env = {
  ...process.env,
  ...Object.fromEntries(Object.keys(envSchema.shape).map((name) => [name, standIn(name)])),
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

function loadMsRuns(file: string, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = execFileSync(process.execPath, ['-e', `const t=performance.now();import(${JSON.stringify(file)}).then(()=>console.log(performance.now()-t))`], { env, cwd: out, stdio: ['ignore', 'pipe', 'pipe'] });
    times.push(Number(String(t).trim()));
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

async function bundle(name: string, external: string[]) {
  const outfile = join(out, `${name}${external.length ? '-ext' : ''}.mjs`);
  const r = await build({
    entryPoints: [join(ROOT, 'functions', name, 'handler.ts')],
    bundle: true,
    platform: 'node',
    format: LAMBDA_BUNDLE.format,
    minify: LAMBDA_BUNDLE.minify,
    target: LAMBDA_BUNDLE.target,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    banner: { js: LAMBDA_BUNDLE.banner },
    external,
    outfile,
    metafile: true,
    logLevel: 'silent',
  });
  return { outfile, bytes: Object.values(r.metafile.outputs)[0].bytes };
}

export interface BundlesOptions {
  /** Function folders to build; default every one under functions/. */
  functions?: string[];
  /** Fresh processes per cold-load figure (the median is kept). @default 7 */
  runs?: number;
  /** Also build and load each bundle with the SDK left to the runtime, for comparison. @default true */
  sdkLeftOut?: boolean;
}

export async function benchBundles(opts: BundlesOptions = {}): Promise<string> {
  const all = readdirSync(join(ROOT, 'functions'), { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('_')).map((d) => d.name);
  const unknown = (opts.functions ?? []).filter((n) => !all.includes(n));
  if (unknown.length) throw new Error(`no such function folder: ${unknown.join(', ')}`);
  const names = opts.functions ?? all;
  const runs = opts.runs ?? 7;
  writeFileSync(join(out, 'empty.mjs'), '');
  const loadMs = (file: string) => loadMsRuns(file, runs);
  const base = loadMs(join(out, 'empty.mjs'));
  const rows: string[] = [];
  for (const name of names) {
    const bundled = await bundle(name, []);
    const ext = opts.sdkLeftOut === false ? null : await bundle(name, ['@aws-sdk/*', '@smithy/*']);
    // A small bundle loads within the empty module's noise on a busy machine: below it counts as 0, not "-3 ms".
    const load = (file: string) => `${Math.max(0, loadMs(file) - base).toFixed(0)} ms`;
    const cells = [`${(bundled.bytes / 1024).toFixed(0)} KB`, load(bundled.outfile)];
    if (ext) cells.push(`${(ext.bytes / 1024).toFixed(0)} KB`, load(ext.outfile));
    rows.push(`| ${name} | ${cells.join(' | ')} |`);
  }
  return [
    `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; cold load = median of ${runs} fresh processes minus an empty module (${base.toFixed(0)} ms).`,
    '',
    opts.sdkLeftOut === false
      ? '| function | bundle, SDK inside (as deployed) | cold load |\n|---|---|---|'
      : '| function | bundle, SDK inside (as deployed) | cold load | bundle, SDK left to the runtime | cold load (SDK from node_modules, CommonJS) |\n|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
