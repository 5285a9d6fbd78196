/**
 * The emails in the plan's words (core/notifier/templates.ts): every template rendered for a city over its
 * counties (plans/nanping-2016.json) and for a district over its street offices
 * (plans/binjiang-streets-2026-example.json). A district's emails never speak of 县, 市打传办, 全市 or 省局; a
 * city's still do; the leader in charge is greeted once; every email is signed with the running office, its
 * contact person and telephone and the issuing document (issuer 文号).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ContactStatus } from '../../core/model';
import { templates, type OutcomeInspection, type Rendered } from '../../core/notifier/templates';
import { rosterDeliverable } from '../../core/plan/roster-deliverable';
import { planSchema, type Plan } from '../../core/plan/schema';

const load = (file: string): Plan => planSchema.parse(JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')));
const NANPING = load('plans/nanping-2016.json');
const BINJIANG = load('plans/binjiang-streets-2026-example.json');
/** The same plans with the English version after the Chinese in each email. */
const bilingual = (plan: Plan): Plan => ({ ...plan, notices: { ...plan.notices, languages: ['zh-CN', 'en'] } });

const NOW = Date.parse('2026-09-07T00:30:00Z');
const DUE = '2026-09-04T15:59:59Z';

/** The 初评结果通知's view of a cross-inspection: the plan's first veto item failed, 2 of 3 sampled passing. */
const inspectionOf = (plan: Plan, closed: boolean, disqualifiedBy: OutcomeInspection['disqualifiedBy']): OutcomeInspection => ({
  windowName: { zh: '交叉检查', en: 'cross-inspection' }, opens: '2026-09-07', closes: '2026-09-11', closed, disqualifiedBy,
  vetoFailed: disqualifiedBy.includes('veto-failed') ? [plan.rubric.items.find((i) => i.kind === 'veto')?.id ?? 'veto'] : [],
  sampledPassRate: 2 / 3,
});

/** Every template, rendered once per case it has (both escalation audiences, every outcome), for one plan. */
function renderAll(plan: Plan): Array<[string, Rendered]> {
  const [unit, other] = plan.units;
  const phase = plan.phases[2];
  const d = phase.deliverables[0];
  const roster = rosterDeliverable(plan);
  const status: ContactStatus = { email: unit.office.email, status: 'undeliverable', reason: 'bounce', detail: '550 user unknown', since: DUE };
  const refused = { kind: 'reminder', milestone: `${d.id}#D-1`, recipient: plan.province.email, subject: '提醒' };
  const error = { zh: '地址未验证', en: 'Email address is not verified' };
  const byName: Record<keyof typeof templates, Array<[string, Rendered]>> = {
    phaseOpened: [['phaseOpened', templates.phaseOpened(plan, unit, phase, [{ deliverable: d, dueAt: DUE }], NOW)]],
    reminder: [
      ['reminder', templates.reminder(plan, unit, d, DUE, { days: 2, working: true }, NOW)],
      // The roster registration, due like a deliverable (core/plan/roster-deliverable.ts): registered, not submitted.
      ...(roster ? [['reminder roster', templates.reminder(plan, unit, roster, DUE, { days: 2, working: true }, NOW)] as [string, Rendered]] : []),
    ],
    escalation: [
      ['escalation unit-leader', templates.escalation(plan, unit, d, DUE, 'unit-leader', NOW)],
      ['escalation city-office', templates.escalation(plan, unit, d, DUE, 'city-office', NOW, 'rectification')],
      ...(roster ? [['escalation roster', templates.escalation(plan, unit, roster, DUE, 'city-office', NOW)] as [string, Rendered]] : []),
    ],
    unsignedEscalation: [
      ['unsignedEscalation unit-leader', templates.unsignedEscalation(plan, unit, d, { sentAt: '2026-09-01T02:00:00Z', dueAt: DUE }, 'unit-leader', NOW)],
      ['unsignedEscalation city-office', templates.unsignedEscalation(plan, unit, d, { sentAt: '2026-09-01T02:00:00Z', dueAt: DUE }, 'city-office', NOW)],
    ],
    criticismDraft: [
      ['criticismDraft', templates.criticismDraft(plan, unit, d, DUE, NOW)],
      ['criticismDraft signing', templates.criticismDraft(plan, unit, d, DUE, NOW, 'signing')],
      ...(roster ? [['criticismDraft roster', templates.criticismDraft(plan, unit, roster, DUE, NOW)] as [string, Rendered]] : []),
    ],
    criticism: [['criticism', templates.criticism(plan, unit, d, DUE, '请抓紧整改', NOW)]],
    receipt: [['receipt', templates.receipt(plan, unit, d, { version: 1, receivedAt: DUE, onTime: true, documents: [{ fileName: '自评报告.pdf', sha256: 'ab'.repeat(32) }] }, NOW)]],
    rectification: [
      ['rectification', templates.rectification(plan, unit, d, '台账不完整', DUE, NOW)],
      ['rectification to sign for', templates.rectification(plan, unit, d, '台账不完整', DUE, NOW, '2026-09-09T15:59:59Z')],
    ],
    outcome: ['qualified', 'not-qualified', 'not-submitted', 'rectification-missed', 'review-overdue'].map((o): [string, Rendered] => [
      `outcome ${o}`,
      templates.outcome(plan, unit, o, d, NOW),
    ]).concat([
      ['outcome qualified, inspection to come', templates.outcome(plan, unit, 'qualified', d, NOW, inspectionOf(plan, false, []))],
      ['outcome qualified, inspection keeps it off', templates.outcome(plan, unit, 'qualified', d, NOW, inspectionOf(plan, true, ['veto-failed', 'sampled-pass-rate']))],
    ]),
    provinceForwarding: [['provinceForwarding', templates.provinceForwarding(plan, [unit], [other], NOW)]],
    deliveryFailure: [['deliveryFailure', templates.deliveryFailure(plan, unit, 'reminder#D-1', 'timeout', NOW)]],
    refusedNotice: [
      ['refusedNotice', templates.refusedNotice(plan, unit, refused, error, NOW)],
      ['refusedNotice superior', templates.refusedNotice(plan, null, refused, error, NOW)],
    ],
    contactUndeliverable: [['contactUndeliverable', templates.contactUndeliverable(plan, status, NOW)]],
    extensionGranted: [['extensionGranted', templates.extensionGranted(plan, unit, d, DUE, '2026-09-11T15:59:59Z', '台风', NOW)]],
    calendarWarning: [['calendarWarning', templates.calendarWarning(plan, [2027], NOW)]],
    listConfirmation: [
      ['listConfirmation', templates.listConfirmation(plan, { qualified: [unit], notQualified: [], pending: [other] }, DUE, NOW)],
      ['listConfirmation leader', templates.listConfirmation(plan, { qualified: [unit], notQualified: [other], pending: [] }, DUE, NOW, { level: 1, toLeader: true })],
      ['listConfirmation reminder', templates.listConfirmation(plan, { qualified: [unit], notQualified: [other], pending: [] }, DUE, NOW, { level: 2, toLeader: false })],
    ],
    commendation: [['commendation', templates.commendation(plan, unit, '创建工作扎实，成效显著。', NOW)]],
  };
  return Object.values(byName).flat();
}

const whole = (r: Rendered) => `${r.subject}\n${r.text}\n${r.html}`;
const texts = (plan: Plan) => renderAll(plan).map(([name, r]) => [name, whole(r)] as const);
const find = (plan: Plan, name: string) => renderAll(plan).find(([n]) => n === name)![1];

describe('a district over its street offices: no county, city-office or province words', () => {
  it('renders every template (a new one must be added here)', () => {
    const names = new Set(renderAll(BINJIANG).map(([n]) => n.split(' ')[0]));
    expect([...names].sort()).toEqual(Object.keys(templates).sort());
  });

  it.each(texts(bilingual(BINJIANG)))('%s: no 县, 市打传办, 全市 or 省局 (杭州市打传办, where the list goes, aside)', (_name, text) => {
    const ownWords = text.replaceAll(BINJIANG.province.shortName, '');
    expect(ownWords).not.toMatch(/县|市打传办|全市|省局|省工商局/);
    const english = ownWords.replaceAll(BINJIANG.province.shortNameEn, '');
    expect(english).not.toMatch(/count(y|ies)|city office|the city\b|province/i);
  });

  it('asks a street to register its roster on the roster page, and escalates a roster never registered in the district\'s words', () => {
    const plan = bilingual(BINJIANG);
    const reminder = find(plan, 'reminder roster');
    expect(reminder.subject).toContain('提醒：请于2026年9月4日（星期五）23:59前报送社区/村名单（还剩 2 个工作日）');
    expect(reminder.text).toContain('请在系统中逐条登记本单位的社区（村）：名称、类型、是否参与创建、联系人及电话');
    expect(reminder.text).toContain(`登记入口：https://`);
    expect(reminder.text).toMatch(/\/units\/xixing\/roster\?cycle=/);
    expect(reminder.text).not.toContain('/deliverables/');
    expect(find(plan, 'escalation roster').subject).toBe('【滨江区打传办】督办：西兴街道未按时报送社区/村名单 / Escalation: Xixing Subdistrict missed the deadline for roster of communities and villages');
    expect(find(plan, 'criticismDraft roster').text).toContain('西兴街道未在2026年9月4日（星期五）23:59前报送社区/村名单');
  });

  it('names the street offices, the district office and the superior where the emails say who', () => {
    const plan = bilingual(BINJIANG);
    expect(find(plan, 'phaseOpened').text).toMatch(/^西兴街道打传办：\n/);
    expect(find(plan, 'rectification').text).toContain('经区打传办初评，贵单位报送的自评报告未达到要求');
    expect(find(plan, 'rectification').text).toContain('After the preliminary review by the district office');
    expect(find(plan, 'outcome qualified').text).toContain('经区打传办初评，贵单位达到创建标准，初评合格，将上报杭州市打传办考评认定。');
    expect(find(plan, 'outcome qualified').text).toContain('The district office finds that you meet the standard: you pass the preliminary review and go forward to the Hangzhou city office.');
    expect(find(plan, 'escalation city-office').text).toContain('现按工作方案提请区打传办督办。');
    expect(find(plan, 'unsignedEscalation city-office').text).toContain('区打传办于2026年9月1日（星期二）10:00向西兴街道发出自评报告限期整改通知');
    expect(find(plan, 'unsignedEscalation city-office').text).toContain('The district office sent');
    expect(find(plan, 'criticism').text).toContain('影响全区创建工作进度');
    expect(find(plan, 'extensionGranted').text).toContain('经区打传办同意');
    const forwarding = find(plan, 'provinceForwarding');
    expect(forwarding.subject).toBe(
      '【滨江区打传办】关于报送杭州市滨江区2026年度无传销街道初评合格名单的报告 / Binjiang District, Hangzhou 2026: street offices passing the preliminary review',
    );
    expect(forwarding.text).toMatch(/^杭州市打击传销工作领导小组办公室：\n/);
    expect(forwarding.text).toContain('滨江区打传办已完成对各街道的初评');
  });
});

describe('a city over its counties reads as before', () => {
  it('speaks of 市打传办, 全市, 县(市、区) and 省局, as its plan does', () => {
    expect(find(NANPING, 'rectification').text).toContain('经市打传办初评，贵单位报送的自评报告未达到要求，现予退回，请限期整改。');
    expect(find(NANPING, 'outcome qualified').text).toContain('经市打传办初评，贵单位达到创建标准，初评合格，将上报省局考评认定。');
    expect(find(NANPING, 'escalation city-office').text).toContain('现按工作方案提请市打传办督办。');
    expect(find(NANPING, 'unsignedEscalation city-office').text).toContain('现按工作方案提请市打传办督办。');
    expect(find(NANPING, 'criticismDraft signing').subject).toContain('（未按期签收自评报告限期整改通知）');
    expect(find(NANPING, 'criticismDraft signing').text).toContain('前签收自评报告限期整改通知，影响全市创建工作进度');
    expect(find(NANPING, 'criticism').text).toContain('影响全市创建工作进度');
    expect(find(NANPING, 'extensionGranted').text).toContain('经市打传办同意');
    const forwarding = find(NANPING, 'provinceForwarding');
    expect(forwarding.subject).toBe('【南平市打传办】关于报送南平市2016年度无传销县(市、区)初评合格名单的报告');
    expect(forwarding.text).toContain('南平市打传办已完成对各县(市、区)的初评');
    expect(find(bilingual(NANPING), 'outcome qualified').text).toContain('go forward to the province.');
    for (const [, r] of renderAll(NANPING)) expect(r.subject.startsWith('【南平市打传办】')).toBe(true);
    expect(find(NANPING, 'listConfirmation').subject).toBe('【南平市打传办】请确认拟上报省局的初评合格名单');
    expect(find(NANPING, 'listConfirmation').text).toContain('名单须经市打传办确认后方可上报');
    expect(find(NANPING, 'listConfirmation').text).toContain('待全部产生后方可确认');
    expect(find(NANPING, 'listConfirmation leader').text).toMatch(/^市打传办分管领导：\n/);
    expect(find(NANPING, 'listConfirmation reminder').subject).toContain('督办：初评合格名单尚未确认');
    expect(find(NANPING, 'commendation').text).toContain('特予通报表扬');
  });
});

describe('the greeting of the leader in charge', () => {
  it.each([
    [NANPING, '延平区分管领导：'],
    [BINJIANG, '西兴街道分管领导：'],
  ])('names the directory holder once: %#', (plan, line) => {
    for (const name of ['escalation unit-leader', 'unsignedEscalation unit-leader']) {
      const mail = find(bilingual(plan), name);
      expect(mail.text.split('\n')[0], name).toBe(line);
      expect(mail.html, name).toContain(`<p>${line}</p>`);
      expect(mail.text, name).toContain(`Leader in charge, ${plan.units[0].nameEn},`);
    }
  });

  it('falls back to the unit and the role when the directory names nobody', () => {
    const unnamed = { ...NANPING, units: [{ ...NANPING.units[0], leader: { email: NANPING.units[0].leader.email } }, NANPING.units[1]] };
    expect(find(unnamed, 'escalation unit-leader').text.split('\n')[0]).toBe('延平区分管领导：');
  });
});

describe("every email's signature", () => {
  it.each([
    ['Nanping', NANPING, '南平市打击传销工作领导小组办公室', '联系人：林建华　联系电话：0599-8820000', '依据文件：南平市打击传销工作领导小组办公室 南打传办〔2016〕1号'],
    ['Binjiang', BINJIANG, '滨江区打击传销工作领导小组办公室', '联系人：周晓岚　联系电话：0571-8770-0000', '依据文件：滨江区打击传销工作领导小组办公室 滨打传办〔2026〕2号'],
  ])('%s: the running office, the date, the contact person and telephone, the issuer and 文号', (_n, plan, office, contact, document) => {
    const date = '2026年9月7日';
    for (const [name, r] of renderAll(bilingual(plan))) {
      const signed = [office, date, contact, document].map((s) => `${' '.repeat(24)}${s}`).join('\n');
      expect(r.text, name).toContain(signed);
      expect(r.html, name).toContain(`<p style="text-align:right">${[office, date, contact, document].join('<br>')}</p>`);
      expect(r.text, name).toContain(`Contact: ${plan.city.contact.name}, tel. ${plan.city.contact.telephone}`);
      expect(r.text, name).toContain(`Under ${plan.issuingDocument.number}, issued by ${plan.issuingDocument.issuer}`);
    }
  });
});

describe('the rectification notice', () => {
  it('asks the unit to sign for it (签收) by the end of its period, with where to do it', () => {
    const unit = NANPING.units[0];
    const d = NANPING.phases[2].deliverables[0];
    const mail = templates.rectification(bilingual(NANPING), unit, d, '台账不完整', DUE, NOW, '2026-09-09T15:59:59Z');
    expect(mail.text).toContain('请于2026年9月9日（星期三）23:59前在平台签收本通知');
    expect(mail.text).toContain(`/units/${unit.id}/messages?cycle=${NANPING.cycleId}`);
    expect(mail.text).toContain('Please sign for this notice in the portal by');
  });
});

describe('the 初评结果通知 of a unit the plan also cross-inspects', () => {
  const [unit] = BINJIANG.units;
  const d = BINJIANG.phases[2].deliverables[0];
  it('does not promise the list before the inspection window ends: it names the window and the rule', () => {
    const m = templates.outcome(BINJIANG, unit, 'qualified', d, NOW, inspectionOf(BINJIANG, false, []));
    expect(m.subject).toContain('初评合格');
    expect(m.text).toContain('还将依据交叉检查（2026-09-07至2026-09-11）的结果确定');
    expect(m.text).toContain(`低于 ${BINJIANG.targets.passRatePercent}% 的，不列入上报名单`);
    expect(m.text).not.toContain(`将上报${BINJIANG.province.shortName}考评认定`);
  });
  it('says the unit stays off the list, and why, when the closed inspection disqualifies it', () => {
    const m = templates.outcome(bilingual(BINJIANG), unit, 'qualified', d, NOW, inspectionOf(BINJIANG, true, ['veto-failed', 'sampled-pass-rate']));
    expect(m.subject).toContain(`${unit.name}不列入上报名单`);
    const veto = BINJIANG.rubric.items.find((i) => i.kind === 'veto')!;
    expect(m.text).toContain(`一票否决项“${veto.title}”未通过`);
    expect(m.text).toContain(`抽查社区（村）合格率为 66.7%，低于 ${BINJIANG.targets.passRatePercent}% 的要求`);
    expect(m.text).toContain(`不列入上报${BINJIANG.province.shortName}的名单`);
    expect(m.text).toContain('you are not on the list that goes to');
  });
  it('promises the list when the closed inspection does not disqualify it, as without inspection', () => {
    const m = templates.outcome(BINJIANG, unit, 'qualified', d, NOW, inspectionOf(BINJIANG, true, []));
    expect(m.text).toBe(templates.outcome(BINJIANG, unit, 'qualified', d, NOW).text);
  });
});
