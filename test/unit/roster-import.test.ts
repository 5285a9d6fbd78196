/**
 * The portal's roster import (web/src/pages/county/submit/roster-import.ts) on real files: an .xlsx written
 * by exceljs, a UTF-8 CSV with a BOM, a GB18030 CSV as Excel on a Chinese Windows saves it. What it reads and
 * what it refuses, row by row, with the row number the county sees in Excel.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { decodeText, readRosterFile, rosterFromRows } from '../../web/src/pages/county/submit/roster-import';

const ROWS = [
  ['南平市延平区社区（村）名单'],
  [],
  ['序号', '社区（村）名称', '是否已创建', '是否合格'],
  ['1', '水南社区', '是', '是'],
  ['2', '塔前村', '否', '否'],
  ['3', '', '是', '是'],
  ['4', '西芹镇', '也许', '否'],
  [],
  ['5', '夏道村', '√', '×'],
];

async function xlsxFile(rows: string[][]): Promise<File> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('名单');
  for (const r of rows) sheet.addRow(r);
  return new File([new Uint8Array(await book.xlsx.writeBuffer())], '延平区名单.xlsx');
}

/** GB18030 bytes of ASCII and the few Chinese characters used here (Node's TextEncoder only writes UTF-8). */
const GBK: Record<string, number[]> = {
  社: [0xc9, 0xe7], 区: [0xc7, 0xf8], 名: [0xc3, 0xfb], 称: [0xb3, 0xc6], 是: [0xca, 0xc7], 否: [0xb7, 0xf1],
  已: [0xd2, 0xd1], 创: [0xb4, 0xb4], 建: [0xbd, 0xa8], 合: [0xba, 0xcf], 格: [0xb8, 0xf1], 水: [0xcb, 0xae], 南: [0xc4, 0xcf],
};
const gbk = (text: string) => new Uint8Array([...text].flatMap((ch) => (ch.charCodeAt(0) < 128 ? [ch.charCodeAt(0)] : GBK[ch])));

describe('roster import', () => {
  it('reads an .xlsx: the rows it understood, and each refused row with its number, field and rule', async () => {
    // Act
    const result = await readRosterFile(await xlsxFile(ROWS));
    // Assess
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.sheet).toBe('名单');
    expect(result.read).toEqual([
      { row: 4, name: '水南社区', created: true, qualified: true },
      { row: 5, name: '塔前村', created: false, qualified: false },
      { row: 9, name: '夏道村', created: true, qualified: false },
    ]);
    expect(result.refused.map((r) => [r.row, r.field, r.rule])).toEqual([[6, 'name', 'required'], [7, 'created', 'yes-no']]);
    expect(result.refused[1].reason.zh).toBe('第 7 行：“是否已创建”的值“也许”无法识别，应填“是”或“否”');
    expect(result.refused[1].reason.en).toMatch(/^row 7: created "也许" is not understood/);
  });

  it('reads a UTF-8 CSV with a BOM and quoted cells', async () => {
    const csv = '\ufeff社区（村）名称,是否已创建,是否合格\r\n"水南社区，一组",是,否\r\n塔前村,否,否\r\n';
    const result = await readRosterFile(new File([new TextEncoder().encode(csv)], 'roster.csv'));
    expect(result.ok && result.read.map((r) => [r.row, r.name, r.created, r.qualified])).toEqual([[2, '水南社区，一组', true, false], [3, '塔前村', false, false]]);
  });

  it('reads a GB18030 CSV (Excel on a Chinese Windows)', async () => {
    const bytes = gbk('社区名称,是否已创建,是否合格\r\n水南社区,是,是\r\n');
    expect(decodeText(bytes)).toBe('社区名称,是否已创建,是否合格\r\n水南社区,是,是\r\n');
    const result = await readRosterFile(new File([bytes], 'roster.csv'));
    expect(result.ok && result.read).toEqual([{ row: 2, name: '水南社区', created: true, qualified: true }]);
  });

  it('refuses a file without the three columns, or of another type, saying why', async () => {
    expect(rosterFromRows('a.csv', null, [['名称', '备注'], ['水南社区', '']])).toMatchObject({ ok: false, reason: { zh: expect.stringContaining('未找到表头') } });
    expect(await readRosterFile(new File(['x'], '名单.xls'))).toMatchObject({ ok: false, reason: { zh: expect.stringContaining('不是 .xlsx 或 .csv') } });
    expect(await readRosterFile(new File(['not a zip'], '名单.xlsx'))).toMatchObject({ ok: false, reason: { zh: expect.stringContaining('无法读取') } });
  });
});
