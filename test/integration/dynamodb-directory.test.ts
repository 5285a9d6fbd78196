/**
 * The directory's storage (通讯录: each unit's contact versions, the current one, the cycle's revision) over the
 * wire against DynamoDB Local, and the same suite against the in-memory repository: both must answer alike.
 * Also the self-assessment figures a deliverable's status keeps for the dashboard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoRepository } from '../../core/adapters/dynamodb/repository';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import type { AuditEntry, DirectoryContact, SelfAssessment, SubmissionVersion, UnitContactsVersion } from '../../core/model';
import type { CycleRepository } from '../../core/ports';
import { startDynamoDbLocal, type DynamoDbLocal } from '../helpers/dynamodb-local';

const TABLE = 'directory-it';
let local: DynamoDbLocal;

beforeAll(async () => {
  local = await startDynamoDbLocal({ tables: [TABLE] });
});
afterAll(async () => {
  await local?.stop();
});

let seq = 0;
/** A fresh cycle per test: they share the table. */
const freshCycle = () => `dir-${Date.now().toString(36)}-${seq++}`;
const at = (s: number) => new Date(Date.UTC(2016, 4, 10, 2, 0, s)).toISOString();

const PLANNED: Record<'office' | 'leader', DirectoryContact> = {
  office: { name: '延平区打传办', email: 'yanping-office@nanping.example.cn' },
  leader: { name: '延平区分管领导', email: 'yanping-leader@nanping.example.cn' },
};

function versionOf(cycleId: string, version: number, officeEmail: string, previous = PLANNED): UnitContactsVersion {
  return {
    cycleId, unitId: 'yanping', version,
    contacts: { ...previous, office: { name: '延平区打传办', email: officeEmail, phone: '0599-8888888', setAt: at(version), setBy: 'city' } },
    previous, editedBy: 'city', editedAt: at(version), reason: '人员调整', requestHash: `${'ab'.repeat(31)}${String(version).padStart(2, '0')}`,
  };
}
const auditOf = (v: UnitContactsVersion): AuditEntry => ({
  cycleId: v.cycleId, unitId: v.unitId, at: v.editedAt, actor: v.editedBy, role: 'city', action: 'edit-contacts',
  what: { version: v.version, after: v.contacts.office.email }, why: v.reason,
});

const repos: Array<[string, () => CycleRepository]> = [
  ['memory', () => makeMemoryRepository()],
  ['dynamodb', () => makeDynamoRepository({ client: local.doc, tableName: TABLE, pageSize: 3 })],
];

describe.each(repos)('the directory (%s)', (_name, makeRepo) => {
  it('starts at revision 0 with nothing edited', async () => {
    const repo = makeRepo();
    const cycleId = freshCycle();
    expect(await repo.getDirectoryRevision(cycleId)).toBe(0);
    expect(await repo.listUnitContacts(cycleId)).toEqual({ revision: 0, units: [] });
    expect(await repo.listUnitContactVersions(cycleId, 'yanping')).toEqual([]);
  });

  it('stores each version once, from the one before it only; keeps them all; moves the current one and the revision; audits each', async () => {
    // Prepare
    const repo = makeRepo();
    const cycleId = freshCycle();
    const v1 = versionOf(cycleId, 1, 'dcb@yanping.example.cn');
    const v2 = versionOf(cycleId, 2, 'dcb2@yanping.example.cn', v1.contacts);

    // Act
    const first = await repo.putUnitContacts(v1, auditOf(v1));
    const again = await repo.putUnitContacts({ ...v1, contacts: { ...v1.contacts, office: { email: 'late@yanping.example.cn' } } }, auditOf(v1));
    const skipping = await repo.putUnitContacts(versionOf(cycleId, 3, 'skip@yanping.example.cn'), auditOf(v1));
    const second = await repo.putUnitContacts(v2, auditOf(v2));
    // Another unit's edit counts in the same revision.
    const other = { ...versionOf(cycleId, 1, 'dcb@jianyang.example.cn'), unitId: 'jianyang', editedAt: at(5) };
    await repo.putUnitContacts(other, { ...auditOf(other), unitId: 'jianyang' });

    // Assess
    expect(first).toEqual({ recorded: true, current: v1 });
    expect(again).toEqual({ recorded: false, current: v1 });
    expect(skipping).toEqual({ recorded: false, current: v1 });
    expect(second).toEqual({ recorded: true, current: v2 });
    expect(await repo.listUnitContactVersions(cycleId, 'yanping')).toEqual([v1, v2]);
    expect(await repo.getDirectoryRevision(cycleId)).toBe(3);
    const listed = await repo.listUnitContacts(cycleId);
    expect(listed.revision).toBe(3);
    expect([...listed.units].sort((a, b) => a.unitId.localeCompare(b.unitId))).toEqual([other, v2]);
    expect((await repo.listAudit(cycleId)).map((a) => [a.unitId, a.what])).toEqual([
      ['yanping', { version: 1, after: 'dcb@yanping.example.cn' }],
      ['yanping', { version: 2, after: 'dcb2@yanping.example.cn' }],
      ['jianyang', { version: 1, after: 'dcb@jianyang.example.cn' }],
    ]);
  });

  it('of five edits of the same version at once, exactly one is stored and audited; the others get it back', async () => {
    const repo = makeRepo();
    const cycleId = freshCycle();
    const tries = Array.from({ length: 5 }, (_, i) => versionOf(cycleId, 1, `dcb${i}@yanping.example.cn`));

    const results = await Promise.all(tries.map((v) => repo.putUnitContacts(v, auditOf(v))));

    const winners = results.filter((r) => r.recorded);
    expect(winners).toHaveLength(1);
    for (const r of results) expect(r.current).toEqual(winners[0].current);
    expect(await repo.listUnitContactVersions(cycleId, 'yanping')).toEqual([winners[0].current]);
    expect(await repo.listAudit(cycleId)).toHaveLength(1);
    expect(await repo.getDirectoryRevision(cycleId)).toBe(1);
  });

  it('keeps the versions out of the dashboard\'s read of a unit', async () => {
    const repo = makeRepo();
    const cycleId = freshCycle();
    const v1 = versionOf(cycleId, 1, 'dcb@yanping.example.cn');
    await repo.putUnitContacts(v1, auditOf(v1));
    expect(await repo.readUnitFacts(cycleId, 'yanping')).toEqual({ statuses: [], messages: [], decisions: [], outcome: null, extensions: [], signatures: [], drawFailures: [] });
  });

  it("keeps the latest version's self-assessment figures on the deliverable's status, and clears them for a version without any", async () => {
    const repo = makeRepo();
    const cycleId = freshCycle();
    const figures = { communities: 3, created: 3, qualified: 2, coverage: 1, passRate: 2 / 3, targets: { coverage: 0.9, passRate: 0.8 }, selfScore: 4, total: 100 };
    const selfAssessment: SelfAssessment = { narrative: '自评', scores: [], roster: [], figures, findings: [] };
    const version = (n: number, withFigures: boolean): Omit<SubmissionVersion, 'version'> => ({
      cycleId, unitId: 'yanping', deliverableId: 'self-assessment-report', receivedAt: at(n), onTime: true, submittedBy: 'yanping-staff', documents: [],
      ...(withFigures ? { selfAssessment } : { narrative: '补充说明' }),
    });

    await repo.addSubmission(version(1, true));
    const first = await repo.getDeliverableStatus(cycleId, 'yanping', 'self-assessment-report');
    await repo.addSubmission(version(2, true));
    const second = await repo.readUnitFacts(cycleId, 'yanping');
    await repo.addSubmission(version(3, false));
    const third = await repo.getDeliverableStatus(cycleId, 'yanping', 'self-assessment-report');

    expect(first?.latestFigures).toEqual(figures);
    expect(second.statuses[0]).toMatchObject({ latestVersion: 2, latestFigures: figures });
    expect(third).toMatchObject({ latestVersion: 3 });
    expect(third).not.toHaveProperty('latestFigures');
  });
});
