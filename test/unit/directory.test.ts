/**
 * The directory (通讯录) against in-memory adapters with the Nanping 2016 plan: an edit sends the next email of
 * every kind to the new address while the stored plan stays as it was; a bounced address replaced by an edit
 * is fixed and mail resumes; bad input changes nothing; a retried edit stores and audits once; a stale edit is
 * refused; the listing says each contact's delivery state; the dashboard row's summary for the export.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeMemoryMailer } from '../../core/adapters/memory/mailer';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import { makeMemoryWorkflow } from '../../core/adapters/memory/workflow';
import { DirectoryConflictError, ValidationError } from '../../core/errors';
import { planSchema } from '../../core/plan/schema';
import { makeContext, type Context } from '../../core/use-cases/context';
import { startCycle } from '../../core/use-cases/cycle';
import { directory, editUnitContacts, type EditUnitContactsInput } from '../../core/use-cases/directory';
import { recordEmailEvent } from '../../core/use-cases/email-events';
import { sendUnitNotice } from '../../core/use-cases/notices';
import { submitDeliverable } from '../../core/use-cases/submissions';
import { unitMessages } from '../../core/use-cases/unit-messages';
import { dashboard } from '../../core/use-cases/views';
import { exampleSelfAssessment } from '../../local/scenario';

const planJson = JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8'));
const NANPING = planSchema.parse(planJson);
const CYCLE = 'nanping-2016';
const OFFICE = 'yanping-office@nanping.example.cn';
const LEADER = 'yanping-leader@nanping.example.cn';
const NEW_OFFICE = 'dcb@yanping.example.cn';
const NEW_LEADER = 'wang.fuqu@yanping.example.cn';

async function started(nowIso = '2016-04-01T01:00:00Z') {
  const clock = { t: Date.parse('2016-03-31T16:00:00Z'), now() { return this.t; } };
  const repo = makeMemoryRepository();
  const mailer = makeMemoryMailer();
  const ctx: Context = makeContext({ repo, mailer, workflow: makeMemoryWorkflow(), clock });
  await startCycle(ctx, { plan: planJson, startedBy: 'city-admin' });
  clock.t = Date.parse(nowIso);
  const at = (iso: string) => (clock.t = Date.parse(iso));
  return { clock, repo, mailer, ctx, at };
}
type Setup = Awaited<ReturnType<typeof started>>;

const edit = (s: Setup, over: Partial<EditUnitContactsInput> = {}) =>
  editUnitContacts(s.ctx, { cycleId: CYCLE, unitId: 'yanping', version: 0, editedBy: 'city', ...over });
const notice = (s: Setup, n: Parameters<typeof sendUnitNotice>[1]['notice']) => sendUnitNotice(s.ctx, { cycleId: CYCLE, unitId: 'yanping', notice: n });
const lastSent = (s: Setup) => s.mailer.sent.at(-1)!;
/** Everything stored that an edit could touch. */
const stored = async (s: Setup) => ({
  versions: await s.repo.listUnitContactVersions(CYCLE, 'yanping'),
  revision: await s.repo.getDirectoryRevision(CYCLE),
  audit: await s.repo.listAudit(CYCLE),
  ledger: await s.repo.listMessages(CYCLE),
  contacts: [await s.repo.getContactStatus(OFFICE), await s.repo.getContactStatus(NEW_OFFICE)],
  sent: s.mailer.sent.length,
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

describe('an edit of a unit\'s contacts', () => {
  it('sends the next reminder, escalation and receipt to the new addresses, names the new leader, and leaves the stored plan as it was', async () => {
    // Prepare: the phase's opening notice went to the plan's address.
    const s = await started();
    await notice(s, { kind: 'phase-opened', phase: 'mobilisation' });
    expect(lastSent(s).to).toEqual([OFFICE]);

    // Act
    s.at('2016-05-10T02:00:00Z');
    const edited = await edit(s, { office: { name: '延平区打传办', email: NEW_OFFICE, phone: '0599-8888888' }, leader: { name: '王副区长', email: NEW_LEADER }, reason: '人员调整' });
    s.at('2016-05-20T01:00:00Z');
    const reminder = await notice(s, { kind: 'reminder', deliverableId: 'implementation-plan', milestone: 'D-7' });
    const reminderMail = lastSent(s);
    s.at('2016-06-01T01:00:00Z');
    const escalation = await notice(s, { kind: 'escalation', deliverableId: 'implementation-plan', level: 1 });
    const escalationMail = lastSent(s);
    await submitDeliverable(s.ctx, { cycleId: CYCLE, unitId: 'yanping', deliverableId: 'implementation-plan', submittedBy: 'yanping-staff', narrative: '实施方案（补报）' });
    const receiptMail = lastSent(s);
    // A replay of the year (an extension restarts the unit's execution) finds the opening notice sent.
    const replayed = await notice(s, { kind: 'phase-opened', phase: 'mobilisation' });

    // Assess
    expect(edited).toMatchObject({ recorded: true, changed: true, fixed: [], unit: { unitId: 'yanping', version: 1, editedBy: 'city' } });
    expect(edited.unit.contacts.map((c) => [c.role, c.name, c.email, c.phone, c.delivery.state])).toEqual([
      ['office', '延平区打传办', NEW_OFFICE, '0599-8888888', 'ok'],
      ['leader', '王副区长', NEW_LEADER, null, 'ok'],
    ]);
    expect(reminder.status).toBe('sent');
    expect(reminderMail).toMatchObject({ to: [NEW_OFFICE], cc: [] });
    expect(escalation.status).toBe('sent');
    expect(escalationMail).toMatchObject({ to: [NEW_LEADER], cc: [NEW_OFFICE] });
    expect(escalationMail.text.startsWith('王副区长：')).toBe(true);
    expect(receiptMail).toMatchObject({ to: [NEW_OFFICE], tags: { kind: 'receipt' } });
    expect(replayed.status).toBe('already-sent');
    expect(s.mailer.sent.flatMap((m) => [...m.to, ...m.cc]).filter((a) => a === OFFICE || a === LEADER)).toEqual([OFFICE]);
    // The stored plan is the one that was hashed; the ledger names the plan's contacts, with where each went.
    expect(await s.repo.getPlan(CYCLE)).toEqual(NANPING);
    expect((await s.repo.listUnitMessages(CYCLE, 'yanping')).map((m) => [m.kind, m.recipient, m.to ?? null]).sort()).toEqual([
      ['escalation', LEADER, NEW_LEADER],
      ['phase-opened', OFFICE, null],
      ['receipt', OFFICE, NEW_OFFICE],
      ['reminder', OFFICE, NEW_OFFICE],
    ]);
    // The county still sees, and may sign for, what went to its old address; each row says where it went.
    const mine = await unitMessages(s.ctx, { cycleId: CYCLE, unitId: 'yanping', role: 'county' });
    expect(mine.messages.map((m) => [m.kind, m.recipient, m.notice])).toEqual([
      ['phase-opened', OFFICE, true], ['reminder', NEW_OFFICE, false], ['escalation', NEW_LEADER, true], ['receipt', NEW_OFFICE, false],
    ]);
    expect(mine.unsignedNotices).toBe(2);
    // Audited with before and after.
    const audited = (await s.repo.listAudit(CYCLE)).filter((a) => a.action === 'edit-contacts');
    expect(audited).toEqual([expect.objectContaining({
      unitId: 'yanping', actor: 'city', role: 'city', why: '人员调整',
      what: {
        version: 1,
        before: { office: { name: '延平区打传办', email: OFFICE, phone: null }, leader: { name: '延平区分管领导', email: LEADER, phone: null } },
        after: { office: { name: '延平区打传办', email: NEW_OFFICE, phone: '0599-8888888' }, leader: { name: '王副区长', email: NEW_LEADER, phone: null } },
      },
    })]);
  });

  it('an office and a leader edited to one shared mailbox stay two recipients: a replay sends neither again', async () => {
    // Prepare: the leader's first rung went out to the plan's leader.
    const s = await started('2016-06-01T01:00:00Z');
    const first = await notice(s, { kind: 'escalation', deliverableId: 'implementation-plan', level: 1 });
    expect(first.status).toBe('sent');
    const sent = s.mailer.sent.length;

    // Act: a small office where one mailbox now serves both; then the unit's year replays (an extension).
    await edit(s, { office: { email: NEW_OFFICE }, leader: { email: NEW_OFFICE } });
    const replayed = await notice(s, { kind: 'escalation', deliverableId: 'implementation-plan', level: 1 });

    // Assess: found by the contact it was for (the leader), not by an address the office shares now.
    expect(replayed.status).toBe('already-sent');
    expect(s.mailer.sent).toHaveLength(sent);
    expect((await s.repo.listUnitMessages(CYCLE, 'yanping')).map((m) => [m.kind, m.recipient])).toEqual([['escalation', LEADER]]);
  });

  it('keeps every version: a second edit of the name only keeps the address and when it was set', async () => {
    const s = await started('2016-05-10T02:00:00Z');
    await edit(s, { office: { email: NEW_OFFICE } });
    s.at('2016-05-11T02:00:00Z');
    const second = await edit(s, { version: 1, office: { name: '延平区市场监管局打传办', email: NEW_OFFICE } });

    const versions = await s.repo.listUnitContactVersions(CYCLE, 'yanping');
    expect(versions.map((v) => [v.version, v.contacts.office.name ?? null, v.contacts.office.email, v.previous.office.email])).toEqual([
      [1, null, NEW_OFFICE, OFFICE],
      [2, '延平区市场监管局打传办', NEW_OFFICE, NEW_OFFICE],
    ]);
    expect(versions[1].contacts.office.setAt).toBe('2016-05-10T02:00:00.000Z');
    expect(second.unit.contacts[0].setAt?.iso).toBe('2016-05-10T02:00:00.000Z');
    expect(await s.repo.getDirectoryRevision(CYCLE)).toBe(2);
  });

  it('a bounced address replaced by an edit is fixed, and the notice held back for it is sent again, to the new address', async () => {
    // Prepare: the opening notice bounced; the next reminder is held back.
    const s = await started();
    await notice(s, { kind: 'phase-opened', phase: 'mobilisation' });
    await recordEmailEvent(s.ctx, {
      type: 'bounce', bounceType: 'Permanent', bounceSubType: 'General', messageId: 'ses-1', at: '2016-04-01T01:00:05.000Z',
      recipients: [{ email: OFFICE, detail: '550 user unknown' }], tags: { cycleId: CYCLE, unitId: 'yanping', kind: 'phase-opened' },
    });
    s.at('2016-05-20T01:00:00Z');
    expect((await notice(s, { kind: 'reminder', deliverableId: 'implementation-plan', milestone: 'D-7' })).status).toBe('suppressed');
    const before = (await directory(s.ctx, { cycleId: CYCLE, limit: 1 })).units[0].contacts[0].delivery;

    // Act
    s.at('2016-05-20T03:00:00Z');
    const edited = await edit(s, { office: { name: '延平区打传办', email: NEW_OFFICE } });
    const again = await notice(s, { kind: 'reminder', deliverableId: 'implementation-plan', milestone: 'D-7' });

    // Assess
    expect(before).toMatchObject({ state: 'bounced', detail: 'Permanent/General: 550 user unknown', canMarkFixed: true, at: { iso: '2016-04-01T01:00:05.000Z' } });
    expect(edited.fixed).toEqual([OFFICE]);
    expect(await s.repo.getContactStatus(OFFICE)).toMatchObject({ status: 'fixed', fixedBy: 'city', fixedAt: '2016-05-20T03:00:00.000Z' });
    expect(edited.unit.contacts[0]).toMatchObject({ email: NEW_OFFICE, delivery: { state: 'fixed', by: 'city', replaced: OFFICE, canMarkFixed: false } });
    expect(again.status).toBe('sent');
    expect(lastSent(s)).toMatchObject({ to: [NEW_OFFICE], tags: { kind: 'reminder' } });
    const audit = (await s.repo.listAudit(CYCLE)).map((a) => a.action);
    expect(audit.filter((a) => a === 'edit-contacts' || a === 'fix-contact')).toEqual(['edit-contacts', 'fix-contact']);
  });

  it('a bounced address another contact still uses stays undeliverable', async () => {
    const s = await started();
    await recordEmailEvent(s.ctx, {
      type: 'bounce', bounceType: 'Permanent', messageId: 'ses-1', at: '2016-04-01T01:00:05.000Z',
      recipients: [{ email: OFFICE }], tags: { cycleId: CYCLE, unitId: 'yanping' },
    });
    // The office moves; the leader is given the old office address (say, a shared mailbox the city prefers).
    const edited = await edit(s, { office: { email: NEW_OFFICE }, leader: { email: OFFICE } });
    expect(edited.fixed).toEqual([]);
    expect(await s.repo.getContactStatus(OFFICE)).toMatchObject({ status: 'undeliverable' });
    // The office moved away from it (its own trouble is over); the leader now uses it.
    expect(edited.unit.contacts.map((c) => c.delivery.state)).toEqual(['fixed', 'bounced']);
  });

  it('bad input is refused naming the field and the rule, in Chinese and English, and changes nothing', async () => {
    const s = await started();
    const before = await stored(s);
    const cases: Array<[Partial<EditUnitContactsInput>, string[]]> = [
      [{ office: { email: 'not-an-address' } }, ['office.email format.email']],
      [{ leader: { email: NEW_LEADER, phone: '请拨 110' } }, ['leader.phone format.phone']],
      [{ office: { email: NEW_OFFICE, name: '延平区\n打传办' } }, ['office.name format.single-line']],
      [{}, ['office required']],
      [{ version: -1, office: { email: NEW_OFFICE } }, ['version too-small']],
    ];
    for (const [input, expected] of cases) {
      const err = await rejection(edit(s, input));
      expect(err).toBeInstanceOf(ValidationError);
      const problems = (err as ValidationError).problems;
      expect(problems.map((p) => `${p.path} ${p.rule}`)).toEqual(expected);
      for (const p of problems) {
        expect(p.message.zh).toMatch(/[\u4e00-\u9fff]/);
        expect(p.message.en).not.toMatch(/[\u4e00-\u9fff]/);
        expect(p.message.en.startsWith(p.path)).toBe(true);
      }
    }
    expect(await stored(s)).toEqual(before);
  });

  it('a retry of the same request (its Idempotency-Key) stores one version and one audit entry, even after a crash before the fix', async () => {
    // Prepare: the office bounced; the first try dies after storing its version, before marking the address fixed.
    const s = await started('2016-05-20T03:00:00Z');
    await s.repo.markContactUndeliverable({ email: OFFICE, reason: 'bounce', detail: '550', since: '2016-05-19T01:00:00.000Z', cycleId: CYCLE, unitId: 'yanping' });
    const clear = s.repo.clearContactStatus;
    s.repo.clearContactStatus = async () => {
      throw new Error('the Lambda died here');
    };
    const input = { office: { email: NEW_OFFICE }, requestKey: 'city#0b5f0a8e-0000-4000-8000-000000000001' };
    await expect(edit(s, input)).rejects.toThrow('the Lambda died here');
    s.repo.clearContactStatus = clear;

    // Act: the same request again, twice (its answer was lost), a minute later.
    s.at('2016-05-20T03:01:00Z');
    const retried = await edit(s, input);
    const again = await edit(s, input);

    // Assess
    expect([retried.recorded, again.recorded]).toEqual([false, false]);
    expect(retried.unit.version).toBe(1);
    expect(retried.fixed).toEqual([OFFICE]);
    expect(again.fixed).toEqual([OFFICE]);
    expect(await s.repo.listUnitContactVersions(CYCLE, 'yanping')).toHaveLength(1);
    const audit = (await s.repo.listAudit(CYCLE)).map((a) => a.action);
    expect(audit.filter((a) => a === 'edit-contacts')).toHaveLength(1);
    expect(audit.filter((a) => a === 'fix-contact')).toHaveLength(1);
    expect(await s.repo.getContactStatus(OFFICE)).toMatchObject({ status: 'fixed', fixedAt: '2016-05-20T03:00:00.000Z' });
  });

  it('the same Idempotency-Key sent again with another body is another request: refused as stale, not answered with the first edit', async () => {
    const s = await started();
    const first = await edit(s, { office: { email: NEW_OFFICE }, requestKey: 'k-1' });
    const err = await rejection(edit(s, { office: { email: 'other@yanping.example.cn' }, requestKey: 'k-1' }));
    expect(first.recorded).toBe(true);
    expect(err).toBeInstanceOf(DirectoryConflictError);
    expect((await s.repo.listUnitContactVersions(CYCLE, 'yanping')).map((v) => v.contacts.office.email)).toEqual([NEW_OFFICE]);
  });

  it('an edit made from an older version is refused, naming who edited and when; the same contacts again change nothing', async () => {
    const s = await started('2016-05-10T02:00:00Z');
    await edit(s, { office: { email: NEW_OFFICE } });
    const before = await stored(s);

    const err = await rejection(edit(s, { editedBy: 'city2', office: { email: 'other@yanping.example.cn' } }));
    const same = await edit(s, { editedBy: 'city2', office: { email: NEW_OFFICE.toUpperCase() } });

    expect(err).toBeInstanceOf(DirectoryConflictError);
    expect((err as DirectoryConflictError).text.zh).toBe('该单位的通讯录已由 city 于 2016年5月10日 10:00 修改为第 1 版，请刷新后在新版本上修改');
    expect((err as DirectoryConflictError).details).toMatchObject({ version: 1, editedBy: 'city' });
    expect(same).toMatchObject({ recorded: false, changed: false, unit: { version: 1 } });
    expect(await stored(s)).toEqual(before);
  });
});

describe('the directory listing', () => {
  it('lists the city office, the province and each unit\'s contacts with their delivery state, a page at a time', async () => {
    // Prepare: jianyang's leader refuses our mail (the mail service says so), yanping's office bounced.
    const s = await started();
    s.mailer.refuse({ to: 'jianyang-leader@nanping.example.cn' });
    s.at('2016-06-01T01:00:00Z');
    await sendUnitNotice(s.ctx, { cycleId: CYCLE, unitId: 'jianyang', notice: { kind: 'escalation', deliverableId: 'implementation-plan', level: 1 } });
    await s.repo.markContactUndeliverable({ email: OFFICE, reason: 'complaint', detail: 'abuse', since: '2016-05-30T01:00:00.000Z' });

    // Act
    const first = await directory(s.ctx, { cycleId: CYCLE, limit: 2 });
    const second = await directory(s.ctx, { cycleId: CYCLE, cursor: first.page.next, limit: 2 });

    // Assess
    expect(first.city.map((c) => [c.role, c.email, c.delivery.state])).toEqual([
      ['city-office', NANPING.city.email, 'ok'], ['city-leader', NANPING.city.leaderEmail, 'ok'], ['province', NANPING.province.email, 'ok'],
    ]);
    expect(first.units.map((u) => u.unitId)).toEqual(['yanping', 'jianyang']);
    expect(first.page).toEqual({ cursor: null, limit: 2, next: 'jianyang' });
    expect(second.units.map((u) => u.unitId)).toEqual(NANPING.units.slice(2, 4).map((u) => u.id));
    const states = (i: number) => first.units[i].contacts.map((c) => [c.role, c.delivery.state, c.delivery.canMarkFixed]);
    expect(states(0)).toEqual([['office', 'complained', true], ['leader', 'ok', false]]);
    expect(states(1)).toEqual([['office', 'ok', false], ['leader', 'refused', false]]);
    expect(first.units[1].contacts[1].delivery.at?.iso).toBe('2016-06-01T01:00:00.000Z');
    await expect(directory(s.ctx, { cycleId: CYCLE, cursor: 'no-such-unit' })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('the dashboard row\'s summary', () => {
  it('counts deliverables on time, late and missing, with 及时率, and the latest self-assessment\'s 创建覆盖率 and 合格率', async () => {
    const s = await started('2016-05-20T02:00:00Z');
    await submitDeliverable(s.ctx, { cycleId: CYCLE, unitId: 'yanping', deliverableId: 'implementation-plan', submittedBy: 'yanping-staff', narrative: '实施方案' });
    s.at('2016-11-08T02:00:00Z');
    const selfAssessment = exampleSelfAssessment(NANPING);
    await submitDeliverable(s.ctx, { cycleId: CYCLE, unitId: 'yanping', deliverableId: 'self-assessment-report', submittedBy: 'yanping-staff', selfAssessment });

    const page = await dashboard(s.ctx, { cycleId: CYCLE, limit: 2 });

    const figures = (await s.repo.getDeliverableStatus(CYCLE, 'yanping', 'self-assessment-report'))!.latestFigures!;
    expect(page.units[0].summary).toEqual({ onTime: 2, late: 0, missing: 2, timeliness: 0.5, coverage: figures.coverage, passRate: figures.passRate });
    expect(figures.coverage).toEqual(expect.any(Number));
    expect(page.units[1].summary).toEqual({ onTime: 0, late: 0, missing: 3, timeliness: 0, coverage: null, passRate: null });
  });
});
