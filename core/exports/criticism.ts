/**
 * The 通报批评 draft (代拟稿) for one unit, in the official layout (./official-document.ts): the text the
 * escalation ladder drafted (core/notifier/templates.ts criticismText) for each of its proposals, with the
 * city office's note where it confirmed one. Its 文号 leaves the serial for the registry to fill in.
 */
import { chineseDate } from './chinese-date';
import type { CriticismReport, YearReport } from './model';
import { addressee, blank, bodyParagraph, issuerMark, numberLine, officialDocument, recordLine, signatureBlock, titleParagraphs } from './official-document';
import { criticismTitle, draftNumber } from './words';

export function criticismBody(report: YearReport, unit: CriticismReport): string[] {
  const { plan } = report;
  return [
    ...unit.items.flatMap((i) => [i.text, ...(i.note ? [`${plan.city.officeWord}意见：${i.note}`] : [])]),
    `望${unit.name}认真整改，整改完成后在工作平台报送整改情况。各${plan.unitLevel.word}要引以为戒，对照《${plan.title}》要求，扎实推进创建工作。`,
  ];
}

export async function criticismDraft(report: YearReport, unit: CriticismReport): Promise<Buffer> {
  const { plan } = report;
  const date = chineseDate(report.documentDate);
  const { contact } = plan.city;
  return officialDocument({
    title: criticismTitle(unit.name),
    office: plan.city.office,
    at: report.forwardedAt,
    children: [
      issuerMark(`${plan.city.office}文件`),
      numberLine(draftNumber(plan, Number(report.documentDate.slice(0, 4)))),
      ...titleParagraphs(criticismTitle(unit.name)),
      addressee(`各${plan.unitLevel.word}打传办`),
      ...criticismBody(report, unit).map(bodyParagraph),
      ...signatureBlock(plan.city.office, date, `（联系人：${contact.name}，联系电话：${contact.telephone}）`),
      blank(),
      bodyParagraph(`（代拟稿，经${plan.city.officeWord}确认后印发）`),
      ...recordLine(plan.city.office, date),
    ],
  });
}
