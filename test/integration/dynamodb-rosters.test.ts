/**
 * Registered roster versions and inspection samples over the wire against DynamoDB Local, and the same suite
 * against the in-memory repository: both answer alike. Versions are kept, a stale one stores nothing, each
 * comes with its audit entry; a sample is written once and a second write gets the first back; neither sits
 * in the dashboard's per-unit read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoRepository } from '../../core/adapters/dynamodb/repository';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import type { InspectionSample, RosterVersion } from '../../core/inspection/model';
import type { AuditEntry } from '../../core/model';
import type { CycleRepository } from '../../core/ports';
import { startDynamoDbLocal, type DynamoDbLocal } from '../helpers/dynamodb-local';

const TABLE = 'rosters-it';
let local: DynamoDbLocal;

beforeAll(async () => {
  local = await startDynamoDbLocal({ tables: [TABLE] });
});
afterAll(async () => {
  await local?.stop();
});

let seq = 0;
const freshCycle = () => `ros-${Date.now().toString(36)}-${seq++}`;
const at = (s: number) => new Date(Date.UTC(2026, 4, 20, 2, 0, s)).toISOString();

const versionOf = (cycleId: string, version: number, names: string[]): RosterVersion => ({
  cycleId, unitId: 'puyan', version, sha256: String(version).repeat(64).slice(0, 64), registeredBy: 'puyan-staff', registeredAt: at(version),
  communities: names.map((name) => ({ name, kind: 'community', takingPart: true, contact: { name: '书记', telephone: '0571-8770-3001' } })),
});
const auditOf = (v: { cycleId: string; unitId: string }, action: AuditEntry['action'], what: Record<string, unknown>): AuditEntry => ({
  cycleId: v.cycleId, unitId: v.unitId, at: at(30), actor: 'system', role: 'system', action, what,
});
const sampleOf = (cycleId: string, name: string): InspectionSample => ({
  cycleId, unitId: 'puyan', windowId: 'cross-check', groupId: 'group-changhe', status: 'drawn', drawnAt: at(40), drawAt: '2026-09-07T01:00:00Z',
  inputs: { algorithm: 'wuchuanxiao-sample/1', planSha256: 'a'.repeat(64), unitId: 'puyan', rosterVersion: 1, rosterSha256: 'b'.repeat(64), drawAt: '2026-09-07T01:00:00Z', ratio: { numerator: 1, denominator: 3 } },
  seed: 'c'.repeat(64), population: 3,
  sample: [{ position: 1, name, kind: 'community', contact: { name: '书记', telephone: '0571-8770-3001' }, key: 'd'.repeat(64) }],
});

const repos: Array<[string, () => CycleRepository]> = [
  ['memory', () => makeMemoryRepository()],
  ['dynamodb', () => makeDynamoRepository({ client: local.doc, tableName: TABLE, pageSize: 2 })],
];

describe.each(repos)('registered rosters and samples (%s)', (_name, makeRepo) => {
  it('stores each version once, from the one before it only, with its audit entry; keeps them all', async () => {
    const repo = makeRepo();
    const cycleId = freshCycle();
    expect(await repo.getRoster(cycleId, 'puyan')).toBeNull();
    const v1 = versionOf(cycleId, 1, ['东冠社区', '江二社区']);
    expect(await repo.putRoster(v1, auditOf(v1, 'register-roster', { version: 1 }))).toEqual({ recorded: true, current: v1 });
    // A second writer from version 0, and one skipping a version: nothing stored, the current one back.
    const stale = versionOf(cycleId, 1, ['别的社区']);
    expect(await repo.putRoster(stale, auditOf(stale, 'register-roster', { version: 1 }))).toEqual({ recorded: false, current: v1 });
    const skipping = versionOf(cycleId, 3, ['别的社区']);
    expect(await repo.putRoster(skipping, auditOf(skipping, 'register-roster', { version: 3 }))).toEqual({ recorded: false, current: v1 });
    const v2 = versionOf(cycleId, 2, ['东冠社区', '江二社区', '星民村']);
    expect((await repo.putRoster(v2, auditOf(v2, 'register-roster', { version: 2 }))).recorded).toBe(true);
    expect(await repo.getRoster(cycleId, 'puyan')).toEqual(v2);
    expect(await repo.listRosterVersions(cycleId, 'puyan')).toEqual([v1, v2]);
    expect((await repo.listAudit(cycleId)).filter((a) => a.action === 'register-roster').map((a) => a.what.version)).toEqual([1, 2]);
    // Not in the dashboard's read of the unit.
    const facts = await repo.readUnitFacts(cycleId, 'puyan');
    expect(JSON.stringify(facts)).not.toContain('东冠社区');
  });

  it('records a sample once: a second write gets the first back and audits nothing', async () => {
    const repo = makeRepo();
    const cycleId = freshCycle();
    const first = sampleOf(cycleId, '东冠社区');
    expect(await repo.recordSample(first, auditOf(first, 'draw-sample', { seed: first.seed }))).toEqual({ recorded: true, sample: first });
    const second = sampleOf(cycleId, '江二社区');
    expect(await repo.recordSample(second, auditOf(second, 'draw-sample', { seed: 'other' }))).toEqual({ recorded: false, sample: first });
    expect(await repo.getSample(cycleId, 'puyan', 'cross-check')).toEqual(first);
    expect(await repo.getSample(cycleId, 'puyan', 'another')).toBeNull();
    expect((await repo.listAudit(cycleId)).filter((a) => a.action === 'draw-sample')).toHaveLength(1);
  });
  it('writes the roster deliverable\'s status with each version when the plan asks for the roster, and counts the first once', async () => {
    const repo = makeRepo();
    const cycleId = freshCycle();
    const due = { deliverableId: 'roster-registration', onTime: true };
    const v1 = versionOf(cycleId, 1, ['东冠社区']);
    await repo.putRoster(v1, auditOf(v1, 'register-roster', { version: 1 }), due);
    const v2 = versionOf(cycleId, 2, ['东冠社区', '江二社区']);
    await repo.putRoster(v2, auditOf(v2, 'register-roster', { version: 2 }), { ...due, onTime: false });
    // A stale version stores nothing, its status included.
    const stale = versionOf(cycleId, 2, ['别的社区']);
    await repo.putRoster(stale, auditOf(stale, 'register-roster', { version: 2 }), due);
    const status = { cycleId, unitId: 'puyan', deliverableId: 'roster-registration', latestVersion: 2, firstReceivedAt: v1.registeredAt, lastReceivedAt: v2.registeredAt, onTime: true, latestOnTime: false };
    expect(await repo.getDeliverableStatus(cycleId, 'puyan', 'roster-registration')).toEqual(status);
    expect((await repo.readUnitFacts(cycleId, 'puyan')).statuses).toEqual([status]);
    expect((await repo.getCycleTotals(cycleId)).firstVersions).toEqual({ 'roster-registration': { onTime: 1, late: 0 } });
    // Without `due` (a plan that does not ask for a roster), no status.
    const other = freshCycle();
    const w1 = versionOf(other, 1, ['东冠社区']);
    await repo.putRoster(w1, auditOf(w1, 'register-roster', { version: 1 }));
    expect(await repo.getDeliverableStatus(other, 'puyan', 'roster-registration')).toBeNull();
  });

  it('keeps a failed draw per unit and window, in place of the last, inside the dashboard\'s read', async () => {
    const repo = makeRepo();
    const cycleId = freshCycle();
    expect(await repo.getDrawFailure(cycleId, 'puyan', 'cross-check')).toBeNull();
    const failure = { cycleId, unitId: 'puyan', windowId: 'cross-check', firstFailedAt: at(1), lastFailedAt: at(1), error: 'TypeError', nextAttemptAt: '2026-09-07T02:00:00Z' };
    await repo.putDrawFailure(failure);
    const later = { ...failure, lastFailedAt: at(2), nextAttemptAt: null };
    await repo.putDrawFailure(later);
    expect(await repo.getDrawFailure(cycleId, 'puyan', 'cross-check')).toEqual(later);
    expect((await repo.readUnitFacts(cycleId, 'puyan')).drawFailures).toEqual([later]);
  });
});
