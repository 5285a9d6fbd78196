/** The year's documents in the official layouts: pure functions of a YearReport (no AWS, no clock). */
export { chineseDate } from './chinese-date';
export { criticismDraft } from './criticism';
export type { CriticismItem, CriticismReport, ScoredItem, UnitReport, YearReport } from './model';
export { forwardingReport } from './report';
export { provinceWorkbook } from './workbook';
export { criticismTitle, draftNumber, fileNames, forwardingNumber, reportTitle, workbookTitle } from './words';
