/**
 * Each function's deployment artefact, as CDK builds it: one esbuild ESM bundle per handler entry, with the
 * AWS SDK inside (infra/constructs/app-function.ts LAMBDA_BUNDLE). Built once for every function together and
 * cached by the content of the sources that go into them, so a twin starts from the cache in milliseconds.
 * Concurrent twins (test workers) wait for the one that builds.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { LAMBDA_BUNDLE } from '../../infra/constructs/app-function';

/** What goes into a bundle: the app's own sources and the locked dependency versions. */
const SOURCES = ['core', 'functions', 'workflows'];

function sourceFiles(root: string, dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(join(root, dir)).sort()) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) sourceFiles(root, path, out);
    else if (/\.(ts|json|mjs|js)$/.test(name)) out.push(path);
  }
  return out;
}

function contentHash(root: string, entries: string[]): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ entries, LAMBDA_BUNDLE, node: process.version }));
  for (const file of [...SOURCES.flatMap((d) => sourceFiles(root, d)), 'package-lock.json']) {
    hash.update(file).update(readFileSync(join(root, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Bundles every entry (repo-relative `functions/x/handler.ts`); returns entry -> absolute bundle path. */
export async function bundleFunctions(root: string, entries: string[], cacheDir = join(root, 'node_modules', '.cache', 'twin-lambda')): Promise<Map<string, string>> {
  const unique = [...new Set(entries)].sort();
  const dir = join(cacheDir, contentHash(root, unique));
  const outFile = (entry: string) => join(dir, entry.replace(/\.ts$/, '.mjs'));
  const result = () => new Map(unique.map((e) => [e, outFile(e)]));
  if (existsSync(join(dir, 'done'))) return result();
  mkdirSync(cacheDir, { recursive: true });
  const lock = `${dir}.lock`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      // Another twin is building the same bundles: wait for it (or take over a lock left by a crash).
      if (existsSync(join(dir, 'done'))) return result();
      if (Date.now() > deadline) rmSync(lock, { force: true });
      await sleep(200);
    }
  }
  try {
    if (existsSync(join(dir, 'done'))) return result();
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    await build({
      entryPoints: unique.map((e) => join(root, e)),
      outbase: root,
      outdir: tmp,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: LAMBDA_BUNDLE.format,
      minify: LAMBDA_BUNDLE.minify,
      // The Lambda runtime is Node 22; the twin runs on the Node it is started with.
      target: `node${process.versions.node.split('.')[0]}`,
      mainFields: [...LAMBDA_BUNDLE.mainFields],
      banner: { js: LAMBDA_BUNDLE.banner },
      logLevel: 'error',
    });
    writeFileSync(join(tmp, 'done'), relative(root, dir));
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    return result();
  } finally {
    rmSync(lock, { force: true });
  }
}
