/**
 * 导出 Excel on the 总览: reads every page of the dashboard from the API, then writes an .xlsx in the browser,
 * one row per unit: each deliverable's state in the page's words with its warning colour (三色预警), the
 * review, the figures the API gives per unit (on time, late, missing, 及时率, 创建覆盖率, 合格率) and, for a plan with
 * cross-inspection, the unit's inspection in the 总览's words. A title row
 * names the cycle and the time of the export (the API's clock, Beijing); the header stays put when scrolling;
 * it prints on A4 landscape. exceljs is loaded only when the button is pressed: it stays out of the page's chunk.
 */
import { Button } from 'antd';
import { useState } from 'react';
import { api, cycleId, ok } from '../../../api/client';
import type { paths } from '../../../api/schema';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert';
import { reviewStageText, shownState, WARNING_COLOURS } from '../../../components/deliverable-state';
import { inspectionText } from '../../../components/inspection-standing';
import { useLang, type Translate } from '../../../i18n';

type Dashboard = paths['/cycles/{cycleId}/dashboard']['get']['responses'][200]['content']['application/json'];
type Unit = Dashboard['units'][number];
type ExcelModule = typeof import('exceljs');

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** The largest page the API gives: the fewest requests for the whole cycle. */
const PAGE = '100';

/** Every unit of the cycle, page by page, and the first page's header (title, the API's time). */
async function readAll(): Promise<{ first: Dashboard; units: Unit[] }> {
  const units: Unit[] = [];
  let first: Dashboard | undefined;
  let cursor: string | undefined;
  do {
    const page = await ok(api().GET('/cycles/{cycleId}/dashboard', { params: { path: { cycleId: cycleId() }, query: { limit: PAGE, cursor } } }));
    first ??= page;
    units.push(...page.units);
    cursor = page.page.next ?? undefined;
  } while (cursor);
  return { first: first!, units };
}

/** `#f6ffed` -> `FFF6FFED` (Excel's ARGB). */
const argb = (hex: string) => `FF${hex.replace('#', '').toUpperCase()}`;

/** The workbook: a title row, a frozen header, one row per unit; widths and A4 landscape print set up. */
export function overviewWorkbook(ExcelJS: ExcelModule, t: Translate, named: (o: { name: string; nameEn?: string | null }) => string, first: Dashboard, units: Unit[]) {
  const deliverables = units[0]?.phases.flatMap((p) => p.deliverables.map((d) => ({ id: d.deliverableId, name: named({ name: d.name, nameEn: d.nameEn }) }))) ?? [];
  const figures = [
    { key: 'onTime', header: t('按时报送（份）', 'On time'), width: 12 },
    { key: 'late', header: t('逾期报送（份）', 'Late'), width: 12 },
    { key: 'missing', header: t('逾期未报（份）', 'Missing'), width: 12 },
    { key: 'timeliness', header: t('及时率', 'Timeliness'), width: 10, percent: true },
    { key: 'coverage', header: t('创建覆盖率', 'Coverage'), width: 11, percent: true },
    { key: 'passRate', header: t('合格率', 'Pass rate'), width: 10, percent: true },
  ] as const;
  const inspected = units.some((u) => u.inspection);
  const headers = [t('单位', 'Unit'), ...deliverables.map((d) => d.name), t('初评', 'Review'), ...figures.map((f) => f.header), ...(inspected ? [t('交叉检查', 'Cross-inspection')] : [])];

  const book = new ExcelJS.Workbook();
  book.creator = first.cycleId;
  book.created = new Date(first.now.iso);
  const sheet = book.addWorksheet(t('总览', 'Overview'), {
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, horizontalCentered: true, margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 } },
    views: [{ state: 'frozen', xSplit: 1, ySplit: 2 }],
    headerFooter: { oddFooter: t('第 &P 页，共 &N 页', 'Page &P of &N') },
  });
  sheet.pageSetup.printTitlesRow = '1:2';

  const title = sheet.addRow([
    t(`${first.title}（${first.cycleId}）总览　导出时间：${first.now.zh}（北京时间）`, `${first.title} (${first.cycleId}): overview, exported ${first.now.en} (Beijing time)`),
  ]);
  sheet.mergeCells(1, 1, 1, headers.length);
  title.font = { bold: true, size: 14 };
  title.height = 24;
  title.alignment = { vertical: 'middle' };

  const header = sheet.addRow(headers);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  header.height = 32;
  const thin = { style: 'thin' as const, color: { argb: 'FFBFBFBF' } };
  const border = { top: thin, left: thin, bottom: thin, right: thin };
  header.eachCell((c) => {
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF0F0F0' } };
    c.border = border;
  });

  for (const u of units) {
    const cells = u.phases.flatMap((p) => p.deliverables);
    const review = reviewStageText(u, t.lang);
    const row = sheet.addRow([
      named(u),
      ...deliverables.map((col) => {
        const d = cells.find((x) => x.deliverableId === col.id);
        if (!d) return '—';
        const s = shownState(d, u.review, t.lang);
        return d.escalationsSent > 0 ? `${s.label}${t(`（督办 ${d.escalationsSent}）`, ` (${d.escalationsSent} escalations)`)}` : s.label;
      }),
      review,
      ...figures.map((f) => (u.summary[f.key] ?? '—')),
      ...(inspected ? [inspectionText(u.inspection, t.lang).text] : []),
    ]);
    row.alignment = { vertical: 'middle', wrapText: true };
    row.eachCell({ includeEmpty: true }, (c) => {
      c.border = border;
    });
    deliverables.forEach((col, i) => {
      const d = cells.find((x) => x.deliverableId === col.id);
      if (!d) return;
      row.getCell(2 + i).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: argb(WARNING_COLOURS[shownState(d, u.review, t.lang).warning].cell) } };
    });
    figures.forEach((f, i) => {
      const cell = row.getCell(2 + deliverables.length + 1 + i);
      // The API's ratios (0..1) shown as Excel percentages.
      if ('percent' in f && typeof cell.value === 'number') cell.numFmt = '0.0%';
      cell.alignment = { horizontal: 'center', vertical: 'middle' };
    });
  }

  sheet.columns.forEach((column, i) => {
    const figure = figures[i - deliverables.length - 2];
    column.width = i === 0 ? 16 : i <= deliverables.length ? 14 : i === deliverables.length + 1 ? 10 : figure ? figure.width : 28;
  });
  return book;
}

/** `总览-nanping-2016-2016-11-10.xlsx`: the cycle and the day (Beijing) the API's clock says. */
export const fileNameOf = (t: Translate, first: Dashboard) => `${t('总览', 'overview')}-${first.cycleId}-${first.now.beijing.slice(0, 10)}.xlsx`;

export function ExportOverview() {
  const { t, named } = useLang();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const exportAll = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const [{ first, units }, { default: ExcelJS }] = await Promise.all([readAll(), import('exceljs')]);
      const book = overviewWorkbook(ExcelJS, t, named, first, units);
      const blob = new Blob([await book.xlsx.writeBuffer()], { type: XLSX_TYPE });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = fileNameOf(t, first);
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button onClick={exportAll} loading={busy}>{t('导出 Excel', 'Export to Excel')}</Button>
      <ApiErrorAlert error={error} title={t('未能导出总览', 'Could not export the overview')} />
    </>
  );
}
