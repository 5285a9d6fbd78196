/**
 * Bundle size and cold-load time of every Lambda function, built exactly as the CDK construct builds it
 * (infra/constructs/app-function.ts LAMBDA_BUNDLE), plus the same bundle with the AWS SDK left to the
 * Lambda runtime, for comparison.
 *
 *   npm run bench -- bundles
 *
 * Cold load: a fresh `node` process imports the bundle (module evaluation, client construction at
 * cold start with dummy env); median of 7 runs, minus the median of an empty module. The SDK-less
 * bundle loads the SDK from node_modules (CommonJS), as it would from the Lambda runtime.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAMBDA_BUNDLE } from '../infra/constructs/app-function';

const ROOT = join(import.meta.dirname, '..');
// Inside node_modules so a bundle that leaves the SDK out resolves it, as the Lambda runtime would.
const out = join(ROOT, 'node_modules', '.cache', 'bench-bundles');
mkdirSync(out, { recursive: true });
const env = { ...process.env, TABLE_NAME: 't', AWS_REGION: 'us-east-1', UNIT_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:0:stateMachine:x', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

function loadMs(file: string): number {
  const runs: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = execFileSync(process.execPath, ['-e', `const t=performance.now();import(${JSON.stringify(file)}).then(()=>console.log(performance.now()-t))`], { env, cwd: out });
    runs.push(Number(String(t).trim()));
  }
  return runs.sort((a, b) => a - b)[3];
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

export async function benchBundles(): Promise<string> {
  const names = readdirSync(join(ROOT, 'functions')).filter((n) => !n.startsWith('_'));
  writeFileSync(join(out, 'empty.mjs'), '');
  const base = loadMs(join(out, 'empty.mjs'));
  const rows: string[] = [];
  for (const name of names) {
    const bundled = await bundle(name, []);
    const ext = await bundle(name, ['@aws-sdk/*', '@smithy/*']);
    rows.push(
      `| ${name} | ${(bundled.bytes / 1024).toFixed(0)} KB | ${(loadMs(bundled.outfile) - base).toFixed(0)} ms | ${(ext.bytes / 1024).toFixed(0)} KB | ${(loadMs(ext.outfile) - base).toFixed(0)} ms |`,
    );
  }
  return [
    `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; cold load = median of 7 fresh processes minus an empty module (${base.toFixed(0)} ms).`,
    '',
    '| function | bundle, SDK inside (as deployed) | cold load | bundle, SDK left to the runtime | cold load (SDK from node_modules, CommonJS) |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
