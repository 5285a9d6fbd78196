/** Pieces every read view shares: an instant in its Beijing forms, a unit as the views name it, the plan's level words. */
import type { Plan, Unit } from '../plan/schema';
import { formatBeijing } from '../time';

/**
 * An instant in its three Beijing forms. A dashboard page formats the same deadlines for every unit: the
 * forms are kept (pure, a few thousand distinct instants a cycle) rather than formatted again per row.
 */
const formatted = new Map<string, { iso: string; beijing: string; zh: string; en: string }>();
export const beijing = (iso: string) => {
  let f = formatted.get(iso);
  if (!f) {
    if (formatted.size >= 20_000) formatted.clear();
    f = { iso, beijing: formatBeijing(iso, 'iso'), zh: formatBeijing(iso, 'datetime', 'zh'), en: formatBeijing(iso, 'datetime', 'en') };
    formatted.set(iso, f);
  }
  return { ...f };
};

export const unitInfo = (u: Unit) => ({ unitId: u.id, name: u.name, nameEn: u.nameEn ?? null });

/**
 * The plan's words for its levels of government, so the portal says what the emails say: the running office
 * (市打传办 / 区打传办, 全市 / 全区) with its contact, its units (县(市、区) / 街道), the superior the list goes to
 * (省局 / 杭州市打传办), and the document that issued the plan.
 */
export const levelsView = (plan: Plan) => {
  const { city, unitLevel, province, issuingDocument } = plan;
  return {
    office: {
      level: city.level, name: city.name, nameEn: city.nameEn, office: city.office, officeEn: city.officeEn, shortName: city.shortName,
      officeWord: city.officeWord, officeWordEn: city.officeWordEn, areaWord: city.areaWord, areaWordEn: city.areaWordEn,
      contact: { name: city.contact.name, telephone: city.contact.telephone },
    },
    units: { level: unitLevel.level, word: unitLevel.word, wordEn: unitLevel.wordEn, wordEnPlural: unitLevel.wordEnPlural },
    superior: { level: province.level, name: province.name, nameEn: province.nameEn, shortName: province.shortName, shortNameEn: province.shortNameEn },
    issuingDocument: { issuer: issuingDocument.issuer, number: issuingDocument.number, issuedOn: issuingDocument.issuedOn },
  };
};
