/**
 * Inspection results and score sheets (issue 10 item 4) over the wire against DynamoDB Local, and the same suite
 * against the in-memory repository: both answer alike. A write lands only on the version it was made from (the
 * first only if none is stored), with its audit entry; a stale write stores and audits nothing and gets the
 * current one back; the results list by position and stay out of the dashboard's per-unit read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoRepository } from '../../core/adapters/dynamodb/repository';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import type { InspectionResult, InspectionScoreSheet } from '../../core/inspection/model';
import type { AuditEntry } from '../../core/model';
import type { CycleRepository } from '../../core/ports';
import { startDynamoDbLocal, type DynamoDbLocal } from '../helpers/dynamodb-local';

const TABLE = 'inspection-results-it';
let local: DynamoDbLocal;

beforeAll(async () => {
  local = await startDynamoDbLocal({ tables: [TABLE] });
});
afterAll(async () => {
  await local?.stop();
});

let seq = 0;
const freshCycle = () => `insp-${Date.now().toString(36)}-${seq++}`;
const at = (s: number) => new Date(Date.UTC(2026, 8, 8, 2, 0, s)).toISOString();

const resultOf = (cycleId: string, position: number, version: number, passed: boolean): InspectionResult => ({
  cycleId, unitId: 'puyan', windowId: 'cross-check', groupId: 'group-changhe', position, name: `社区${position}`, passed, notes: passed ? '' : '未建档',
  evidence: [{ uploadId: 'u1', key: 'documents/x/puyan/u1/a', fileName: '照片.pdf', contentType: 'application/pdf', size: 10, sha256: 'e'.repeat(64) }],
  version, recordedBy: `city-${version}`, recordedAt: at(version),
});
const sheetOf = (cycleId: string, version: number, score: number): InspectionScoreSheet => ({
  cycleId, unitId: 'puyan', windowId: 'cross-check', groupId: 'group-changhe', score, vetoFailed: score < 50 ? ['major-incident-veto'] : [],
  items: [{ itemId: 'leadership', kind: 'standard', deduction: 1, bonus: 0, veto: null, reason: '缺批示', points: 3 }],
  version, recordedBy: `city-${version}`, recordedAt: at(version),
});
const auditOf = (v: { cycleId: string; unitId: string; version: number }, action: AuditEntry['action']): AuditEntry => ({
  cycleId: v.cycleId, unitId: v.unitId, at: at(30 + v.version), actor: 'city', role: 'city', action, what: { version: v.version },
});

const repos: Array<[string, () => CycleRepository]> = [
  ['memory', () => makeMemoryRepository()],
  ['dynamodb', () => makeDynamoRepository({ client: local.doc, tableName: TABLE, pageSize: 1 })],
];

describe.each(repos)('inspection results and score sheets (%s)', (_name, makeRepo) => {
  it('stores a result on its version only, with its audit entry; lists by position', async () => {
    const repo = makeRepo();
    const cycleId = freshCycle();
    expect(await repo.listInspectionResults(cycleId, 'puyan', 'cross-check')).toEqual([]);
    const p2 = resultOf(cycleId, 2, 1, true);
    const p1 = resultOf(cycleId, 1, 1, false);
    expect(await repo.putInspectionResult(p2, auditOf(p2, 'record-inspection-result'))).toEqual({ recorded: true, current: p2 });
    expect(await repo.putInspectionResult(p1, auditOf(p1, 'record-inspection-result'))).toEqual({ recorded: true, current: p1 });
    // A second first record, and one skipping a version: nothing stored, the current one back.
    const again = resultOf(cycleId, 1, 1, true);
    expect(await repo.putInspectionResult(again, auditOf(again, 'record-inspection-result'))).toEqual({ recorded: false, current: p1 });
    const skipping = resultOf(cycleId, 1, 3, true);
    expect(await repo.putInspectionResult(skipping, auditOf(skipping, 'record-inspection-result'))).toEqual({ recorded: false, current: p1 });
    const v2 = resultOf(cycleId, 1, 2, true);
    expect((await repo.putInspectionResult(v2, auditOf(v2, 'record-inspection-result'))).recorded).toBe(true);
    expect(await repo.listInspectionResults(cycleId, 'puyan', 'cross-check')).toEqual([v2, p2]);
    expect(await repo.listInspectionResults(cycleId, 'puyan', 'another')).toEqual([]);
    expect((await repo.listAudit(cycleId)).filter((a) => a.action === 'record-inspection-result').map((a) => a.what.version)).toEqual([1, 1, 2]);
    const facts = await repo.readUnitFacts(cycleId, 'puyan');
    expect(JSON.stringify(facts)).not.toContain('未建档');
  });

  it('stores the score sheet on its version only, with its audit entry', async () => {
    const repo = makeRepo();
    const cycleId = freshCycle();
    expect(await repo.getInspectionScore(cycleId, 'puyan', 'cross-check')).toBeNull();
    const s1 = sheetOf(cycleId, 1, 90);
    expect(await repo.putInspectionScore(s1, auditOf(s1, 'record-inspection-score'))).toEqual({ recorded: true, current: s1 });
    const stale = sheetOf(cycleId, 1, 40);
    expect(await repo.putInspectionScore(stale, auditOf(stale, 'record-inspection-score'))).toEqual({ recorded: false, current: s1 });
    const s2 = sheetOf(cycleId, 2, 40);
    expect(await repo.putInspectionScore(s2, auditOf(s2, 'record-inspection-score'))).toEqual({ recorded: true, current: s2 });
    expect(await repo.getInspectionScore(cycleId, 'puyan', 'cross-check')).toEqual(s2);
    expect((await repo.listAudit(cycleId)).filter((a) => a.action === 'record-inspection-score')).toHaveLength(2);
  });
});
