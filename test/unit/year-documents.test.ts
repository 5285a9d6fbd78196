/**
 * Forwarding stores the year's documents: once, under fixed keys, recorded with their SHA-256, listed in
 * the forwarding email and for the city office with download links.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { YearDocumentsMissingError } from '../../core/errors';
import { forwardToProvince, generateYearDocuments } from '../../core/use-cases/cycle';
import { forwardingView } from '../../core/use-cases/forwarding';
import { CONTENT_TYPES, INLINE_DOCUMENTS_MAX_UNITS, listYearDocuments, storeYearDocuments } from '../../core/use-cases/year-documents';
import { yearFixture } from '../helpers/year-report';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('forwarding stores the documents', () => {
  it('stores and records each document once; the email lists the workbook and the report with their SHA-256 and links the portal', async () => {
    // Prepare
    const f = await yearFixture('nanping-2016.json');
    const cycleId = f.plan.cycleId;
    // Act: GenerateYearDocuments, then ForwardToProvince; each retried an hour later.
    const generated = await generateYearDocuments(f.ctx, { cycleId });
    const keysAfterFirst = [...f.documents.objects.keys()].sort();
    const recordedFirst = await f.repo.listCycleDocuments(cycleId);
    await forwardToProvince(f.ctx, { cycleId });
    f.clock.t += 3_600_000;
    const regenerated = await generateYearDocuments(f.ctx, { cycleId });
    await forwardToProvince(f.ctx, { cycleId });
    // Assess
    expect([generated, regenerated]).toEqual([{ documents: 4, generated: 4 }, { documents: 4, generated: 0 }]);
    const records = await f.repo.listCycleDocuments(cycleId);
    expect(records.map((d) => d.documentId)).toEqual(
      ['forwarding-report', 'province-workbook', `criticism-draft-${f.units.u3.id}`, `criticism-draft-${f.units.u4!.id}`].sort(),
    );
    expect(keysAfterFirst).toEqual(records.map((d) => d.key).sort());
    expect(keysAfterFirst.every((k) => k.startsWith(`documents/${cycleId}/_cycle/forwarding/`))).toBe(true);
    for (const d of records) {
      const bytes = f.documents.objects.get(d.key)!;
      expect([d.sha256, d.size, d.createdAt]).toEqual([sha256(bytes), bytes.byteLength, new Date(Date.parse('2016-12-01T01:00:00Z')).toISOString()]);
    }
    expect(records.find((d) => d.documentId === 'province-workbook')).toMatchObject({ kind: 'province-workbook', contentType: CONTENT_TYPES.xlsx, name: '南平市2016年度无传销县(市、区)初评考核汇总表.xlsx' });
    expect(records).toEqual(recordedFirst);
    expect([...f.documents.objects.keys()].sort()).toEqual(keysAfterFirst);
    const toProvince = f.mailer.sent.filter((m) => m.to.includes(f.plan.province.email));
    expect(toProvince).toHaveLength(1);
    // In the order they are made: the workbook, then the report.
    expect(toProvince[0].text.indexOf('.xlsx：SHA-256')).toBeLessThan(toProvince[0].text.indexOf('.docx：SHA-256'));
    for (const d of records.filter((r) => r.kind !== 'criticism-draft')) expect(toProvince[0].text).toContain(`${d.name}：SHA-256 ${d.sha256}`);
    // The 通报批评 drafts stay with the city office.
    expect(toProvince[0].text).not.toContain('通报（代拟稿）');
    expect(toProvince[0].text).toContain(`${f.plan.portalUrl.replace(/\/$/, '')}/documents?cycle=${cycleId}`);
  });

  it('a retry that finds nothing recorded (the first died before its records) stores the same bytes under the same keys', async () => {
    // Prepare: the documents as a first attempt stored them; a second store with the same records and data.
    const f = await yearFixture('binjiang-streets-2026-example.json');
    const forwarding = await f.repo.recordForwarding({ cycleId: f.plan.cycleId, qualified: [], notQualified: [], forwardedAt: new Date(f.clock.t).toISOString() });
    const stored = await storeYearDocuments(f.ctx, forwarding);
    const bytesBefore = new Map([...f.documents.objects].map(([k, v]) => [k, sha256(v)]));
    const fresh = await yearFixture('binjiang-streets-2026-example.json');
    const record = await fresh.repo.recordForwarding(forwarding);
    // Act
    fresh.clock.t += 86_400_000;
    const retried = await storeYearDocuments(fresh.ctx, record);
    // Assess: the same bytes under the same keys, whatever the clock says.
    expect(retried.map((d) => [d.key, d.sha256])).toEqual(stored.map((d) => [d.key, d.sha256]));
    expect(new Map([...fresh.documents.objects].map(([k, v]) => [k, sha256(v)]))).toEqual(bytesBefore);
  });

  it('ForwardToProvince mails only what GenerateYearDocuments recorded: it stores nothing itself', async () => {
    const f = await yearFixture('nanping-2016.json');
    const cycleId = f.plan.cycleId;
    await generateYearDocuments(f.ctx, { cycleId });
    const stored = new Map(f.documents.objects);
    // The recorded list stands whatever changes after GenerateYearDocuments: an outcome recorded late.
    await f.repo.recordOutcome(cycleId, f.plan.units[5].id, 'qualified', new Date(f.clock.t).toISOString());
    f.clock.t += 60_000;
    // Act
    const forwarded = await forwardToProvince(f.ctx, { cycleId });
    // Assess
    expect(f.documents.objects).toEqual(stored);
    expect(forwarded.qualified).toEqual([f.units.u1.id, f.units.u2.id]);
    expect((await f.repo.getForwarding(cycleId))?.forwardedAt).toBe('2016-12-01T01:00:00.000Z');
  });

  it('an execution that reaches ForwardToProvince without the documents (started before GenerateYearDocuments): a small plan gets them made there; a large one fails loudly, sending nothing', async () => {
    // Prepare: one plan at the limit, one just over it.
    const small = await yearFixture('nanping-2016.json', { units: INLINE_DOCUMENTS_MAX_UNITS });
    const large = await yearFixture('nanping-2016.json', { units: INLINE_DOCUMENTS_MAX_UNITS + 1 });
    // Act
    const done = await forwardToProvince(small.ctx, { cycleId: small.plan.cycleId });
    const err = await forwardToProvince(large.ctx, { cycleId: large.plan.cycleId }).catch((e) => e);
    // Assess
    expect(done.notice).toBe('sent');
    expect((await small.repo.listCycleDocuments(small.plan.cycleId)).map((d) => d.kind)).toContain('province-workbook');
    expect(err).toBeInstanceOf(YearDocumentsMissingError);
    expect(err.name).toBe('YearDocumentsMissingError');
    expect(err.text.zh).toContain('年度材料未全部生成');
    expect(err.details).toMatchObject({ units: INLINE_DOCUMENTS_MAX_UNITS + 1, missing: expect.arrayContaining(['province-workbook', 'forwarding-report']) });
    expect(large.mailer.sent.filter((m) => m.to.includes(large.plan.province.email))).toEqual([]);
    expect(large.documents.objects.size).toBe(0);
    expect((await large.repo.getCycle(large.plan.cycleId))?.status).not.toBe('forwarded');
    // Made by GenerateYearDocuments, the same large plan forwards.
    await generateYearDocuments(large.ctx, { cycleId: large.plan.cycleId });
    expect((await forwardToProvince(large.ctx, { cycleId: large.plan.cycleId })).notice).toBe('sent');
  });

  it('a 通报批评 proposal drafted while the documents are made does not stop the list; 上报确认 reads 已上报 only once the mail went', async () => {
    const f = await yearFixture('nanping-2016.json', { units: INLINE_DOCUMENTS_MAX_UNITS + 10 });
    const cycleId = f.plan.cycleId;
    await generateYearDocuments(f.ctx, { cycleId });
    // The list is frozen and the documents made, nothing sent yet: not 已上报.
    expect((await forwardingView(f.ctx, { cycleId })).state).not.toBe('forwarded');
    expect((await forwardingView(f.ctx, { cycleId })).forwarded).toBeNull();
    // The same morning, a rung drafts a proposal for a unit that had none.
    const unit = f.plan.units.at(-1)!;
    await f.repo.putProposal({
      cycleId, unitId: unit.id, proposalId: 'f'.repeat(32), milestone: 'self-assessment-report#2016-11-09#E3', deliverableId: 'self-assessment-report',
      about: 'deliverable', dueAt: '2016-11-09T15:59:59Z', level: 3, proposedAt: new Date(f.clock.t).toISOString(), status: 'confirmed',
    });
    const forwarded = await forwardToProvince(f.ctx, { cycleId });
    expect(forwarded.notice).toBe('sent');
    expect((await forwardingView(f.ctx, { cycleId })).state).toBe('forwarded');
  });

  it('lists the documents for the city office with a short-lived download link each', async () => {
    const f = await yearFixture('nanping-2016.json');
    await generateYearDocuments(f.ctx, { cycleId: f.plan.cycleId });
    const listed = await listYearDocuments(f.ctx, { cycleId: f.plan.cycleId });
    const report = listed.documents.find((d) => d.kind === 'forwarding-report')!;
    expect(report).toMatchObject({ name: '关于报送南平市2016年度无传销县(市、区)初评合格名单的报告.docx', unitId: null, contentType: CONTENT_TYPES.docx });
    expect(report.downloadUrl).toMatch(/^memory:\/\/documents\/documents\/nanping-2016\/_cycle\/forwarding\/forwarding-report\.docx\?.*expiresIn=300/);
    expect(report.created.zh).toContain('2016年12月1日');
  });
});
