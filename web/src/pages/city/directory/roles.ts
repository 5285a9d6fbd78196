/** The directory's types from the API client, and its roles in the offices' words (the plan's level words for the city's own). */
import type { paths } from '../../../api/schema';
import type { Translate } from '../../../i18n';
import type { useLevelWords } from '../../../levels';

export type Directory = paths['/cycles/{cycleId}/directory']['get']['responses'][200]['content']['application/json'];
export type DirectoryUnit = Directory['units'][number];
export type Contact = DirectoryUnit['contacts'][number];

/** `the city office` -> `The city office`, for a label standing on its own (Chinese is unchanged). */
export const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export const roleLabel = (t: Translate, role: Contact['role'], words?: ReturnType<typeof useLevelWords>) =>
  ({
    office: t('办公室', 'Office'),
    leader: t('分管领导', 'Leader in charge'),
    'city-office': capital(words?.office ?? t('打传办', 'the office')),
    'city-leader': t(`${words?.office ?? '打传办'}领导`, `Head of ${words?.office ?? 'the office'}`),
    province: capital(words?.superior ?? t('上级', 'the superior office')),
  })[role];
