/**
 * The API fuzzer (test/fuzz/api-fuzz.ts, `npm run fuzz`) run small on every test run: 50 generated requests
 * over the local gateway, no 5xx and no change of what the twin stores by a refused request, a read, the
 * preview or an idempotent replay. The seed is fixed; FUZZ_SEED overrides it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFuzz } from '../fuzz/api-fuzz';
import { startApiTwin, type ApiTwin } from '../helpers/api-twin';

const SEED = Number(process.env.FUZZ_SEED ?? 20161110);

describe('the API fuzzer, 50 requests', () => {
  let api: ApiTwin;
  beforeAll(async () => {
    api = await startApiTwin();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('finds no server error and no unexpected write', async () => {
    const report = await runFuzz(api, { requests: 50, seed: SEED });
    expect(report.failures.filter((f) => f.status !== 0)).toEqual([]);
    expect(report).toMatchObject({ serverErrors: 0, unexpectedWrites: 0 });
    expect(report.requests + (report.byStatus.unsent ?? 0)).toBe(50);
    // The run reached the handlers, not only the gateway's refusals.
    const statuses = Object.keys(report.byStatus).map(Number);
    expect(statuses.some((s) => s >= 200 && s < 300)).toBe(true);
    expect(statuses.some((s) => s >= 400 && s < 500)).toBe(true);
  });
});
