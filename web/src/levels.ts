/**
 * The words of the plan's levels of government (市打传办 or 区打传办, 县(市、区) or 街道, 省局 or 杭州市打传办),
 * from the cycle the pages show: no page names a level of its own.
 */
import { useAuth } from './auth/AuthContext';
import { useLang } from './i18n';

export function useLevelWords() {
  const { cycle } = useAuth();
  const { t } = useLang();
  const levels = cycle?.levels;
  return {
    /** The running office: 市打传办 / 区打传办 (in English with its article: 'the city office'). */
    office: levels ? t(levels.office.officeWord, levels.office.officeWordEn) : t('打传办', 'the office'),
    /** A unit's office: 县(市、区)打传办 / 街道打传办. */
    unitOffice: levels ? t(`${levels.units.word}打传办`, `the ${levels.units.wordEn} office`) : t('单位', 'the unit'),
    /** Where the qualifying list goes: 省局 / 杭州市打传办. */
    superior: levels ? t(levels.superior.shortName, levels.superior.shortNameEn) : t('上级', 'the superior office'),
  };
}
