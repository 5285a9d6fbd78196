/**
 * The twin's Lambda service (local/lambda/runtime.ts): each function in worker threads of its own, with only
 * its own environment, Date on the twin's clock, killed at its timeout as Lambda kills it, and Lambda's
 * payload limits. Driven with small ESM modules written here, so it needs no bundle and no stand-in.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLambdaRuntime, type LambdaFunctionSpec } from '../../local/lambda/runtime';

const dir = mkdtempSync(join(tmpdir(), 'twin-lambda-'));
const marker = join(dir, 'ran-past-timeout');
const module = (name: string, code: string) => {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, code);
  return file;
};
const TWIN_NOW = Date.parse('2016-11-07T01:00:00Z');
const fn = (name: string, moduleFile: string, extra: Partial<LambdaFunctionSpec> = {}): LambdaFunctionSpec => ({
  name,
  arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
  moduleFile,
  environment: { ONLY_MINE: name },
  timeoutMs: 5_000,
  ...extra,
});

const runtime = createLambdaRuntime({
  region: 'us-east-1',
  accountId: '000000000000',
  now: () => TWIN_NOW,
  functions: [
    fn('Env', module('env', `let invocations = 0;
      export const handler = async (event, context) => ({ env: process.env.ONLY_MINE, other: process.env.OTHER ?? null, now: Date.now(),
        iso: new Date().toISOString(), invocations: ++invocations, remaining: context.getRemainingTimeInMillis(), name: context.functionName, event });`)),
    fn('Other', module('other', `export const handler = async () => ({ env: process.env.ONLY_MINE });`), { environment: { ONLY_MINE: 'Other', OTHER: 'x' } }),
    fn('Slow', module('slow', `import { writeFileSync } from 'node:fs';
      export const handler = async (event) => {
        if (event.fast) return 'fast';
        await new Promise((r) => setTimeout(r, 1500));
        writeFileSync(${JSON.stringify(marker)}, 'still running');
        return 'late';
      };`), { timeoutMs: 500 }),
    fn('Throws', module('throws', `export const handler = async () => { const e = new Error('no such unit'); e.name = 'UnitNotFoundError'; throw e; };`)),
    fn('Big', module('big', `export const handler = async () => 'x'.repeat(6 * 1024 * 1024 + 1);`)),
  ],
});

afterAll(async () => {
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the twin Lambda service', () => {
  it('runs each function with only its own environment, on the twin clock, and keeps a warm container', async () => {
    const first = (await runtime.invoke('Env', { a: 1 })) as Record<string, unknown>;
    expect(first).toMatchObject({ env: 'Env', other: null, now: TWIN_NOW, iso: '2016-11-07T01:00:00.000Z', invocations: 1, name: 'Env', event: { a: 1 } });
    expect(first.remaining).toBeGreaterThan(4_000);
    expect(await runtime.invoke('Other', {})).toEqual({ env: 'Other' });
    // The same container serves the next invocation (module state kept, as a warm Lambda).
    expect(await runtime.invoke('arn:aws:lambda:us-east-1:000000000000:function:Env', {})).toMatchObject({ invocations: 2 });
    expect(runtime.coldStarts()).toMatchObject({ Env: 1, Other: 1 });
  });

  it('rethrows the handler error by its name', async () => {
    await expect(runtime.invoke('Throws', {})).rejects.toMatchObject({ name: 'UnitNotFoundError', message: 'no such unit' });
  });

  it('kills a function that runs past its timeout, so it does nothing more, and starts a new container next time', async () => {
    const started = performance.now();
    await expect(runtime.invoke('Slow', {})).rejects.toMatchObject({ name: 'Sandbox.Timedout', message: expect.stringContaining('Task timed out after 0.50 seconds') });
    expect(performance.now() - started).toBeLessThan(1_400);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(existsSync(marker)).toBe(false);
    expect(await runtime.invoke('Slow', { fast: true })).toBe('fast');
    expect(runtime.coldStarts().Slow).toBe(2);
  });

  it('refuses payloads over Lambda 6 MB limit, each way', async () => {
    await expect(runtime.invoke('Env', { big: 'x'.repeat(6 * 1024 * 1024) })).rejects.toMatchObject({ name: 'RequestEntityTooLargeException' });
    await expect(runtime.invoke('Big', {})).rejects.toMatchObject({ name: 'Function.ResponseSizeTooLarge' });
  });
});
