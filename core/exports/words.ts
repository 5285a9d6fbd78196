/**
 * The documents' fixed wording, all of it in the plan's own words (city.name, officeWord, areaWord,
 * unitLevel.word, province.name): no level of government is written here.
 */
import type { UnitOutcomeStatus } from '../model';
import type { Plan, RubricItem } from '../plan/schema';

/** The report's title: 关于报送南平市2016年度无传销县(市、区)初评合格名单的报告. */
export const reportTitle = (plan: Plan) => `关于报送${plan.city.name}${plan.year}年度无传销${plan.unitLevel.word}初评合格名单的报告`;

/** The 通报批评's title: 关于对延平区的通报. */
export const criticismTitle = (unitName: string) => `关于对${unitName}的通报`;

/** The workbook's title (and the 附件's name): 南平市2016年度无传销县(市、区)初评考核汇总表. */
export const workbookTitle = (plan: Plan) => `${plan.city.name}${plan.year}年度无传销${plan.unitLevel.word}初评考核汇总表`;

export const fileNames = (plan: Plan) => ({
  workbook: `${workbookTitle(plan)}.xlsx`,
  report: `${reportTitle(plan)}.docx`,
  criticism: (unitName: string) => `${criticismTitle(unitName)}（代拟稿）.docx`,
});

const NUMBER = /^(.+)〔(\d{4})〕(\d+)号$/;

/**
 * The forwarding report's 文号: the plan's issuing document's 机关代字 and year, the next serial number
 * (南打传办〔2016〕1号 -> 南打传办〔2016〕2号). It is a draft number, derived so the same cycle always gets the
 * same one; the office's registry may assign another before it signs. A 文号 not in the 代字〔年〕N号 form is
 * used as it is.
 */
export function forwardingNumber(plan: Plan): string {
  const m = NUMBER.exec(plan.issuingDocument.number);
  return m ? `${m[1]}〔${m[2]}〕${Number(m[3]) + 1}号` : plan.issuingDocument.number;
}

/** A draft's 文号, its serial left for the registry to fill in: 南打传办〔2016〕　号. */
export function draftNumber(plan: Plan, year: number): string {
  const m = NUMBER.exec(plan.issuingDocument.number);
  return `${m ? m[1] : plan.city.shortName}〔${year}〕　号`;
}

export const OUTCOME_ZH: Record<UnitOutcomeStatus | 'undecided', string> = {
  qualified: '初评合格',
  'not-qualified': '初评不合格',
  'not-submitted': '未报送',
  'rectification-missed': '逾期未整改',
  'review-overdue': '未完成初评',
  undecided: '未决定',
};

export const KIND_ZH: Record<RubricItem['kind'], string> = {
  standard: '基本项',
  bonus: '加分项',
  deduction: '扣分项',
  veto: '一票否决',
};

/** 0.9234 -> 92.3%; null -> —. */
export const percentText = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(Math.round(v * 1000) / 10).toFixed(1)}%`);
