/**
 * The year's documents (core/exports), read back as a reader would: the workbook with exceljs, the Word files
 * unzipped and their word/document.xml parsed; for a city over its counties and a district over its streets.
 */
import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors';
import { chineseDate, criticismDraft, forwardingNumber, forwardingReport, provinceWorkbook, type YearReport } from '../../core/exports';
import { rankByScore } from '../../core/ranking';
import { buildYearReport, rankUnits } from '../../core/use-cases/year-report';
import { cityScores, yearFixture } from '../helpers/year-report';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The text of a .docx, paragraph by paragraph, and its raw XML parts. */
async function readDocx(bytes: Buffer) {
  const zip = await JSZip.loadAsync(bytes);
  const xml = await zip.file('word/document.xml')!.async('string');
  const paragraphs = [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((p) => [...p[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''));
  return { xml, paragraphs, text: paragraphs.join('\n'), core: await zip.file('docProps/core.xml')!.async('string'), fonts: await zip.file('word/fontTable.xml')!.async('string') };
}

async function readWorkbook(bytes: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb;
}

describe('chineseDate: the 成文日期 in Chinese numerals', () => {
  it.each([
    ['2016-12-01', '二〇一六年十二月一日'],
    ['2026-09-28', '二〇二六年九月二十八日'],
    ['2020-10-10', '二〇二〇年十月十日'],
    ['2000-11-30', '二〇〇〇年十一月三十日'],
    ['2024-02-29', '二〇二四年二月二十九日'],
    ['2016-01-31', '二〇一六年一月三十一日'],
  ])('%s -> %s', (iso, zh) => {
    expect(chineseDate(iso)).toBe(zh);
  });

  it('refuses a date that is not real, naming the field and the rule (zh first)', () => {
    const act = () => chineseDate('2023-02-29');
    expect(act).toThrow(ValidationError);
    try {
      act();
    } catch (e) {
      expect((e as ValidationError).problems[0]).toMatchObject({ path: 'date', rule: 'format.date' });
      expect((e as ValidationError).problems[0].message.zh).toContain('2023-02-29');
    }
  });
});

for (const file of ['nanping-2016.json', 'binjiang-streets-2026-example.json']) {
  describe(`the documents of ${file}`, () => {
    let f: Awaited<ReturnType<typeof yearFixture>>;
    let report: YearReport;
    let workbook: Buffer;
    let reportDoc: Buffer;
    let criticism: Buffer;
    beforeAll(async () => {
      f = await yearFixture(file);
      const forwarding = { cycleId: f.plan.cycleId, qualified: [], notQualified: [], forwardedAt: new Date(f.clock.t).toISOString() };
      report = await buildYearReport(f.ctx, { cycleId: f.plan.cycleId, forwarding });
      [workbook, reportDoc, criticism] = await Promise.all([provinceWorkbook(report), forwardingReport(report), criticismDraft(report, report.criticisms[0])]);
    });

    it('gathers each unit: outcome, rounds, figures, the last scored decision, and the rank', () => {
      const { u1, u2, u3 } = f.units;
      const [r1, r2, r3] = [u1, u2, u3].map((u) => report.units.find((x) => x.unitId === u.id)!);
      expect(r1).toMatchObject({ outcome: 'qualified', rounds: 1, score: cityScores(f.plan, 1).cityScore, coverage: 1, rank: 1 });
      expect(r2).toMatchObject({ outcome: 'qualified', rounds: 2, score: cityScores(f.plan, 2).cityScore, coverage: 1, rank: 2 });
      expect(r2.passRate).toBeCloseTo(11 / 12);
      expect(r3).toMatchObject({ outcome: 'not-submitted', rounds: 0, score: null, coverage: null, rank: null });
      expect(report.units.map((u) => u.unitId)).toEqual(f.plan.units.map((u) => u.id));
      expect(report.criticisms[0]).toMatchObject({ unitId: u3.id, items: [{ status: 'proposed', note: null }] });
    });

    it('the workbook: 汇总 with every unit, its score as a formula on its own sheet, figures as percentages, rank', async () => {
      const wb = await readWorkbook(workbook);
      expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', ...f.plan.units.map((u) => u.name)]);
      const summary = wb.getWorksheet('汇总')!;
      expect(summary.getCell('A1').value).toBe(`${f.plan.city.name}${f.plan.year}年度无传销${f.plan.unitLevel.word}初评考核汇总表`);
      expect(summary.getRow(3).values).toEqual([undefined, '序号', f.plan.unitLevel.word, '初评得分', '创建覆盖率', '合格率', '抽查合格率', '初评轮次', '初评结果', '排名']);
      const row = (unitName: string) => summary.getRows(4, f.plan.units.length)!.find((r) => r.getCell(2).value === unitName)!;
      const u1 = row(f.units.u1.name);
      expect(u1.getCell(3).value).toEqual({ formula: `'${f.units.u1.name}'!G${3 + f.plan.rubric.items.length + 4}`, result: cityScores(f.plan, 1).cityScore });
      expect(u1.getCell(4).value).toBe(1);
      expect(u1.getCell(4).numFmt).toBe('0.0%');
      expect(u1.getCell(6).value).toBe('未抽查');
      expect([u1.getCell(7).value, u1.getCell(8).value, u1.getCell(9).value]).toEqual([1, '初评合格', 1]);
      const u3 = row(f.units.u3.name);
      expect([u3.getCell(3).value, u3.getCell(8).value, u3.getCell(9).value]).toEqual(['—', '未报送', '—']);
      const count = summary.getRow(4 + f.plan.units.length);
      expect(count.getCell(8).value).toEqual({ formula: `COUNTIF(H4:H${3 + f.plan.units.length},"初评合格")`, result: 2 });
      // The layout: merged title, frozen header row, A4 fitted to the width, header repeated on each page, borders.
      expect(summary.model.merges).toContain('A1:I1');
      expect(summary.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
      expect(summary.pageSetup).toMatchObject({ paperSize: 9, fitToPage: true, fitToWidth: 1, printTitlesRow: '3:3' });
      expect(u1.getCell(2).border).toMatchObject({ top: { style: 'thin' }, left: { style: 'thin' } });
    });

    it('a unit sheet: every rubric item, per-item scores and reasons, SUMIF totals with their results, the veto item as 通过', async () => {
      const wb = await readWorkbook(workbook);
      const ws = wb.getWorksheet(f.units.u1.name)!;
      const items = f.plan.rubric.items;
      const last = 3 + items.length;
      expect(ws.getCell('A1').value).toBe(`${f.plan.year}年度无传销${f.plan.unitLevel.word}考核评分表`);
      expect(ws.model.merges).toEqual(expect.arrayContaining(['A1:H1', 'A2:H2', `A${last + 4}:C${last + 4}`]));
      expect(ws.getCell('C4').value).toBe(items[0].title);
      expect(ws.getCell('G4').value).toBe(items[0].maxPoints - 1);
      expect(ws.getCell('H4').value).toBe(`${items[0].title}：材料不全`);
      const veto = items.findIndex((i) => i.kind === 'veto');
      expect([ws.getCell(`B${4 + veto}`).value, ws.getCell(`G${4 + veto}`).value]).toEqual(['一票否决', '通过']);
      expect(ws.getCell(`G${last + 1}`).value).toEqual({ formula: `SUMIF($B$4:$B$${last},"基本项",G4:G${last})`, result: 99 });
      expect(ws.getCell(`D${last + 4}`).value).toEqual({ formula: `D${last + 1}`, result: f.plan.rubric.total });
      expect(ws.getCell(`G${last + 4}`).value).toEqual({ formula: `G${last + 1}+G${last + 2}-G${last + 3}`, result: cityScores(f.plan, 1).cityScore });
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
      expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: 'portrait', printTitlesRow: '3:3' });
    });

    it('the report: 发文机关标志 in red, 文号, the title, addressed to the superior, the units, 附件, the Chinese date, the fonts and margins', async () => {
      const doc = await readDocx(reportDoc);
      const { plan } = f;
      const title = `关于报送${plan.city.name}${plan.year}年度无传销${plan.unitLevel.word}初评合格名单的报告`;
      expect(doc.paragraphs[0]).toBe(`${plan.city.office}文件`);
      // 35 mm from the top of the type area to the 发文机关标志 (GB/T 9704 7.2.1).
      expect(doc.xml.match(/<w:p>.*?<\/w:p>/)?.[0]).toContain('w:before="1984"');
      expect(doc.xml).toMatch(/<w:color w:val="FF0000"\/>/);
      expect(doc.paragraphs[1]).toContain(forwardingNumber(plan));
      expect(doc.paragraphs).toContain(title);
      expect(doc.paragraphs).toContain(`${plan.province.name}：`);
      expect(doc.text).toContain(`${f.units.u1.name}、${f.units.u2.name}共2个${plan.unitLevel.word}达到创建标准`);
      expect(doc.paragraphs).toContain(`附件：${plan.city.name}${plan.year}年度无传销${plan.unitLevel.word}初评考核汇总表`);
      expect(doc.paragraphs).toContain(chineseDate(plan.forwardToProvince.on));
      expect(doc.xml).toContain('w:eastAsia="仿宋_GB2312"');
      expect(doc.xml).toContain('w:eastAsia="方正小标宋简体"');
      expect(doc.xml.match(/<w:pgSz [^>]*>/)?.[0]).toBe('<w:pgSz w:w="11906" w:h="16838" w:orient="portrait"/>');
      expect(doc.xml.match(/<w:pgMar [^>]*>/)?.[0]).toMatch(/^<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587"/);
      expect(doc.xml).toContain('w:line="579" w:lineRule="exact"');
      expect(doc.fonts).toContain('<w:font w:name="仿宋_GB2312"><w:altName w:val="Noto Serif CJK SC"/>');
      expect(doc.core).toContain(`<dcterms:created xsi:type="dcterms:W3CDTF">${new Date(f.clock.t).toISOString().slice(0, 19)}Z</dcterms:created>`);
    });

    it('the 通报批评 draft: its title, the drafted text and a 文号 left for the registry', async () => {
      const doc = await readDocx(criticism);
      const name = f.units.u3.name;
      expect(doc.paragraphs).toContain(`关于对${name}的通报`);
      expect(doc.paragraphs).toContain(`各${f.plan.unitLevel.word}打传办：`);
      expect(doc.text).toContain(`${name}未按《${f.plan.title}》要求`);
      expect(doc.text).toContain(`影响${f.plan.city.areaWord}创建工作进度`);
      expect(doc.paragraphs[1]).toMatch(/〔\d{4}〕　号$/);
    });

    it('the same inputs give the same bytes (SHA-256), whenever they are generated', async () => {
      await new Promise((r) => setTimeout(r, 1100));
      const again = await Promise.all([provinceWorkbook(report), forwardingReport(report), criticismDraft(report, report.criticisms[0])]);
      expect(again.map(sha256)).toEqual([workbook, reportDoc, criticism].map(sha256));
    });
  });
}

describe("a district over its street offices: the documents speak the plan's words", () => {
  it('no 县(市、区), 全市 or 省局, and 市打传办 only inside the superior’s own name', async () => {
    const f = await yearFixture('binjiang-streets-2026-example.json');
    const forwarding = { cycleId: f.plan.cycleId, qualified: [], notQualified: [], forwardedAt: new Date(f.clock.t).toISOString() };
    const report = await buildYearReport(f.ctx, { cycleId: f.plan.cycleId, forwarding });
    const docs = await Promise.all([forwardingReport(report), criticismDraft(report, report.criticisms[0])].map(async (b) => (await readDocx(await b)).text));
    const wb = await readWorkbook(await provinceWorkbook(report));
    const cells = wb.worksheets.flatMap((ws) => ws.getSheetValues().flat().map((v) => (typeof v === 'string' ? v : '')));
    const all = [...docs, ...cells, ...wb.worksheets.map((w) => w.name)].join('\n');
    const { province } = f.plan;
    const withoutOwnNames = all.replaceAll(province.name, '').replaceAll(province.shortName, '');
    for (const word of ['县(市、区)', '市打传办', '省局', '全市', '县打传办']) expect(withoutOwnNames, word).not.toContain(word);
    expect(all).toContain('街道');
    expect(all).toContain('区打传办');
    expect(all).toContain(province.name);
  });
});

describe('an inspection, when there is one: the sampled pass rate and a failing veto item', () => {
  it('shows the sampled rate, marks the veto item 否决 and leaves the unit unranked', async () => {
    // Prepare: the cross-inspection (built elsewhere) found 延平区's major-incident veto applies.
    const f = await yearFixture('nanping-2016.json');
    const veto = f.plan.rubric.items.find((i) => i.kind === 'veto')!;
    const forwarding = { cycleId: f.plan.cycleId, qualified: [], notQualified: [], forwardedAt: new Date(f.clock.t).toISOString() };
    const inspection = (unitId: string) =>
      unitId === f.units.u1.id ? { sampledPassRate: 0.75, vetoFailed: [veto.id] } : unitId === f.units.u2.id ? { sampledPassRate: 1, vetoFailed: [] } : undefined;
    // Act
    const report = await buildYearReport(f.ctx, { cycleId: f.plan.cycleId, forwarding, inspection });
    const wb = await readWorkbook(await provinceWorkbook(report));
    // Assess
    expect(report.units.slice(0, 2).map((u) => [u.sampledPassRate, u.rank])).toEqual([[0.75, null], [1, 1]]);
    const summary = wb.getWorksheet('汇总')!;
    expect([summary.getCell('F4').value, summary.getCell('F4').numFmt, summary.getCell('I4').value]).toEqual([0.75, '0.0%', '—']);
    expect(summary.getCell('I5').value).toBe(1);
    const row = 4 + f.plan.rubric.items.indexOf(veto);
    expect(wb.getWorksheet(f.units.u1.name)!.getCell(`G${row}`).value).toBe('否决');
    expect(wb.getWorksheet(f.units.u2.name)!.getCell(`G${row}`).value).toBe('通过');
  });
});

describe('rank: by score, then by name in pinyin order; no score or a failed veto item, no rank', () => {
  it('ranks equal scores by name and leaves the unscored and the vetoed out', () => {
    const unit = (name: string, score: number | null, vetoFailed = false) => ({
      unitId: name, name, outcome: 'qualified' as const, rounds: 1, coverage: null, passRate: null, score, selfScore: null, rank: null,
      items: [{ item: { id: 'v', title: 'v', maxPoints: 0, evidence: 'e', kind: 'veto' as const }, selfScore: null, cityScore: null, reason: null, vetoFailed }],
    });
    const units = [unit('武夷山市', 90), unit('光泽县', 95), unit('建阳区', 90), unit('松溪县', null), unit('政和县', 99, true)];
    rankUnits(units);
    expect(Object.fromEntries(units.map((u) => [u.name, u.rank]))).toEqual({ 光泽县: 1, 建阳区: 2, 武夷山市: 3, 松溪县: null, 政和县: null });
  });

  it('with the list (core/ranking.ts, the inspection\'s rule): units on it first, then the others, each by score then name', () => {
    const rank = rankByScore([
      { id: 'a', name: '武夷山市', score: 99, vetoFailed: false, qualifies: false },
      { id: 'b', name: '光泽县', score: 90, vetoFailed: false, qualifies: true },
      { id: 'c', name: '建阳区', score: 95, vetoFailed: false, qualifies: true },
      { id: 'd', name: '松溪县', score: 99, vetoFailed: false, qualifies: false },
      { id: 'e', name: '政和县', score: 100, vetoFailed: true, qualifies: false },
      { id: 'f', name: '邵武市', score: null, vetoFailed: false, qualifies: true },
    ]);
    expect(Object.fromEntries(rank)).toEqual({ c: 1, b: 2, d: 3, a: 4, e: null, f: null });
  });
});
