/**
 * The province package (上报材料): an Excel workbook with the summary sheet 汇总 and one 考核评分表 per unit
 * in the official table layout (merged title and header cells, thin borders on every cell of the table,
 * A4 portrait fitted to the page width, the header row repeated on every printed page and frozen on
 * screen, page numbers in the footer). Totals are formulas with their results cached, so a reader that
 * does not recalculate (a phone's viewer, a parser) still shows the numbers.
 */
import ExcelJS from 'exceljs';
import { chineseDate } from './chinese-date';
import type { ScoredItem, UnitReport, YearReport } from './model';
import { KIND_ZH, OUTCOME_ZH, workbookTitle } from './words';
import { normalizeOfficeZip } from './zip';

const TITLE_FONT = { name: '方正小标宋简体', size: 18 } as const;
const BODY_FONT = { name: '仿宋_GB2312', size: 11 } as const;
const HEAD_FONT = { name: '黑体', size: 11 } as const;
const THIN = { style: 'thin' } as const;
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const PERCENT = '0.0%';
const DASH = '—';
/** The table's header row on every sheet: frozen on screen and repeated on each printed page. */
const HEADER_ROW = 3;
const FIRST_ROW = HEADER_ROW + 1;

/** Excel forbids []:*?/\ in sheet names and caps them at 31 characters. */
const sheetName = (name: string) => name.replace(/[[\]:*?/\\]/g, '_').slice(0, 31);
const quoted = (sheet: string) => `'${sheet.replace(/'/g, "''")}'`;

function setupSheet(ws: ExcelJS.Worksheet, widths: number[]) {
  ws.columns = widths.map((width) => ({ width }));
  ws.views = [{ state: 'frozen', xSplit: 0, ySplit: HEADER_ROW }];
  ws.pageSetup = {
    paperSize: 9, // A4
    orientation: 'portrait',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    horizontalCentered: true,
    margins: { left: 0.6, right: 0.6, top: 0.8, bottom: 0.8, header: 0.3, footer: 0.3 },
    printTitlesRow: `${HEADER_ROW}:${HEADER_ROW}`,
  };
  ws.headerFooter = { oddFooter: '第 &P 页，共 &N 页' };
}

/** Title (row 1) and subtitle (row 2), each merged across the table; the header row (3) below them. */
function writeHead(ws: ExcelJS.Worksheet, title: string, subtitle: string, headers: string[]) {
  const last = String.fromCharCode(64 + headers.length);
  ws.mergeCells(`A1:${last}1`);
  ws.mergeCells(`A2:${last}2`);
  Object.assign(ws.getCell('A1'), { value: title, font: TITLE_FONT, alignment: { horizontal: 'center', vertical: 'middle' } });
  Object.assign(ws.getCell('A2'), { value: subtitle, font: BODY_FONT, alignment: { horizontal: 'left', vertical: 'middle' } });
  ws.getRow(1).height = 36;
  ws.getRow(2).height = 22;
  const head = ws.getRow(HEADER_ROW);
  head.values = headers;
  head.height = 30;
  head.eachCell((c) => {
    c.font = HEAD_FONT;
    c.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEDEDED' } };
  });
}

/** Borders and the body font on every cell of rows [from, to] × the first `columns` columns; text columns flush left. */
function frame(ws: ExcelJS.Worksheet, from: number, to: number, columns: number, textColumns: number[]) {
  for (let r = from; r <= to; r++) {
    for (let c = 1; c <= columns; c++) {
      const cell = ws.getCell(r, c);
      cell.border = BORDER;
      if (r > HEADER_ROW) cell.font ??= BODY_FONT;
      if (r > HEADER_ROW && !cell.alignment) cell.alignment = { vertical: 'middle', horizontal: textColumns.includes(c) ? 'left' : 'center', wrapText: true };
    }
  }
}

const UNIT_WIDTHS = [5, 8, 36, 6, 26, 8, 8, 22];

/** Excel does not grow a row for wrapped text by itself: the lines its longest cell needs, a CJK character two units wide. */
function fitRowHeight(row: ExcelJS.Row, widths: number[]) {
  let lines = 1;
  row.eachCell((cell, c) => {
    const text = typeof cell.value === 'string' ? cell.value : '';
    const units = [...text].reduce((n, ch) => n + (ch.charCodeAt(0) > 0xff ? 2 : 1), 0);
    lines = Math.max(lines, Math.ceil(units / Math.max(widths[c - 1] - 1, 1)));
  });
  row.height = Math.max(20, lines * 15 + 5);
}

const points = (item: ScoredItem, score: number | null) => (item.item.kind === 'veto' ? null : score);
const vetoText = (failed: boolean | null) => (failed === null ? '未评定' : failed ? '否决' : '通过');
const sumOf = (items: ScoredItem[], kind: string, pick: (i: ScoredItem) => number | null) =>
  items.filter((i) => i.item.kind === kind).reduce((s, i) => s + (pick(i) ?? 0), 0);
const round1 = (n: number) => Math.round(n * 10) / 10;

/** One unit's 考核评分表. Returns the cell holding the city's total and its value, for the summary to refer to. */
function writeUnitSheet(wb: ExcelJS.Workbook, report: YearReport, unit: UnitReport, name: string): { ref: string; result: number } {
  const { plan } = report;
  const ws = wb.addWorksheet(name);
  setupSheet(ws, UNIT_WIDTHS);
  writeHead(
    ws,
    `${plan.year}年度无传销${plan.unitLevel.word}考核评分表`,
    `被考核单位：${unit.name}　　考核单位：${plan.city.office}　　初评结果：${OUTCOME_ZH[unit.outcome]}`,
    ['序号', '类别', '考核内容', '分值', '得分参考依据', '自评得分', '初评得分', '扣分原因'],
  );
  unit.items.forEach((s, i) => {
    const veto = s.item.kind === 'veto';
    ws.getRow(FIRST_ROW + i).values = [
      i + 1, KIND_ZH[s.item.kind], s.item.title, veto ? DASH : s.item.maxPoints, s.item.evidence,
      veto ? DASH : points(s, s.selfScore) ?? DASH,
      veto ? vetoText(s.vetoFailed) : points(s, s.cityScore) ?? DASH,
      s.reason ?? '',
    ];
    fitRowHeight(ws.getRow(FIRST_ROW + i), UNIT_WIDTHS);
  });
  const last = FIRST_ROW + unit.items.length - 1;
  const range = (col: string) => `${col}${FIRST_ROW}:${col}${last}`;
  const sumif = (kind: ScoredItem['item']['kind'], col: string) => `SUMIF($B$${FIRST_ROW}:$B$${last},"${KIND_ZH[kind]}",${range(col)})`;
  const kinds = [['基本项得分', 'standard'], ['加分', 'bonus'], ['扣分', 'deduction']] as const;
  const totalRow = last + kinds.length + 1;
  const columns = { D: (i: ScoredItem) => i.item.maxPoints, F: (i: ScoredItem) => i.selfScore, G: (i: ScoredItem) => i.cityScore };
  let cityTotal = 0;
  for (const [col, pick] of Object.entries(columns)) {
    const [base, bonus, deducted] = kinds.map(([, kind]) => round1(sumOf(unit.items, kind, pick)));
    kinds.forEach(([, kind], i) => {
      ws.getCell(`${col}${last + 1 + i}`).value = { formula: sumif(kind, col), result: [base, bonus, deducted][i] };
    });
    // The sheet's total (总分) is the standard items' maximum; a unit's score adds bonus and subtracts deductions.
    ws.getCell(`${col}${totalRow}`).value = col === 'D'
      ? { formula: `D${last + 1}`, result: base }
      : { formula: `${col}${last + 1}+${col}${last + 2}-${col}${last + 3}`, result: round1(base + bonus - deducted) };
    if (col === 'G') cityTotal = round1(base + bonus - deducted);
  }
  [...kinds.map(([label]) => label), '总分'].forEach((label, i) => {
    const r = last + 1 + i;
    ws.mergeCells(`A${r}:C${r}`);
    ws.getCell(`A${r}`).value = label;
  });
  ws.getRow(totalRow).font = { ...BODY_FONT, bold: true };
  frame(ws, HEADER_ROW, totalRow, 8, [3, 5, 8]);
  for (let r = last + 1; r <= totalRow; r++) ws.getCell(`A${r}`).alignment = { horizontal: 'center', vertical: 'middle' };
  const signRow = totalRow + 2;
  ws.mergeCells(`A${signRow}:H${signRow}`);
  Object.assign(ws.getCell(`A${signRow}`), {
    value: `考核单位：${plan.city.office}　　　　日期：${chineseDate(report.documentDate)}`,
    font: BODY_FONT,
    alignment: { horizontal: 'right' },
  });
  return { ref: `${quoted(name)}!G${totalRow}`, result: cityTotal };
}

const percentCell = (v: number | null | undefined, none = DASH) => (v === null || v === undefined ? none : v);

function writeSummary(ws: ExcelJS.Worksheet, report: YearReport, totals: Map<string, { ref: string; result: number }>) {
  const { plan } = report;
  setupSheet(ws, [6, 16, 10, 11, 10, 11, 10, 14, 7]);
  writeHead(
    ws,
    workbookTitle(plan),
    `填报单位：${plan.city.office}　　报送日期：${chineseDate(report.documentDate)}`,
    ['序号', plan.unitLevel.word, '初评得分', '创建覆盖率', '合格率', '抽查合格率', '初评轮次', '初评结果', '排名'],
  );
  report.units.forEach((u, i) => {
    const r = FIRST_ROW + i;
    ws.getRow(r).values = [
      i + 1, u.name,
      u.score === null ? DASH : { formula: totals.get(u.unitId)!.ref, result: totals.get(u.unitId)!.result },
      percentCell(u.coverage), percentCell(u.passRate), percentCell(u.sampledPassRate, '未抽查'),
      u.rounds, OUTCOME_ZH[u.outcome], u.rank ?? DASH,
    ];
    for (const c of ['D', 'E', 'F']) ws.getCell(`${c}${r}`).numFmt = PERCENT;
  });
  const last = FIRST_ROW + report.units.length - 1;
  const qualified = report.units.filter((u) => u.outcome === 'qualified').length;
  const countRow = last + 1;
  ws.mergeCells(`A${countRow}:G${countRow}`);
  ws.getCell(`A${countRow}`).value = `初评合格${plan.unitLevel.word}（个）`;
  ws.getCell(`H${countRow}`).value = { formula: `COUNTIF(H${FIRST_ROW}:H${last},"${OUTCOME_ZH.qualified}")`, result: qualified };
  frame(ws, HEADER_ROW, countRow, 9, []);
  ws.getRow(countRow).font = { ...BODY_FONT, bold: true };
  const noteRow = countRow + 2;
  ws.mergeCells(`A${noteRow}:I${noteRow}`);
  Object.assign(ws.getCell(`A${noteRow}`), {
    value: report.rankedBy === 'inspection'
      ? '说明：初评得分取各单位最后一次评分的初评决定；排名按交叉检查考核评分表得分从高到低，列入上报名单的单位在前，得分相同按单位名称（拼音）排序，未评分或一票否决的单位不排名；抽查合格率在交叉检查后填写。'
      : '说明：初评得分取各单位最后一次评分的初评决定；排名按初评得分从高到低，得分相同按单位名称（拼音）排序，未评分或一票否决的单位不排名；抽查合格率在交叉检查后填写。',
    font: BODY_FONT,
    alignment: { wrapText: true, vertical: 'top' },
  });
  ws.getRow(noteRow).height = 48;
}

/**
 * exceljs gives every cell a style object of its own and, writing, renders each to XML to find its entry in
 * the shared styles again (its cost at 2,800 sheets: millions of lookups); it remembers the objects it has
 * seen, though. So cells with equal styles get one shared object here, looked up once. Keyed by the cell's
 * type too, on which exceljs's style id depends (a number's style gets the General format), and each object
 * keeps the key of the first cell that used it (merged cells share their master's, as exceljs made them):
 * the same styles, in the same order, so the same ids and the same bytes. Cells without a value are left
 * as they are. Done last: nothing writes a style after it.
 */
function shareStyles(wb: ExcelJS.Workbook) {
  const shared = new Map<string, Partial<ExcelJS.Style>>();
  const seen = new Map<Partial<ExcelJS.Style>, Partial<ExcelJS.Style>>();
  wb.eachSheet((ws) =>
    ws.eachRow((row) =>
      row.eachCell((cell) => {
        const own = cell.style;
        let one = seen.get(own);
        if (!one) {
          const key = `${cell.type}:${cell.type === ExcelJS.ValueType.Formula ? typeof cell.result : ''}:${JSON.stringify(own)}`;
          one = shared.get(key) ?? own;
          shared.set(key, one);
          seen.set(own, one);
        }
        cell.style = one;
      }),
    ),
  );
}

/** The workbook's bytes: 汇总 first, then one sheet per unit in the plan's order. */
export async function provinceWorkbook(report: YearReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const at = new Date(report.forwardedAt);
  Object.assign(wb, { creator: report.plan.city.office, lastModifiedBy: report.plan.city.office, created: at, modified: at, title: workbookTitle(report.plan) });
  const summary = wb.addWorksheet('汇总');
  const used = new Set(['汇总']);
  const totals = new Map<string, { ref: string; result: number }>();
  for (const unit of report.units) {
    let name = sheetName(unit.name);
    for (let n = 2; used.has(name); n++) name = sheetName(`${unit.name.slice(0, 27)}(${n})`);
    used.add(name);
    totals.set(unit.unitId, writeUnitSheet(wb, report, unit, name));
  }
  writeSummary(summary, report, totals);
  shareStyles(wb);
  // Stored, not deflated: normalizeOfficeZip reads every entry back and deflates it once, so exceljs's own
  // deflate (one pako stream per sheet: 2,800 at a province's size) was work thrown away. Same bytes out.
  return normalizeOfficeZip(new Uint8Array(await wb.xlsx.writeBuffer({ zip: { compression: 'STORE' } } as ExcelJS.XlsxWriteOptions)), report.forwardedAt);
}
