/**
 * Reads a community roster (社区/村名单) from the county's own spreadsheet: .xlsx (exceljs, loaded only when a
 * file is imported) or .csv (papaparse; UTF-8, or GB18030 as Excel on a Chinese Windows saves it). It only
 * reads: a row is refused when it cannot be read (no name, a yes/no it does not understand). Whether the
 * roster passes (names too long, twice, qualified without being created) is the server's to say, in the
 * preview, naming the row.
 */

export interface RosterRow {
  name: string;
  created: boolean;
  qualified: boolean;
}

/** Both languages: the portal shows zh-CN, the English is there for the switch. */
export interface ImportText {
  zh: string;
  en: string;
}

export interface ReadRow extends RosterRow {
  /** The row's number in the file (1 = the first row), as the county sees it in Excel. */
  row: number;
}

export interface RefusedRow {
  row: number;
  /** The row's cells as read, to show beside the reason. */
  cells: string[];
  /** The column the refusal is about, and the rule it breaks. */
  field: 'name' | 'created' | 'qualified';
  rule: 'required' | 'yes-no';
  reason: ImportText;
}

export type ImportResult =
  | { ok: true; fileName: string; sheet: string | null; read: ReadRow[]; refused: RefusedRow[] }
  | { ok: false; fileName: string; reason: ImportText };

const COLUMNS = {
  name: { test: /名称|社区|村|name/i, zh: '社区（村）名称', en: 'name' },
  created: { test: /创建|created/i, zh: '是否已创建', en: 'created' },
  qualified: { test: /合格|qualified/i, zh: '是否合格', en: 'qualified' },
} as const;
type Column = keyof typeof COLUMNS;

const YES = new Set(['是', '已创建', '合格', '√', '✓', '✔', 'y', 'yes', 'true', '1', '是的', '已']);
const NO = new Set(['否', '未创建', '不合格', '×', '✗', '✘', 'x', 'n', 'no', 'false', '0', '未']);

function yesNo(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (YES.has(v)) return true;
  if (NO.has(v)) return false;
  return undefined;
}

/** The header row: the first of the first ten that names all three columns (created before qualified wins ties). */
function findHeader(rows: string[][]): { at: number; index: Record<Column, number> } | null {
  for (let at = 0; at < Math.min(rows.length, 10); at++) {
    const cells = rows[at].map((c) => c.trim());
    const created = cells.findIndex((c) => COLUMNS.created.test.test(c));
    const qualified = cells.findIndex((c, i) => i !== created && COLUMNS.qualified.test.test(c));
    const name = cells.findIndex((c, i) => i !== created && i !== qualified && COLUMNS.name.test.test(c));
    if (name >= 0 && created >= 0 && qualified >= 0) return { at, index: { name, created, qualified } };
  }
  return null;
}

/** Rows of cells (as text) -> what was read and what was refused, row by row. */
export function rosterFromRows(fileName: string, sheet: string | null, rows: string[][]): ImportResult {
  const header = findHeader(rows);
  if (!header) {
    return {
      ok: false,
      fileName,
      reason: {
        zh: `未找到表头：前 10 行中须有“${COLUMNS.name.zh}”“${COLUMNS.created.zh}”“${COLUMNS.qualified.zh}”三列`,
        en: 'no header row: one of the first 10 rows must name the columns name, created and qualified',
      },
    };
  }
  const read: ReadRow[] = [];
  const refused: RefusedRow[] = [];
  rows.forEach((cells, i) => {
    if (i <= header.at || cells.every((c) => c.trim() === '')) return;
    const row = i + 1;
    const cell = (c: Column) => (cells[header.index[c]] ?? '').trim();
    const name = cell('name');
    if (!name) {
      refused.push({ row, cells, field: 'name', rule: 'required', reason: { zh: `第 ${row} 行：“${COLUMNS.name.zh}”为空`, en: `row ${row}: name is empty` } });
      return;
    }
    const flags: Partial<Record<Column, boolean>> = {};
    for (const c of ['created', 'qualified'] as const) {
      const value = cell(c);
      flags[c] = yesNo(value);
      if (flags[c] === undefined) {
        refused.push({
          row, cells, field: c, rule: 'yes-no',
          reason: {
            zh: `第 ${row} 行：“${COLUMNS[c].zh}”的值“${value}”无法识别，应填“是”或“否”`,
            en: `row ${row}: ${COLUMNS[c].en} "${value}" is not understood; write yes or no (是/否)`,
          },
        });
        return;
      }
    }
    read.push({ row, name, created: flags.created!, qualified: flags.qualified! });
  });
  return { ok: true, fileName, sheet, read, refused };
}

/** UTF-8 when the bytes are UTF-8 (a BOM or not); otherwise GB18030, the superset of GBK Excel writes on a Chinese Windows. */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

async function rowsOfCsv(file: File): Promise<string[][]> {
  const { default: Papa } = await import('papaparse');
  const parsed = Papa.parse<string[]>(decodeText(new Uint8Array(await file.arrayBuffer())), { skipEmptyLines: 'greedy' });
  return parsed.data.map((r) => r.map((c) => String(c ?? '')));
}

async function rowsOfXlsx(file: File): Promise<{ sheet: string; rows: string[][] }> {
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(await file.arrayBuffer());
  const sheet = book.worksheets[0];
  if (!sheet) return { sheet: '', rows: [] };
  const rows: string[][] = [];
  // Row numbers as Excel shows them: a blank row in the sheet is an empty row here too.
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    rows.push(Array.from({ length: Math.max(row.cellCount, 0) }, (_, c) => row.getCell(c + 1).text ?? ''));
  }
  return { sheet: sheet.name, rows };
}

/** Reads an .xlsx or .csv roster file. */
export async function readRosterFile(file: File): Promise<ImportResult> {
  const lower = file.name.toLowerCase();
  try {
    if (lower.endsWith('.csv')) return rosterFromRows(file.name, null, await rowsOfCsv(file));
    if (lower.endsWith('.xlsx')) {
      const { sheet, rows } = await rowsOfXlsx(file);
      return rosterFromRows(file.name, sheet, rows);
    }
  } catch {
    return { ok: false, fileName: file.name, reason: { zh: `无法读取“${file.name}”：文件已损坏或不是有效的表格`, en: `cannot read "${file.name}": damaged or not a spreadsheet` } };
  }
  return { ok: false, fileName: file.name, reason: { zh: `“${file.name}”不是 .xlsx 或 .csv 文件（旧版 .xls 请另存为 .xlsx）`, en: `"${file.name}" is not an .xlsx or .csv file (save an old .xls as .xlsx)` } };
}
