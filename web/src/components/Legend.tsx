import { Space, Tag, Typography } from 'antd';
import { useLang } from '../i18n';
import { WARNING_COLOURS, type Warning } from './deliverable-state';

/** The legend of the warning colours, on every page that colours by them. */
export function Legend() {
  const { t, lang } = useLang();
  return (
    <Space wrap aria-label={t('图例', 'Legend')} role="note">
      <Typography.Text strong>{t('图例：', 'Legend:')}</Typography.Text>
      {(Object.keys(WARNING_COLOURS) as Warning[]).map((w) => (
        <Tag key={w} color={WARNING_COLOURS[w].tag}>
          {WARNING_COLOURS[w].text[lang]}
        </Tag>
      ))}
    </Space>
  );
}
