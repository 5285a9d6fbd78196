/** The directory's types from the API client, and its roles in the offices' words. */
import type { paths } from '../../../api/schema';
import type { Translate } from '../../../i18n';

export type Directory = paths['/cycles/{cycleId}/directory']['get']['responses'][200]['content']['application/json'];
export type DirectoryUnit = Directory['units'][number];
export type Contact = DirectoryUnit['contacts'][number];

export const roleLabel = (t: Translate, role: Contact['role']) =>
  ({
    office: t('办公室', 'Office'),
    leader: t('分管领导', 'Leader in charge'),
    'city-office': t('市打传办', 'City office'),
    'city-leader': t('市打传办领导', 'City office head'),
    province: t('上级主管部门', 'Province'),
  })[role];

/** Notes under a value: quieter than the text, still 4.5:1 on white (antd's secondary grey is 3.4:1). */
export const NOTE = { color: 'rgba(0, 0, 0, 0.65)' } as const;
