/**
 * A district over its street offices, its whole year in the twin (plans/binjiang-streets-2026-example.json with
 * scenarios/binjiang-streets-2026-example.json, what `npm run simulate -- --plan` plays): the same state
 * machines and handlers as Nanping's, and every email in the district's words. Asserted on the SES
 * emulator's inbox: no 县, 市打传办, 全市 or 省局 anywhere (杭州市打传办, where the list goes, aside), the street
 * offices, 区打传办, 全区 and 杭州市打传办 where the emails say who, and every signature with the contact and 文号.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validatePlan } from '../../core/plan/validate';
import type { Plan } from '../../core/plan/schema';
import { scenarioSchema } from '../../local/scenario';
import type { StoredEmail } from '../../local/services';
import { simulate, type SimulationResult } from '../../local/simulate';

const read = (p: string) => JSON.parse(readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8'));
const checked = validatePlan(read('plans/binjiang-streets-2026-example.json'));
if (!checked.ok) throw new Error('the district example plan must validate');
const plan: Plan = checked.plan;
const scenario = scenarioSchema.parse(read('scenarios/binjiang-streets-2026-example.json'));
const unit = (id: string) => plan.units.find((u) => u.id === id)!;

const body = (m: StoredEmail) => `${m.subject}\n${m.body.text ?? ''}\n${m.body.html ?? ''}`;
const firstLine = (m: StoredEmail) => (m.body.text ?? '').split('\n')[0];

describe('the Binjiang 2026 cycle: a district over its street offices, played in the twin', () => {
  let run: SimulationResult;
  let inbox: StoredEmail[];
  const to = (address: string, subject: string) => inbox.filter((m) => m.destination.to[0] === address && m.subject.includes(subject));

  let exportsDir: string;
  beforeAll(async () => {
    exportsDir = await mkdtemp(join(tmpdir(), 'binjiang-exports-'));
    run = await simulate({ plan, scenario, keepInbox: true, exportsDir });
    inbox = run.inbox!;
  });
  afterAll(async () => {
    if (exportsDir) await rm(exportsDir, { recursive: true, force: true });
  });

  it("stores the year's documents on forwarding, in the district's words (read back from the S3 stand-in by --exports)", async () => {
    const names = run.exports!.map((d) => d.name).sort();
    expect(names).toEqual([
      '关于对浦沿街道的通报（代拟稿）.docx',
      '关于报送杭州市滨江区2026年度无传销街道初评合格名单的报告.docx',
      '杭州市滨江区2026年度无传销街道初评考核汇总表.xlsx',
    ].sort());
    const texts: string[] = [];
    for (const d of run.exports!.filter((x) => x.name.endsWith('.docx'))) {
      const xml = await (await JSZip.loadAsync(await readFile(d.path))).file('word/document.xml')!.async('string');
      texts.push([...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''));
    }
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await readFile(run.exports!.find((d) => d.name.endsWith('.xlsx'))!.path)) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '西兴街道', '长河街道', '浦沿街道']);
    const cells = wb.worksheets.flatMap((w) => w.getSheetValues().flat().filter((v): v is string => typeof v === 'string'));
    const all = [...texts, ...cells].join('\n');
    expect(all).toContain('各街道打传办：');
    expect(all).toContain('区打传办对全区3个街道的创建工作进行了初评');
    expect(all.replaceAll(plan.province.name, '').replaceAll(plan.province.shortName, '')).not.toMatch(/县|市打传办|全市|省局/);
  });

  it('runs its year: 西兴街道 and 长河街道 pass, 浦沿街道 never sends its self-assessment report', () => {
    expect(run.errors).toEqual([]);
    expect(run.outcomes).toEqual({ xixing: 'qualified', changhe: 'qualified', puyan: 'not-submitted' });
    expect(inbox.length).toBe(run.counters.emails);
    expect(inbox.length).toBeGreaterThan(40);
  });

  it('forwards only 西兴街道: 长河街道 passed its review but failed the inspection\'s veto item; the workbook shows the sampled pass rate', async () => {
    const [forwarding] = inbox.filter((m) => m.destination.to[0] === plan.province.email);
    expect(forwarding.body.text).toContain('初评合格：1个；未通过：2个。');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await readFile(run.exports!.find((d) => d.name.endsWith('.xlsx'))!.path)) as unknown as ArrayBuffer);
    const summary = wb.getWorksheet('汇总')!;
    const row = (name: string) => summary.getRows(4, plan.units.length)!.find((r) => r.getCell(2).value === name)!;
    // 抽查合格率: every sampled community of both registered streets passed; 浦沿街道 registered nothing (未抽查).
    expect([row('西兴街道').getCell(6).value, row('长河街道').getCell(6).value, row('浦沿街道').getCell(6).value]).toEqual([1, 1, '未抽查']);
    expect(row('西兴街道').getCell(8).value).toBe('初评合格');
    expect(row('长河街道').getCell(8).value).not.toBe('初评合格');
  });

  it('sends no email that speaks of 县, 市打传办, 全市 or 省局', () => {
    const wrong = inbox.filter((m) => /县|市打传办|全市|省局|省工商局/.test(body(m).replaceAll(plan.province.shortName, '')));
    expect(wrong.map((m) => m.subject)).toEqual([]);
  });

  it('signs every email with the district office, its contact person and telephone, and the issuing document', () => {
    for (const m of inbox) {
      expect(m.body.text, m.subject).toContain(plan.city.office);
      expect(m.body.text, m.subject).toContain('联系人：周晓岚　联系电话：0571-8770-0000');
      expect(m.body.text, m.subject).toContain('依据文件：滨江区打击传销工作领导小组办公室 滨打传办〔2026〕2号');
      expect(m.subject.startsWith('【滨江区打传办】'), m.subject).toBe(true);
    }
  });

  it('addresses the street offices by their names, and 浦沿街道\'s leader once', () => {
    const kickoff = inbox.filter((m) => m.subject.includes('关于开展“动员部署”阶段工作的通知'));
    expect(kickoff.map(firstLine).sort()).toEqual(['长河街道打传办：', '浦沿街道打传办：', '西兴街道打传办：'].sort());
    const [leader] = to(unit('puyan').leader.email, '督办：浦沿街道未按时报送自评报告');
    expect(firstLine(leader)).toBe('浦沿街道分管领导：');
  });

  it('climbs 浦沿街道\'s ladder to the district office in its words: 提请区打传办督办, then a drafted 通报批评 naming 全区', () => {
    const office = plan.city.leaderEmail ?? plan.city.email;
    const [escalated] = to(office, '督办：浦沿街道未按时报送自评报告');
    expect(firstLine(escalated)).toBe(`${plan.city.office}：`);
    expect(escalated.body.text).toContain('现按工作方案提请区打传办督办。');
    const [draft] = to(office, '请确认：拟对浦沿街道通报批评并挂牌督办');
    expect(draft.body.text).toContain('影响全区创建工作进度');
  });

  it('says 经区打传办 in 长河街道\'s extension, rectification and outcome, and that a qualified street goes up to 杭州市打传办', () => {
    const changhe = unit('changhe').office.email;
    expect(to(changhe, '延期通知')[0].body.text).toContain('经区打传办同意');
    expect(to(changhe, '限期整改通知')[0].body.text).toContain('经区打传办初评，贵单位报送的自评报告未达到要求');
    // Its review passed on the window's last day: the notice does not promise the list, the inspection still decides.
    expect(to(changhe, '初评结果通知')[0].body.text).toContain('经区打传办初评，贵单位达到创建标准，初评合格。是否上报杭州市打传办，还将依据交叉检查（2026-09-07至2026-09-11）的结果确定');
  });

  it('forwards the list of qualifying street offices to 杭州市打传办, once', () => {
    const forwarded = inbox.filter((m) => m.destination.to[0] === plan.province.email);
    expect(forwarded.map((m) => m.subject)).toEqual(['【滨江区打传办】关于报送杭州市滨江区2026年度无传销街道初评合格名单的报告']);
    expect(firstLine(forwarded[0])).toBe('杭州市打击传销工作领导小组办公室：');
    expect(forwarded[0].body.text).toContain('滨江区打传办已完成对各街道的初评');
    // 长河街道 passed its review but failed the inspection's veto item (the scenario): it is not on the list.
    expect(forwarded[0].body.text).toMatch(/初评合格：\s*西兴街道\s*\n/);
    expect(forwarded[0].body.text).toMatch(/未通过：[^\n]*长河街道/);
  });

  it('tells each inspected street office, once, the first morning after the window, what was found and what it means for the list', () => {
    const results = (id: string) => to(unit(id).office.email, '交叉检查结果通知');
    // 长河街道 (its review passed on the window's last day and was told the inspection still decides): now told it is off the list, and why.
    const [changhe, ...again] = results('changhe');
    expect(again).toEqual([]);
    expect(changhe.subject).toContain('长河街道（不列入上报名单）');
    expect(changhe.body.text).toContain('一票否决项“');
    expect(changhe.body.text).toContain('不列入上报杭州市打传办的名单');
    expect(results('xixing')).toHaveLength(1);
    expect(results('xixing')[0].body.text).toContain('将列入上报杭州市打传办的名单');
    // Sent on Monday 14 September 2026, the first working day after the window's last day (Friday the 11th).
    expect(changhe.body.text).toContain('2026年9月14日');
  });
});
