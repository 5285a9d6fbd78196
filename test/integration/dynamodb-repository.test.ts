/**
 * The DynamoDB repository over the wire against DynamoDB Local, and the same behaviour suite run against the
 * in-memory repository: both must answer alike.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../core/adapters/dynamodb/keys';
import { makeDynamoRepository } from '../../core/adapters/dynamodb/repository';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import { PlanConflictError } from '../../core/errors';
import type { LedgerEntry, SubmissionVersion } from '../../core/model';
import { planSchema, type Plan } from '../../core/plan/schema';
import type { CycleRepository } from '../../core/ports';
import { startDynamoDbLocal, type DynamoDbLocal } from '../helpers/dynamodb-local';

const TABLE = 'cycle-table-it';
let local: DynamoDbLocal;

beforeAll(async () => {
  local = await startDynamoDbLocal({ tables: [TABLE] });
});
afterAll(async () => {
  await local?.stop();
});

const basePlan: Plan = planSchema.parse(JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8')));

let seq = 0;
/** A fresh cycle id per test so tests never share state on the shared table. */
function planWith(unitCount: number): Plan {
  const cycleId = `it-${Date.now().toString(36)}-${seq++}`;
  const units = Array.from({ length: unitCount }, (_, i) => ({
    ...basePlan.units[i % basePlan.units.length],
    id: `unit-${String(i).padStart(4, '0')}-${(i * 7919) % 97}`,
  }));
  // Reverse so plan order differs from key order.
  return { ...basePlan, cycleId, units: units.reverse() };
}

const at = (s: number) => new Date(Date.UTC(2016, 9, 1, 1, 0, s)).toISOString();

const submission = (cycleId: string, unitId: string, n = 0): Omit<SubmissionVersion, 'version'> => ({
  cycleId,
  unitId,
  deliverableId: 'implementation-plan',
  receivedAt: at(n),
  onTime: true,
  submittedBy: 'office@county.example.cn',
  narrative: `第${n}次提交`,
  documents: [{ uploadId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, key: `docs/${n}.pdf`, fileName: '实施方案.pdf', contentType: 'application/pdf', size: 100 + n, sha256: 'ab'.repeat(32) }],
});

const ledgerEntry = (cycleId: string, unitId: string | null, i: number): Omit<LedgerEntry, 'status' | 'sentAt' | 'messageId'> => ({
  cycleId,
  unitId,
  kind: 'reminder',
  milestone: `self-assessment-report#D-${i}`,
  recipient: `office-${i}@county.example.cn`,
  subject: `【提醒】第${i}号`,
  cc: ['leader@county.example.cn'],
  claimedAt: at(i % 60),
});

/** Sorts by a canonical JSON (keys sorted): DynamoDB returns attributes in its own order. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x,
  );
const byJson = <T>(xs: T[]) => [...xs].sort((a, b) => canonical(a).localeCompare(canonical(b)));

const repos: Array<[string, () => CycleRepository]> = [
  ['memory', () => makeMemoryRepository()],
  ['dynamodb', () => makeDynamoRepository({ client: local.doc, tableName: TABLE, pageSize: 7 })],
];

describe.each(repos)('CycleRepository behaviour (%s)', (_name, makeRepo) => {
  it('stores a plan and reads it back equal; the same plan again is "same"; another plan conflicts', async () => {
    // Prepare
    const repo = makeRepo();
    const plan = planWith(3);

    // Act
    const first = await repo.storePlan(plan, 'hash-a', at(0));
    const again = await repo.storePlan(plan, 'hash-a', at(1));
    const conflict = repo.storePlan({ ...plan, title: '另一份计划' }, 'hash-b', at(2));

    // Assess
    expect(first).toBe('stored');
    expect(again).toBe('same');
    await expect(conflict).rejects.toBeInstanceOf(PlanConflictError);
    expect(await repo.getPlan(plan.cycleId)).toEqual(plan);
    expect(await repo.getCycle(plan.cycleId)).toEqual({ cycleId: plan.cycleId, status: 'stored', planHash: 'hash-a', storedAt: at(0) });
    expect(await repo.getUnit(plan.cycleId, plan.units[1].id)).toEqual(plan.units[1]);
    expect(await repo.getUnit(plan.cycleId, 'nope')).toBeNull();
    expect(await repo.getPlan('no-such-cycle')).toBeNull();
  });

  it('lists units in plan order, page by page', async () => {
    // Prepare
    const repo = makeRepo();
    const plan = planWith(23);
    await repo.storePlan(plan, 'h', at(0));

    // Act
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const page = await repo.listUnits(plan.cycleId, cursor, 5);
      pages.push(page.items.map((u) => u.id));
      cursor = page.cursor;
    } while (cursor);

    // Assess
    expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
    expect(pages.flat()).toEqual(plan.units.map((u) => u.id));
  });

  it('sets the cycle status and keeps the first forwardedAt', async () => {
    // Prepare
    const repo = makeRepo();
    const plan = planWith(1);
    await repo.storePlan(plan, 'h', at(0));

    // Act
    await repo.setCycleStatus(plan.cycleId, 'running', at(1), { executionName: 'exec-1' });
    await repo.setCycleStatus(plan.cycleId, 'forwarded', at(2));
    await repo.setCycleStatus(plan.cycleId, 'forwarded', at(3));
    await repo.setCycleStatus('no-such-cycle', 'running', at(4));

    // Assess
    expect(await repo.getCycle(plan.cycleId)).toEqual({
      cycleId: plan.cycleId,
      status: 'forwarded',
      planHash: 'h',
      storedAt: at(0),
      executionName: 'exec-1',
      forwardedAt: at(2),
    });
    expect(await repo.getCycle('no-such-cycle')).toBeNull();
  });

  it('numbers submissions 1..n, keeps the first on-time flag and the latest one', async () => {
    // Prepare
    const repo = makeRepo();
    const cycleId = planWith(1).cycleId;

    // Act
    const v1 = await repo.addSubmission(submission(cycleId, 'u1', 1));
    const v2 = await repo.addSubmission({ ...submission(cycleId, 'u1', 2), onTime: false });

    // Assess
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(await repo.getDeliverableStatus(cycleId, 'u1', 'implementation-plan')).toEqual({
      cycleId,
      unitId: 'u1',
      deliverableId: 'implementation-plan',
      latestVersion: 2,
      firstReceivedAt: at(1),
      lastReceivedAt: at(2),
      onTime: true,
      latestOnTime: false,
    });
    expect(await repo.listSubmissions(cycleId)).toEqual([v1, v2]);
  });

  it('writes a version and its audit entry in one transaction, the audit naming the version it got', async () => {
    const repo = makeRepo();
    const cycleId = planWith(1).cycleId;
    const audit = { cycleId, unitId: 'u1', at: at(1), actor: 'u1-staff', role: 'county' as const, action: 'submit' as const, what: { deliverableId: 'implementation-plan' } };

    await repo.addSubmission(submission(cycleId, 'u1', 1), audit);
    await repo.addSubmission(submission(cycleId, 'u1', 2), { ...audit, at: at(2) });

    expect((await repo.listAudit(cycleId)).map((a) => a.what)).toEqual([
      { deliverableId: 'implementation-plan', version: 1 },
      { deliverableId: 'implementation-plan', version: 2 },
    ]);
  });

  it('concurrent addSubmission x10 on one deliverable yields versions 1..10, none lost', async () => {
    // Prepare
    const repo = makeRepo();
    const cycleId = planWith(1).cycleId;

    // Act
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => repo.addSubmission(submission(cycleId, 'u1', i))));

    // Assess
    expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const stored = await repo.listSubmissions(cycleId);
    expect(stored.map((s) => s.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(byJson(stored)).toEqual(byJson(results));
    expect((await repo.getDeliverableStatus(cycleId, 'u1', 'implementation-plan'))?.latestVersion).toBe(10);
  });

  it('stores one version per request key while the key stands: the same key, even at once, returns its version; after it, a new one', async () => {
    // Prepare
    const repo = makeRepo();
    const cycleId = planWith(1).cycleId;
    const key = (k: string, until: number) => ({ key: `county-u1#${k}`, expiresAt: Date.parse(at(until)) });

    // Act: five retries of one request racing, then a later one, another request, and the first key once expired.
    const raced = await Promise.all(Array.from({ length: 5 }, () => repo.addSubmission(submission(cycleId, 'u1', 1), undefined, key('key-1', 3))));
    const later = await repo.addSubmission(submission(cycleId, 'u1', 2), undefined, key('key-1', 3));
    const other = await repo.addSubmission(submission(cycleId, 'u1', 3), undefined, key('key-2', 9));
    const afterExpiry = await repo.addSubmission(submission(cycleId, 'u1', 4), undefined, key('key-1', 9));

    // Assess
    expect(new Set(raced.map((r) => r.version))).toEqual(new Set([1]));
    expect(later).toEqual(raced[0]);
    expect(other.version).toBe(2);
    expect(afterExpiry.version).toBe(3);
    expect((await repo.listSubmissions(cycleId)).map((v) => v.version).sort()).toEqual([1, 2, 3]);
    expect(await repo.getSubmissionByRequest(cycleId, 'u1', 'county-u1#key-2', Date.parse(at(5)))).toEqual(other);
    expect(await repo.getSubmissionByRequest(cycleId, 'u1', 'county-u1#key-2', Date.parse(at(10)))).toBeNull();
    expect(await repo.getSubmissionByRequest(cycleId, 'u1', 'county-u1#key-3', Date.parse(at(5)))).toBeNull();
  });

  it('records a decision once: the second returns the first', async () => {
    // Prepare
    const repo = makeRepo();
    const cycleId = planWith(1).cycleId;
    const first = { cycleId, unitId: 'u1', round: 1, version: 1, outcome: 'returned' as const, reason: '缺少附件', decidedBy: 'city', decidedAt: at(1) };

    // Act
    const a = await repo.recordDecision(first);
    const b = await repo.recordDecision({ ...first, outcome: 'approved', reason: undefined, decidedAt: at(2) });

    // Assess
    expect(a).toEqual({ recorded: true, decision: first });
    expect(b).toEqual({ recorded: false, decision: first });
    expect(await repo.getDecision(cycleId, 'u1', 1)).toEqual(first);
    expect(await repo.getDecision(cycleId, 'u1', 2)).toBeNull();
    expect(await repo.listDecisions(cycleId)).toEqual([first]);
  });

  it('records the first outcome only', async () => {
    // Prepare
    const repo = makeRepo();
    const cycleId = planWith(1).cycleId;

    // Act
    const a = await repo.recordOutcome(cycleId, 'u1', 'qualified', at(1));
    const b = await repo.recordOutcome(cycleId, 'u1', 'not-qualified', at(2));
    await repo.recordOutcome(cycleId, 'u2', 'not-submitted', at(3));

    // Assess
    expect(a).toEqual({ recorded: true, outcome: 'qualified' });
    expect(b).toEqual({ recorded: false, outcome: 'qualified' });
    expect(byJson(await repo.listOutcomes(cycleId))).toEqual(
      byJson([
        { cycleId, unitId: 'u1', outcome: 'qualified', recordedAt: at(1) },
        { cycleId, unitId: 'u2', outcome: 'not-submitted', recordedAt: at(3) },
      ]),
    );
    expect(await repo.getOutcome(cycleId, 'u1')).toEqual({ cycleId, unitId: 'u1', outcome: 'qualified', recordedAt: at(1) });
    expect(await repo.getOutcome(cycleId, 'u3')).toBeNull();
  });

  it('stores and reads wait tokens (last write wins)', async () => {
    // Prepare
    const repo = makeRepo();
    const cycleId = planWith(1).cycleId;
    const token = { cycleId, unitId: 'u1', kind: 'submission' as const, key: 'self-assessment-report', token: 'tok-1', afterVersion: 0, storedAt: at(1) };

    // Act
    await repo.putWaitToken(token);
    await repo.putWaitToken({ ...token, token: 'tok-2', afterVersion: 1 });

    // Assess
    expect(await repo.getWaitToken(cycleId, 'u1', 'submission', 'self-assessment-report')).toEqual({ ...token, token: 'tok-2', afterVersion: 1 });
    expect(await repo.getWaitToken(cycleId, 'u1', 'review', '1')).toBeNull();
  });

  it('claims a message: claimed, then in-flight, claimed again after the lease, then sent', async () => {
    // Prepare
    const repo = makeRepo();
    const cycleId = planWith(1).cycleId;
    const entry = ledgerEntry(cycleId, 'u1', 3);

    // Act
    const first = await repo.claimMessage(entry, at(0));
    const whileHeld = await repo.claimMessage({ ...entry, claimedAt: at(10) }, at(2));
    const afterLease = await repo.claimMessage({ ...entry, claimedAt: at(20) }, at(15));
    await repo.markMessageSent(entry, 'ses-1', at(21));
    const afterSent = await repo.claimMessage({ ...entry, claimedAt: at(40) }, at(39));

    // Assess
    expect([first, whileHeld, afterLease, afterSent]).toEqual(['claimed', 'in-flight', 'claimed', 'sent']);
    expect(await repo.listMessages(cycleId)).toEqual([{ ...entry, claimedAt: at(20), status: 'sent', messageId: 'ses-1', sentAt: at(21) }]);
    await expect(repo.markMessageSent(ledgerEntry(cycleId, 'u9', 1), 'x', at(1))).rejects.toThrow();
  });

  it('two concurrent claims of one message: exactly one is claimed', async () => {
    // Prepare
    const repo = makeRepo();
    const cycleId = planWith(1).cycleId;
    const entry = ledgerEntry(cycleId, null, 1);

    // Act
    const results = await Promise.all([repo.claimMessage(entry, at(0)), repo.claimMessage(entry, at(0))]);

    // Assess
    expect(results.sort()).toEqual(['claimed', 'in-flight']);
  });

  it('lists more than 100 messages (several pages)', async () => {
    // Prepare
    const repo = makeRepo();
    const cycleId = planWith(1).cycleId;
    const entries = Array.from({ length: 130 }, (_, i) => ledgerEntry(cycleId, i % 10 === 0 ? null : `u${i % 7}`, i));

    // Act
    for (const e of entries) expect(await repo.claimMessage(e, at(0))).toBe('claimed');
    const listed = await repo.listMessages(cycleId);

    // Assess
    expect(listed).toHaveLength(130);
    expect(byJson(listed)).toEqual(byJson(entries.map((e) => ({ ...e, status: 'sending' }))));
  });

  it('records forwarding once and appends audit entries', async () => {
    // Prepare
    const repo = makeRepo();
    const cycleId = planWith(1).cycleId;
    const forwarding = { cycleId, qualified: ['a', 'b'], notQualified: [], forwardedAt: at(5) };
    const audit = [
      { cycleId, unitId: 'u1', at: at(1), actor: 'office', role: 'county' as const, action: 'submit' as const, what: { version: 1, files: ['a.pdf'] } },
      { cycleId, unitId: null, at: at(2), actor: 'system', role: 'system' as const, action: 'forward' as const, what: {}, why: '按计划上报' },
    ];

    // Act
    const a = await repo.recordForwarding(forwarding);
    const b = await repo.recordForwarding({ ...forwarding, qualified: ['c'], forwardedAt: at(6) });
    for (const e of audit) await repo.appendAudit(e);

    // Assess
    expect(a).toEqual(forwarding);
    expect(b).toEqual(forwarding);
    expect(await repo.listAudit(cycleId)).toEqual(audit);
  });

  it('上报确认: records the confirmation once (the first wins), keeps the latest waiting token, reads the forwarding back', async () => {
    // Prepare
    const repo = makeRepo();
    const cycleId = planWith(1).cycleId;
    const first = { cycleId, qualified: ['a'], notQualified: ['b'], confirmedBy: 'city-a', confirmedAt: at(1), note: '名单无误' };

    // Act
    const a = await repo.recordListConfirmation(first);
    const b = await repo.recordListConfirmation({ ...first, qualified: ['a', 'b'], notQualified: [], confirmedBy: 'city-b', confirmedAt: at(2) });
    await repo.putConfirmationWait({ cycleId, token: 't-1', storedAt: at(1) });
    await repo.putConfirmationWait({ cycleId, token: 't-2', storedAt: at(2) });
    const before = await repo.getForwarding(cycleId);
    await repo.recordForwarding({ cycleId, qualified: ['a'], notQualified: ['b'], forwardedAt: at(3) });

    // Assess
    expect(a).toEqual({ recorded: true, confirmation: first });
    expect(b).toEqual({ recorded: false, confirmation: first });
    expect(await repo.getListConfirmation(cycleId)).toEqual(first);
    expect(await repo.getListConfirmation('no-such-cycle')).toBeNull();
    expect(await repo.getConfirmationWait(cycleId)).toEqual({ cycleId, token: 't-2', storedAt: at(2) });
    expect(before).toBeNull();
    expect(await repo.getForwarding(cycleId)).toEqual({ cycleId, qualified: ['a'], notQualified: ['b'], forwardedAt: at(3) });
  });

  it('keeps every extension of a unit (oldest grant first) and the name of its current execution', async () => {
    // Prepare
    const repo = makeRepo();
    const cycleId = planWith(1).cycleId;
    const ext = (deliverableId: string, lastDay: string, n: number, unitId = 'u1') => ({
      cycleId, unitId, deliverableId, lastDay, previousLastDay: '2016-11-09', grantedBy: 'city-reviewer', grantedAt: at(n), reason: `延期#${n}`,
    });
    // Act
    await repo.grantExtension(ext('self-assessment-report', '2016-11-18', 3));
    await repo.grantExtension(ext('self-assessment-report', '2016-11-16', 1));
    await repo.grantExtension(ext('implementation-plan', '2016-06-08', 2));
    await repo.grantExtension(ext('self-assessment-report', '2016-11-20', 4, 'u2'));
    const before = await repo.getUnitRun(cycleId, 'u1');
    await repo.setUnitRun(cycleId, 'u1', 'c--u1');
    await repo.setUnitRun(cycleId, 'u1', 'c--u1-x1');
    // Assess
    expect(await repo.listExtensions(cycleId, 'u1')).toEqual([
      ext('self-assessment-report', '2016-11-16', 1),
      ext('implementation-plan', '2016-06-08', 2),
      ext('self-assessment-report', '2016-11-18', 3),
    ]);
    expect(await repo.listExtensions(cycleId, 'u3')).toEqual([]);
    expect(before).toBeNull();
    expect(await repo.getUnitRun(cycleId, 'u1')).toBe('c--u1-x1');
    expect(await repo.getUnitRun(cycleId, 'u2')).toBeNull();
    expect((await repo.listCycleExtensions(cycleId)).map((e) => [e.unitId, e.reason])).toEqual([
      ['u1', '延期#1'], ['u1', '延期#2'], ['u1', '延期#3'], ['u2', '延期#4'],
    ]);
  });

  it("reads one unit's versions, statuses and ledger entries, and one version by number", async () => {
    // Prepare
    const repo = makeRepo();
    const cycleId = planWith(1).cycleId;
    const v1 = await repo.addSubmission(submission(cycleId, 'u1', 1));
    const other = await repo.addSubmission({ ...submission(cycleId, 'u1', 2), deliverableId: 'self-assessment-report' });
    const v2 = await repo.addSubmission(submission(cycleId, 'u1', 3));
    await repo.addSubmission(submission(cycleId, 'u2', 4));
    await repo.claimMessage({ ...ledgerEntry(cycleId, 'u1', 1), claimedAt: at(1) }, at(0));
    await repo.claimMessage({ ...ledgerEntry(cycleId, 'u2', 2), claimedAt: at(2) }, at(0));
    // Act
    const versions = await repo.listUnitSubmissions(cycleId, 'u1');
    const statuses = await repo.listDeliverableStatuses(cycleId, 'u1');
    // Assess
    expect(versions).toEqual([v1, v2, other]);
    expect(statuses.map((s) => [s.deliverableId, s.latestVersion])).toEqual([['implementation-plan', 2], ['self-assessment-report', 1]]);
    expect(await repo.getSubmission(cycleId, 'u1', 'implementation-plan', 2)).toEqual(v2);
    expect(await repo.getSubmission(cycleId, 'u1', 'implementation-plan', 3)).toBeNull();
    expect((await repo.listUnitMessages(cycleId, 'u1')).map((m) => m.unitId)).toEqual(['u1']);
  });

  it('stores an upload once and records its check once: concurrent checks, one wins', async () => {
    // Prepare
    const repo = makeRepo();
    const cycleId = planWith(1).cycleId;
    const upload = {
      cycleId, unitId: 'u1', uploadId: '6f1c2a52-8d4e-4c55-9b0e-2f1a3c4d5e6f', incomingKey: 'incoming/x', fileName: '自评报告.pdf',
      contentType: 'application/pdf', createdBy: 'yanping', createdAt: at(1), formExpiresAt: at(901), status: 'pending' as const,
    };
    await repo.putUpload(upload);
    await expect(repo.putUpload(upload)).rejects.toThrow();
    const doc = (n: number) => ({ uploadId: upload.uploadId, key: `documents/${n}`, fileName: upload.fileName, contentType: upload.contentType, size: n, sha256: 'cd'.repeat(32) });
    // Act
    const results = await Promise.all([1, 2, 3].map((n) => repo.completeUploadCheck(cycleId, 'u1', upload.uploadId, { status: 'checked', checkedAt: at(10 + n), document: doc(n) })));
    // Assess
    expect(results.filter((r) => r.updated)).toHaveLength(1);
    const winner = results.find((r) => r.updated)!.upload;
    for (const r of results) expect(r.upload).toEqual(winner);
    expect(await repo.getUpload(cycleId, 'u1', upload.uploadId)).toEqual(winner);
    expect(winner).toMatchObject({ ...upload, status: 'checked' });
    expect(await repo.getUpload(cycleId, 'u2', upload.uploadId)).toBeNull();
  });
});

describe('DynamoDB repository: the list of cycles', () => {
  it('lists a cycle stored before the list existed once its plan is stored again', async () => {
    // Prepare: a cycle whose list entry is missing (as one stored by an older version).
    const repo = makeDynamoRepository({ client: local.doc, tableName: TABLE, pageSize: 7 });
    const plan = planWith(1);
    await repo.storePlan(plan, 'hash-old', at(1));
    await local.doc.send(new DeleteCommand({ TableName: TABLE, Key: keys.cycleIndex(plan.cycleId) }));
    expect((await repo.listCycles()).map((c) => c.cycleId)).not.toContain(plan.cycleId);
    // Act
    expect(await repo.storePlan(plan, 'hash-old', at(2))).toBe('same');
    // Assess
    expect((await repo.listCycles()).filter((c) => c.cycleId === plan.cycleId).map((c) => c.storedAt)).toEqual([at(1)]);
  });
});

describe.each(repos)('CycleRepository cycles and 签收 (%s)', (_name, makeRepo) => {
  it('lists every stored cycle with its record, by cycle id', async () => {
    // Prepare
    const repo = makeRepo();
    const [a, b] = [planWith(2), planWith(1)];
    // Act
    await repo.storePlan(b, 'hash-b', at(1));
    await repo.storePlan(a, 'hash-a', at(2));
    await repo.setCycleStatus(a.cycleId, 'running', at(3));
    // Assess (the table is shared with the other tests: only these two are looked at)
    const listed = (await repo.listCycles()).filter((c) => [a.cycleId, b.cycleId].includes(c.cycleId));
    expect(listed.map((c) => [c.cycleId, c.status, c.planHash])).toEqual(
      [[a.cycleId, 'running', 'hash-a'], [b.cycleId, 'stored', 'hash-b']].sort((x, y) => x[0].localeCompare(y[0])),
    );
  });

  it("records a unit's 签收 of a notice once: the first signer and instant win, even at once", async () => {
    // Prepare
    const repo = makeRepo();
    const cycleId = planWith(1).cycleId;
    const sig = (signedBy: string, n: number) => ({
      cycleId, unitId: 'u1', messageId: 'ab'.repeat(16), kind: 'reminder' as const, milestone: 'self-assessment-report#2016-11-09#D-3', signedBy, signedAt: at(n),
    });
    // Act
    const results = await Promise.all([sig('staff-a', 1), sig('staff-b', 2), sig('staff-c', 3)].map((s) => repo.signNotice(s)));
    const again = await repo.signNotice(sig('staff-d', 9));
    // Assess
    expect(results.filter((r) => r.recorded)).toHaveLength(1);
    const first = results.find((r) => r.recorded)!.signature;
    expect(again).toEqual({ recorded: false, signature: first });
    expect(await repo.listNoticeSignatures(cycleId, 'u1')).toEqual([first]);
    expect(await repo.listNoticeSignatures(cycleId, 'u2')).toEqual([]);
  });

  it('stores a supervision proposal once and lets one decision win, even at once; lists the cycle\'s proposals oldest first', async () => {
    // Prepare
    const repo = makeRepo();
    const cycleId = planWith(1).cycleId;
    const proposal = (unitId: string, proposalId: string, n: number) => ({
      cycleId, unitId, proposalId, milestone: `self-assessment-report#2016-11-09#L${n}`, deliverableId: 'self-assessment-report',
      about: 'deliverable' as const, dueAt: '2016-11-09T15:59:59Z', level: 3, proposedAt: at(n), status: 'proposed' as const,
    });
    const p1 = proposal('u1', 'a1'.repeat(16), 2);
    const p2 = proposal('u2', 'b2'.repeat(16), 1);
    // Act
    const stored = [await repo.putProposal(p1), await repo.putProposal({ ...p1, proposedAt: at(9) }), await repo.putProposal(p2)];
    const decide = (status: 'confirmed' | 'withdrawn', decidedBy: string, n: number) =>
      repo.decideProposal(cycleId, 'u1', p1.proposalId, { status, decidedBy, decidedAt: at(n), ...(status === 'withdrawn' ? { reason: '撤销' } : {}) });
    const decisions = await Promise.all([decide('confirmed', 'city-a', 10), decide('withdrawn', 'city-b', 11), decide('confirmed', 'city-c', 12)]);
    // Assess
    expect(stored.map((r) => r.recorded)).toEqual([true, false, true]);
    expect(stored[1].proposal).toEqual(p1);
    expect(decisions.filter((d) => d!.recorded)).toHaveLength(1);
    const winner = decisions.find((d) => d!.recorded)!.proposal;
    for (const d of decisions) expect(d!.proposal).toEqual(winner);
    expect(await repo.getProposal(cycleId, 'u1', p1.proposalId)).toEqual(winner);
    expect(await repo.decideProposal(cycleId, 'u1', 'c3'.repeat(16), { status: 'confirmed', decidedBy: 'x', decidedAt: at(13) })).toBeNull();
    expect(await repo.listProposals(cycleId)).toEqual([p2, winner]);
  });
});

describe.each(repos)('CycleRepository contact status (%s)', (_name, makeRepo) => {
  const address = () => `Office-${Date.now().toString(36)}-${seq++}@County.example.cn`;
  const mark = (email: string, since: string) => ({
    email,
    reason: 'bounce' as const,
    detail: 'Permanent/General: 550 5.1.1 user unknown',
    since,
    messageId: 'ses-1',
    cycleId: 'nanping-2016',
    unitId: 'yanping',
  });

  it('marks an address once (lower case, first mark wins) and reads it back in any case', async () => {
    // Prepare
    const repo = makeRepo();
    const email = address();

    // Act
    const first = await repo.markContactUndeliverable(mark(email, at(1)));
    const second = await repo.markContactUndeliverable({ ...mark(email.toLowerCase(), at(2)), reason: 'complaint', messageId: 'ses-2' });

    // Assess
    const stored = { ...mark(email.toLowerCase(), at(1)), status: 'undeliverable' };
    expect(first).toEqual({ marked: true, status: stored });
    expect(second).toEqual({ marked: false, status: stored });
    expect(await repo.getContactStatus(email.toUpperCase())).toEqual(stored);
    expect(await repo.getContactStatus(`nobody-${email}`)).toBeNull();
  });

  it('clears a mark once; a bounce older than the fix does not mark again, a newer one does', async () => {
    // Prepare
    const repo = makeRepo();
    const email = address();
    await repo.markContactUndeliverable(mark(email, at(1)));

    // Act
    const fixed = await repo.clearContactStatus(email, 'city-admin', at(10));
    const fixedAgain = await repo.clearContactStatus(email, 'city-admin', at(11));
    const neverMarked = await repo.clearContactStatus(`nobody-${email}`, 'city-admin', at(11));
    const late = await repo.markContactUndeliverable(mark(email, at(5)));
    const fresh = await repo.markContactUndeliverable(mark(email, at(20)));

    // Assess
    const lower = email.toLowerCase();
    expect(fixed).toEqual({ ...mark(lower, at(1)), status: 'fixed', fixedBy: 'city-admin', fixedAt: at(10) });
    expect(fixedAgain).toBeNull();
    expect(neverMarked).toBeNull();
    expect(late).toEqual({ marked: false, status: fixed });
    expect(fresh).toEqual({ marked: true, status: { ...mark(lower, at(20)), status: 'undeliverable' } });
    expect(await repo.getContactStatus(email)).toEqual({ ...mark(lower, at(20)), status: 'undeliverable' });
  });
});

describe('DynamoDB repository at scale', () => {
  it('stores a 5,000-unit plan (no item over 400 KB) and pages through it', async () => {
    // Prepare
    const repo = makeDynamoRepository({ client: local.doc, tableName: TABLE });
    const plan = planWith(5000);

    // Act
    const stored = await repo.storePlan(plan, 'big', at(0));
    const page = await repo.listUnits(plan.cycleId, plan.units[1998].id, 3);
    const back = await repo.getPlan(plan.cycleId);

    // Assess
    expect(stored).toBe('stored');
    expect(page.items.map((u) => u.id)).toEqual(plan.units.slice(1999, 2002).map((u) => u.id));
    expect(back).toEqual(plan);
  });
});

// ---- The dashboard's reads and the item limit (finding 8) -------------------------------------------------

describe.each(repos)('dashboard reads and the 400 KB item limit (%s)', (_name, makeRepo) => {
  it("counts each deliverable's first version (on time or late) and each unit's first outcome once, concurrent writers included", async () => {
    // Prepare
    const repo = makeRepo();
    const cycleId = planWith(1).cycleId;
    const units = Array.from({ length: 20 }, (_, i) => `unit-${i}`);

    // Act: 20 units at once (they share counter shards), a second version for some, an outcome twice for one.
    await Promise.all(units.map((u, i) => repo.addSubmission({ ...submission(cycleId, u, i), onTime: i % 4 !== 0 })));
    await Promise.all(units.slice(0, 5).map((u) => repo.addSubmission({ ...submission(cycleId, u, 30), onTime: false })));
    await repo.addSubmission({ ...submission(cycleId, 'unit-1', 31), deliverableId: 'progress-report-1' });
    await Promise.all(units.slice(0, 6).map((u, i) => repo.recordOutcome(cycleId, u, i < 4 ? 'qualified' : 'not-qualified', at(40))));
    await repo.recordOutcome(cycleId, 'unit-0', 'not-qualified', at(41));

    // Assess
    expect(await repo.getCycleTotals(cycleId)).toEqual({
      firstVersions: { 'implementation-plan': { onTime: 15, late: 5 }, 'progress-report-1': { onTime: 1, late: 0 } },
      outcomes: { qualified: 4, 'not-qualified': 2 },
    });
    expect(await repo.getCycleTotals(planWith(1).cycleId)).toEqual({ firstVersions: {}, outcomes: {} });
  });

  it("reads one unit's facts (statuses, ledger, decisions, outcome, extensions, 签收) and nothing of its versions or of other units", async () => {
    // Prepare
    const repo = makeRepo();
    const cycleId = planWith(1).cycleId;
    await repo.addSubmission(submission(cycleId, 'u1', 1));
    await repo.addSubmission(submission(cycleId, 'u2', 2));
    await repo.claimMessage(ledgerEntry(cycleId, 'u1', 1), at(0));
    await repo.markMessageSent(ledgerEntry(cycleId, 'u1', 1), 'm-1', at(2));
    await repo.claimMessage(ledgerEntry(cycleId, 'u2', 2), at(0));
    await repo.claimMessage(ledgerEntry(cycleId, null, 3), at(0));
    const decision = (round: number) => ({ cycleId, unitId: 'u1', round, version: 1, outcome: 'returned' as const, decidedBy: 'city', decidedAt: at(10 + round) });
    await repo.recordDecision(decision(2));
    await repo.recordDecision(decision(1));
    await repo.recordOutcome(cycleId, 'u1', 'qualified', at(20));
    const extension = { cycleId, unitId: 'u1', deliverableId: 'implementation-plan', lastDay: '2016-06-10', previousLastDay: '2016-05-30', grantedBy: 'city', grantedAt: at(5), reason: '延期' };
    await repo.grantExtension(extension);
    await repo.putWaitToken({ cycleId, unitId: 'u1', kind: 'review', key: '1', token: 't', afterVersion: 0, storedAt: at(1) });
    const signature = { cycleId, unitId: 'u1', messageId: 'a'.repeat(32), kind: 'rectification' as const, milestone: 'round-1', signedBy: 'u1-staff', signedAt: at(30) };
    await repo.signNotice(signature);
    await repo.signNotice({ ...signature, unitId: 'u2' });
    // Items that sort between OUTCOME and SIGNED# are read and left out.
    await repo.putProposal({
      cycleId, unitId: 'u1', proposalId: 'b'.repeat(32), milestone: 'signing#round-1#L3', deliverableId: 'self-assessment-report', about: 'signing',
      dueAt: at(25), level: 3, proposedAt: at(26), status: 'proposed',
    });
    await repo.setUnitRun(cycleId, 'u1', 'run-1');

    // Act
    const facts = await repo.readUnitFacts(cycleId, 'u1');

    // Assess
    expect(facts.statuses.map((s) => [s.unitId, s.deliverableId, s.latestVersion])).toEqual([['u1', 'implementation-plan', 1]]);
    expect(facts.messages.map((m) => [m.unitId, m.milestone, m.status])).toEqual([['u1', 'self-assessment-report#D-1', 'sent']]);
    expect(facts.decisions).toEqual([decision(1), decision(2)]);
    expect(facts.outcome).toEqual({ cycleId, unitId: 'u1', outcome: 'qualified', recordedAt: at(20) });
    expect(facts.extensions).toEqual([extension]);
    expect(facts.signatures).toEqual([signature]);
    expect(Object.keys(facts).sort()).toEqual(['decisions', 'drawFailures', 'extensions', 'messages', 'outcome', 'signatures', 'statuses']);
    expect(await repo.readUnitFacts(cycleId, 'nobody')).toEqual({ statuses: [], messages: [], decisions: [], outcome: null, extensions: [], signatures: [], drawFailures: [] });
  });

  it('refuses a version that would pass 400 KB stored, before writing anything, naming the parts that take the room', async () => {
    // Prepare: a roster of 1,000 communities with long names and notes of 1,000 characters on 100 items.
    const repo = makeRepo();
    const cycleId = planWith(1).cycleId;
    const selfAssessment = {
      narrative: '自评',
      scores: Array.from({ length: 100 }, (_, i) => ({ itemId: `item-${i}`, score: 1, evidence: [], note: '记'.repeat(1000) })),
      roster: Array.from({ length: 1000 }, (_, i) => ({ name: `${i}${'社'.repeat(36)}`, created: true, qualified: true })),
      figures: { communities: 1000, created: 1000, qualified: 1000, coverage: 1, passRate: 1, selfScore: 100, total: 100 },
      findings: [],
    };

    // Act
    const err = await repo.addSubmission({ ...submission(cycleId, 'u1', 1), deliverableId: 'self-assessment-report', selfAssessment }).catch((e: unknown) => e);

    // Assess
    expect(err).toMatchObject({ name: 'VersionTooLargeError', status: 413 });
    expect((err as { problems: Array<{ path: string; rule: string }> }).problems.map((p) => `${p.path} ${p.rule}`)).toEqual([
      'selfAssessment.scores stored-size',
      'selfAssessment.roster stored-size',
    ]);
    expect(await repo.listUnitSubmissions(cycleId, 'u1')).toEqual([]);
    expect(await repo.getDeliverableStatus(cycleId, 'u1', 'self-assessment-report')).toBeNull();
    // Just under the limit is stored.
    const fits = { ...selfAssessment, scores: selfAssessment.scores.slice(0, 60) };
    expect((await repo.addSubmission({ ...submission(cycleId, 'u1', 2), deliverableId: 'self-assessment-report', selfAssessment: fits })).version).toBe(1);
  });
});

describe.each(repos)('CycleRepository idempotency keys (%s)', (_name, makeRepo) => {
  const scope = () => ({ caller: `city#${seq++}`, route: 'decide-review', key: `key%#${Date.now().toString(36)}` });
  const T = Date.parse('2016-11-10T04:00:00Z');
  const claim = (claimId: string, now = T, fingerprint = 'f1') => ({ fingerprint, claimId, now, leaseUntil: now + 60_000, expiresAt: now + 86_400_000 });
  const response = { status: 201, headers: { 'content-type': 'application/json; charset=utf-8', location: '/x' }, body: '{"ok":true,"名":"延平"}' };

  it('claims a key once; a second claim sees it in progress; completing keeps the answer for the next claim', async () => {
    const repo = makeRepo();
    const s = scope();
    expect(await repo.claimIdempotencyKey(s, claim('c1'))).toEqual({ claimed: true });
    expect(await repo.claimIdempotencyKey(s, claim('c2', T + 1000))).toEqual({
      claimed: false, record: { state: 'in-progress', fingerprint: 'f1', claimId: 'c1', leaseUntil: T + 60_000, expiresAt: T + 86_400_000 },
    });
    expect(await repo.completeIdempotencyKey(s, 'c2', { kind: 'kept', response, completedAt: at(1) })).toBe(false);
    expect(await repo.completeIdempotencyKey(s, 'c1', { kind: 'kept', response, completedAt: at(1) })).toBe(true);
    expect(await repo.claimIdempotencyKey(s, claim('c3', T + 2000, 'f2'))).toEqual({
      claimed: false, record: { state: 'completed', fingerprint: 'f1', expiresAt: T + 86_400_000, kind: 'kept', response, completedAt: at(1) },
    });
    // A completed record outlives any lease; it is forgotten only once expired.
    expect((await repo.claimIdempotencyKey(s, claim('c4', T + 120_000))).claimed).toBe(false);
    expect(await repo.claimIdempotencyKey(s, claim('c5', T + 86_400_000 + 1000))).toEqual({ claimed: true });
  });

  it('keeps "done, not kept" with the status and where the result is', async () => {
    const repo = makeRepo();
    const s = scope();
    await repo.claimIdempotencyKey(s, claim('c1'));
    await repo.completeIdempotencyKey(s, 'c1', { kind: 'not-kept', status: 201, location: '/v/1', bytes: 400_000, completedAt: at(2) });
    expect(await repo.claimIdempotencyKey(s, claim('c2'))).toEqual({
      claimed: false, record: { state: 'completed', fingerprint: 'f1', expiresAt: T + 86_400_000, kind: 'not-kept', status: 201, location: '/v/1', bytes: 400_000, completedAt: at(2) },
    });
  });

  it('gives a key back only to its own claim, and lets a claim whose lease ran out be taken over', async () => {
    const repo = makeRepo();
    const s = scope();
    await repo.claimIdempotencyKey(s, claim('c1'));
    await repo.releaseIdempotencyKey(s, 'someone-else');
    expect((await repo.claimIdempotencyKey(s, claim('c2', T + 1000))).claimed).toBe(false);
    await repo.releaseIdempotencyKey(s, 'c1');
    expect(await repo.claimIdempotencyKey(s, claim('c3', T + 2000))).toEqual({ claimed: true });
    expect(await repo.claimIdempotencyKey(s, claim('c4', T + 2000 + 60_001))).toEqual({ claimed: true });
    // The run that lost its lease can neither complete nor release the new claim.
    expect(await repo.completeIdempotencyKey(s, 'c3', { kind: 'kept', response, completedAt: at(3) })).toBe(false);
    await repo.releaseIdempotencyKey(s, 'c3');
    expect(await repo.completeIdempotencyKey(s, 'c4', { kind: 'kept', response, completedAt: at(3) })).toBe(true);
  });
});
