/**
 * The portal's answers carry the plan's words for its levels (core/use-cases/view-parts.ts `levelsView`), so
 * the portal can say what the emails say: a district's unit overview, dashboard and cycle list name the
 * district office (区打传办, 全区), its street offices (街道) and the superior (杭州市打传办), with the office's
 * contact and the issuing document, and the targets with their day.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeMemoryDocumentStore } from '../../core/adapters/memory/documents';
import { makeMemoryMailer } from '../../core/adapters/memory/mailer';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import { makeMemoryWorkflow } from '../../core/adapters/memory/workflow';
import { makeContext } from '../../core/use-cases/context';
import { startCycle } from '../../core/use-cases/cycle';
import { cyclesOf } from '../../core/use-cases/unit-messages';
import { dashboard, unitOverview } from '../../core/use-cases/views';

const planJson = JSON.parse(readFileSync(new URL('../../plans/binjiang-streets-2026-example.json', import.meta.url), 'utf8'));
const CYCLE = planJson.cycleId as string;

const DISTRICT_WORDS = {
  office: {
    level: 'district', name: '杭州市滨江区', nameEn: 'Binjiang District, Hangzhou', office: '滨江区打击传销工作领导小组办公室',
    officeEn: 'Binjiang District Office of the Leading Group for Combating Pyramid Selling', shortName: '滨江区打传办',
    officeWord: '区打传办', officeWordEn: 'the district office', areaWord: '全区', areaWordEn: 'the district',
    contact: { name: '周晓岚', telephone: '0571-8770-0000' },
  },
  units: { level: 'street', word: '街道', wordEn: 'street office', wordEnPlural: 'street offices' },
  superior: {
    level: 'city', name: '杭州市打击传销工作领导小组办公室', nameEn: 'Hangzhou Office of the Leading Group for Combating Pyramid Selling',
    shortName: '杭州市打传办', shortNameEn: 'the Hangzhou city office',
  },
  issuingDocument: { issuer: '滨江区打击传销工作领导小组办公室', number: '滨打传办〔2026〕2号', issuedOn: '2026-04-28' },
};

describe("a district plan's words in the portal's answers", () => {
  it('the unit overview, the dashboard and the cycle list carry the same levels, and the targets their day', async () => {
    // Prepare
    const clock = { t: Date.parse('2026-05-06T02:00:00Z'), now() { return this.t; } };
    const ctx = makeContext({ repo: makeMemoryRepository(), mailer: makeMemoryMailer(), workflow: makeMemoryWorkflow(), documents: makeMemoryDocumentStore(), clock });
    await startCycle(ctx, { plan: planJson, startedBy: 'city-admin' });

    // Act
    const overview = await unitOverview(ctx, { cycleId: CYCLE, unitId: 'puyan' });
    const board = await dashboard(ctx, { cycleId: CYCLE });
    const forStreet = await cyclesOf(ctx, { id: 'puyan-staff', role: 'county', unitId: 'puyan' });
    const forDistrict = await cyclesOf(ctx, { id: 'district-a', role: 'city' });
    const forGroup = await cyclesOf(ctx, { id: 'group-changhe', role: 'inspector', groupId: 'group-changhe' });
    const forNoGroup = await cyclesOf(ctx, { id: 'group-gone', role: 'inspector', groupId: 'group-gone' });

    // Assess
    expect(overview.levels).toEqual(DISTRICT_WORDS);
    expect(board.levels).toEqual(DISTRICT_WORDS);
    expect(forStreet.cycles.map((c) => c.levels)).toEqual([DISTRICT_WORDS]);
    expect(forDistrict.cycles.map((c) => c.levels)).toEqual([DISTRICT_WORDS]);
    // An inspector works in the cycles whose plan has its group, and is told which group it is there.
    expect(forGroup.cycles.map((c) => [c.levels, c.group, c.unit])).toEqual([[DISTRICT_WORDS, { id: 'group-changhe', name: '长河街道检查组', nameEn: 'Changhe inspection group' }, null]]);
    expect(forNoGroup.cycles).toEqual([]);
    expect(overview.targets).toEqual({ coveragePercent: 90, passRatePercent: 80, metBy: '2026-09-04' });
    expect(board.targets).toEqual(overview.targets);
  });
});
