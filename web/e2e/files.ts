/** Files a county office would pick: its roster as an Excel workbook (written with exceljs, as Excel would save it). */
import ExcelJS from 'exceljs';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A roster with a title row, a header, three good rows and one the import refuses (row 5: 是否已创建 = 也许). */
export async function rosterXlsx(): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('社区名单');
  sheet.addRow(['延平区社区（村）名单']);
  sheet.addRow(['序号', '社区（村）名称', '是否已创建', '是否合格']);
  sheet.addRow([1, '水南社区', '是', '是']);
  sheet.addRow([2, '塔前村', '是', '是']);
  sheet.addRow([3, '西芹镇', '也许', '否']);
  sheet.addRow([4, '夏道村', '√', '×']);
  return Buffer.from(await book.xlsx.writeBuffer());
}
