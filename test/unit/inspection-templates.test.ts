/**
 * The cross-inspection emails (core/notifier/templates.ts inspectionTemplates) in a district's words, both
 * languages: no 县, 市打传办, 全市 or 省局, no county, city office or province; the group or the street office
 * greeted, every sampled community with its contact, the published inputs, the district office's signature.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { InspectionSample } from '../../core/inspection/model';
import { drawSample } from '../../core/inspection/sample';
import { inspectionTemplates, type Rendered } from '../../core/notifier/templates';
import { validatePlan } from '../../core/plan/validate';

const checked = validatePlan(JSON.parse(readFileSync(new URL('../../plans/binjiang-streets-2026-example.json', import.meta.url), 'utf8')));
if (!checked.ok) throw new Error('plan');
const plan = { ...checked.plan, notices: { ...checked.plan.notices, languages: ['zh-CN', 'en'] as Array<'zh-CN' | 'en'> } };
const unit = plan.units.find((u) => u.id === 'puyan')!;
const group = plan.inspection!.groups.find((g) => g.units.includes('puyan'))!;
const window = plan.inspection!.windows[0];
const NOW = Date.parse('2026-09-07T01:00:05Z');
const drawn = drawSample({
  planSha256: 'a'.repeat(64), unitId: 'puyan', rosterVersion: 2, drawAt: '2026-09-07T01:00:00Z', ratio: { numerator: 1, denominator: 3 },
  communities: ['东冠社区', '江二社区', '星民村', '白金海岸社区'].map((name) => ({ name, kind: 'community', takingPart: true, contact: { name: `${name}书记`, telephone: '0571-8770-3001' } })),
});
const sample: InspectionSample = {
  cycleId: plan.cycleId, unitId: 'puyan', windowId: window.id, groupId: group.id, status: 'drawn', drawnAt: '2026-09-07T01:00:01Z', drawAt: '2026-09-07T01:00:00Z',
  inputs: drawn.inputs, seed: drawn.seed, population: drawn.population, sample: drawn.sample,
};
const rendered: Array<[string, Rendered]> = [
  ['sampleDrawn group', inspectionTemplates.sampleDrawn(plan, unit, group, window, sample, 'group', NOW)],
  ['sampleDrawn unit', inspectionTemplates.sampleDrawn(plan, unit, group, window, sample, 'unit', NOW)],
  ['sampleDrawn empty', inspectionTemplates.sampleDrawn(plan, unit, group, window, { ...sample, sample: [], population: 0 }, 'unit', NOW)],
  ['noRoster', inspectionTemplates.noRoster(plan, unit, group, window, '2026-09-07T01:00:00Z', NOW)],
  ...(['qualified', null, 'not-submitted'] as const).map((reviewOutcome): [string, Rendered] => [`inspectionResult passed, review ${reviewOutcome}`, inspectionTemplates.inspectionResult(plan, unit, group, window, {
    communities: [{ position: 1, name: '东冠社区', passed: true, notes: '' }, { position: 2, name: '星民村', passed: null, notes: '' }],
    score: 96, reviewOutcome,
    inspection: { windowName: { zh: window.name, en: window.nameEn ?? window.name }, opens: window.opens, closes: window.closes, closed: true, disqualifiedBy: [], vetoFailed: [], sampledPassRate: 0.5 },
  }, NOW)]),
  ['inspectionResult off the list', inspectionTemplates.inspectionResult(plan, unit, group, window, {
    communities: [{ position: 1, name: '东冠社区', passed: false, notes: '宣传栏未更新' }],
    score: 60, reviewOutcome: 'qualified',
    inspection: { windowName: { zh: window.name, en: window.nameEn ?? window.name }, opens: window.opens, closes: window.closes, closed: true, disqualifiedBy: ['veto-failed', 'sampled-pass-rate'], vetoFailed: ['major-incident-veto'], sampledPassRate: 0 },
  }, NOW)],
  ['drawFailed', inspectionTemplates.drawFailed(plan, unit, group, window, '2026-09-07T01:00:00Z', 'TypeError', '2026-09-07T02:00:00Z', NOW)],
  ['drawGaveUp', inspectionTemplates.drawGaveUp(plan, unit, group, window, '2026-09-07T01:00:00Z', 'TypeError', '2026-09-07T01:00:04Z', Date.parse('2026-09-11T01:00:05Z'))],
];

describe('the cross-inspection emails in a district\'s words', () => {
  it.each(rendered)('%s: no county, city-office or province words, in either language (the superior the list goes to aside)', (_n, r) => {
    const all = `${r.subject}\n${r.text}\n${r.html}`.replaceAll(plan.province.shortName, '').replaceAll(plan.province.shortNameEn, '');
    expect(all).not.toMatch(/县|市打传办|全市|省局|省工商局/);
    expect(all).not.toMatch(/count(y|ies)|city office|the city\b|province/i);
    expect(r.subject.startsWith('【滨江区打传办】')).toBe(true);
    expect(r.text).toContain('联系人：周晓岚　联系电话：0571-8770-0000');
  });

  it('greets the group or the street office and lists each sampled community with its contact and the inputs to verify', () => {
    const [[, toGroup], [, toUnit]] = rendered;
    expect(toGroup.text.split('\n')[0]).toBe('长河街道检查组：');
    expect(toUnit.text.split('\n')[0]).toBe('浦沿街道打传办：');
    expect(toGroup.subject).toContain('交叉检查抽样结果：浦沿街道（2个社区/村）');
    for (const c of sample.sample) expect(toGroup.text).toContain(`${c.position}. ${c.name}：社区，联系人 ${c.contact.name}，${c.contact.telephone}`);
    for (const v of [sample.seed!, drawn.inputs.rosterSha256, drawn.inputs.planSha256, 'wuchuanxiao-sample/1']) expect(toGroup.text).toContain(v);
    expect(toGroup.text).toContain('区打传办已于2026年9月7日（星期一）09:00（北京时间）按公布的方法，从浦沿街道登记的4个参与创建的社区/村中，按1/3比例（向上取整）抽取以下2个');
  });

  it('tells the district office in its words that a street registered no roster', () => {
    const r = new Map(rendered).get('noRoster')!;
    expect(r.subject).toBe('【滨江区打传办】未能抽样：浦沿街道未登记社区/村名单 / No sample: Puyan Subdistrict registered no roster');
    expect(r.text).toContain('请区打传办督促该街道登记名单');
    expect(r.text).toContain('Please have the street office register its roster');
  });

  it('tells the district office that a draw failed, when it is tried again and until when, and that nothing is redrawn', () => {
    const r = new Map(rendered).get('drawFailed')!;
    expect(r.subject).toBe('【滨江区打传办】抽样未完成：浦沿街道的交叉检查抽样出错，系统将自动重试 / Draw failed: the cross-inspection sample of Puyan Subdistrict will be retried');
    expect(r.text.split('\n')[0]).toBe(`${plan.city.office}：`);
    expect(r.text).toContain('浦沿街道的交叉检查抽样（长河街道检查组，交叉检查）应于2026年9月7日（星期一）09:00（北京时间）进行，系统多次尝试后仍未完成（TypeError），抽样结果尚未记录。');
    expect(r.text).toContain('系统将于2026年9月7日（星期一）10:00再次抽取，此后首日每小时、之后每日重试，直至2026年9月11日检查时段结束');
    expect(r.text).toContain('结果一经记录不再重抽');
    expect(r.text).toMatch(/\/units\/puyan\/sample\?cycle=/);
  });

  it('tells the district office that a street could not be drawn once every attempt failed', () => {
    const r = new Map(rendered).get('drawGaveUp')!;
    expect(r.subject).toBe('【滨江区打传办】未能抽样：浦沿街道的交叉检查抽样多次重试仍未完成 / No sample: the cross-inspection draw of Puyan Subdistrict failed on every attempt');
    expect(r.text).toContain('自2026年9月7日（星期一）09:00首次出错以来');
    expect(r.text).toContain('系统不再自动重试，浦沿街道本期没有抽样结果');
    expect(r.text).toContain('请区打传办决定该街道的检查安排');
  });
});

describe('the 交叉检查结果通知', () => {
  const byName = new Map(rendered);
  it('lists each sampled community with what was found (no result counts as not passing), the rate and the score', () => {
    const r = byName.get('inspectionResult passed, review qualified')!;
    expect(r.subject).toBe(`【滨江区打传办】交叉检查结果通知：${unit.name} / Cross-inspection results: ${unit.nameEn}`);
    expect(r.text).toContain('1. 东冠社区');
    expect(r.text).toContain('未记录检查结果（按不合格计）');
    expect(r.text).toContain('50.0%（要求不低于');
    expect(r.text).toContain(`96 分（满分 ${plan.rubric.total} 分）`);
    expect(r.text).toContain('将列入上报');
    expect(byName.get('inspectionResult passed, review null')!.text).toContain('是否上报，以初评结果为准');
    expect(byName.get('inspectionResult passed, review not-submitted')!.text).toContain('初评未通过，不列入上报名单');
  });
  it('names the failed veto item and the rate when they keep the unit off the list', () => {
    const r = byName.get('inspectionResult off the list')!;
    expect(r.subject).toContain('（不列入上报名单）');
    expect(r.text).toContain('不合格：宣传栏未更新');
    expect(r.text).toContain('一票否决项“');
    expect(r.text).toContain('抽查社区（村）合格率为 0.0%');
  });
});
