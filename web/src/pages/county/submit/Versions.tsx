import { Card, Descriptions, List, Tag } from 'antd';
import { Link } from 'react-router';
import type { paths } from '../../../api/schema';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert';
import { useLang } from '../../../i18n';

type Submissions = paths['/cycles/{cycleId}/units/{unitId}/submissions']['get']['responses'][200]['content']['application/json'];
type FiguresView = NonNullable<Submissions['deliverables'][number]['versions'][number]['figures']>;

const percent = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

/** Coverage, pass rate and self-score as the server computed them. */
export function Figures({ figures }: { figures: FiguresView }) {
  const { t } = useLang();
  return (
    <Descriptions size="small" bordered column={2}
      title={t('自评数据（服务器计算）', 'Self-assessment figures (computed by the server)')}>
      <Descriptions.Item label={t('社区（村）总数', 'Communities (villages)')}>{figures.communities}</Descriptions.Item>
      <Descriptions.Item label={t('已创建', 'Created')}>{figures.created}</Descriptions.Item>
      <Descriptions.Item label={t('创建覆盖率', 'Creation coverage')}>{percent(figures.coverage)}</Descriptions.Item>
      <Descriptions.Item label={t('合格率', 'Pass rate')}>{percent(figures.passRate)}</Descriptions.Item>
      <Descriptions.Item label={t('自评得分', 'Self-score')}>{figures.selfScore} / {figures.total}</Descriptions.Item>
    </Descriptions>
  );
}

export function VersionsList({ unitId, deliverableId, data, error }: {
  unitId: string;
  deliverableId: string;
  data?: Submissions;
  error?: unknown;
}) {
  const { t } = useLang();
  const versions = data?.deliverables.find((d) => d.deliverableId === deliverableId)?.versions ?? [];
  return (
    <Card title={<h3 style={{ margin: 0 }}>{t('历次报送', 'Versions submitted')}</h3>}>
      <ApiErrorAlert error={error} />
      <List
        dataSource={[...versions].reverse()}
        locale={{ emptyText: t('尚未报送', 'Nothing submitted yet') }}
        renderItem={(v) => {
          const files = v.documents.map((d) => d.fileName).join(t('、', ', ')) || t('无', 'none');
          return (
            <List.Item
              actions={[
                <Link key="receipt" to={`/units/${unitId}/deliverables/${deliverableId}/versions/${v.version}/receipt`}
                  aria-label={t(`第 ${v.version} 版回执`, `Receipt for version ${v.version}`)}>
                  {t('回执', 'Receipt')}
                </Link>,
              ]}>
              <List.Item.Meta
                title={(
                  <span>
                    {t(`第 ${v.version} 版`, `Version ${v.version}`)}{' '}
                    <Tag color={v.onTime ? 'success' : 'error'}>{v.onTime ? t('按时', 'On time') : t('逾期', 'Late')}</Tag>
                  </span>
                )}
                description={t(
                  `${v.receivedAt.zh} 收到，报送人 ${v.submittedBy}；文件：${files}`,
                  `Received ${v.receivedAt.en}, submitted by ${v.submittedBy}; files: ${files}`,
                )}
              />
            </List.Item>
          );
        }}
      />
    </Card>
  );
}
