/**
 * The forwarding report (报告) to the superior the plan names: 关于报送{year}年度{area}无传销{units}初评合格名单的报告,
 * in the official layout (./official-document.ts), with the workbook as its 附件.
 */
import { chineseDate } from './chinese-date';
import type { UnitReport, YearReport } from './model';
import {
  addressee,
  attachmentList,
  blank,
  bodyParagraph,
  issuerMark,
  numberLine,
  officialDocument,
  recordLine,
  signatureBlock,
  titleParagraphs,
} from './official-document';
import { OUTCOME_ZH, reportTitle, workbookTitle } from './words';

const names = (units: UnitReport[]) => units.map((u) => u.name).join('、');

/** The report's running text, paragraph by paragraph, in the plan's words. */
export function reportBody(report: YearReport): string[] {
  const { plan } = report;
  const word = plan.unitLevel.word;
  const passed = report.units.filter((u) => u.outcome === 'qualified');
  const failed = report.units.filter((u) => u.outcome !== 'qualified');
  return [
    `根据《${plan.title}》（${plan.issuingDocument.number}）的部署，${plan.city.officeWord}对${plan.city.areaWord}${report.units.length}个${word}的创建工作进行了初评。现将初评情况报告如下：`,
    passed.length
      ? `经初评，${names(passed)}共${passed.length}个${word}达到创建标准，初评合格，现予报送，请${plan.province.shortName}予以考评认定。`
      : `经初评，本年度暂无${word}达到创建标准。`,
    ...(failed.length
      ? [`${failed.map((u) => `${u.name}（${OUTCOME_ZH[u.outcome]}）`).join('、')}共${failed.length}个${word}初评未通过，${plan.city.officeWord}将督促其限期整改。`]
      : []),
    `各${word}的考核得分、创建覆盖率、合格率及排名详见附件。`,
    '特此报告。',
  ];
}

export async function forwardingReport(report: YearReport): Promise<Buffer> {
  const { plan } = report;
  const date = chineseDate(report.documentDate);
  const { contact } = plan.city;
  return officialDocument({
    title: reportTitle(plan),
    office: plan.city.office,
    at: report.forwardedAt,
    children: [
      issuerMark(`${plan.city.office}文件`),
      numberLine(report.documentNumber, '　　　'),
      ...titleParagraphs(reportTitle(plan)),
      addressee(plan.province.name),
      ...reportBody(report).map(bodyParagraph),
      blank(),
      ...attachmentList([workbookTitle(plan)]),
      ...signatureBlock(plan.city.office, date, `（联系人：${contact.name}，联系电话：${contact.telephone}）`),
      ...recordLine(plan.city.office, date),
    ],
  });
}
