import { Card, Descriptions, List, Tag } from 'antd';
import { Link } from 'react-router';
import type { paths } from '../../../api/schema';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert';

type Submissions = paths['/cycles/{cycleId}/units/{unitId}/submissions']['get']['responses'][200]['content']['application/json'];
type FiguresView = NonNullable<Submissions['deliverables'][number]['versions'][number]['figures']>;

const percent = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

/** Coverage, pass rate and self-score as the server computed them. */
export function Figures({ figures }: { figures: FiguresView }) {
  return (
    <Descriptions size="small" bordered column={2} title="自评数据（服务器计算）">
      <Descriptions.Item label="社区（村）总数">{figures.communities}</Descriptions.Item>
      <Descriptions.Item label="已创建">{figures.created}</Descriptions.Item>
      <Descriptions.Item label="创建覆盖率">{percent(figures.coverage)}</Descriptions.Item>
      <Descriptions.Item label="合格率">{percent(figures.passRate)}</Descriptions.Item>
      <Descriptions.Item label="自评得分">{figures.selfScore} / {figures.total}</Descriptions.Item>
    </Descriptions>
  );
}

export function VersionsList({ unitId, deliverableId, data, error }: { unitId: string; deliverableId: string; data?: Submissions; error?: unknown }) {
  const versions = data?.deliverables.find((d) => d.deliverableId === deliverableId)?.versions ?? [];
  return (
    <Card title={<h3 style={{ margin: 0 }}>历次报送</h3>}>
      <ApiErrorAlert error={error} />
      <List
        dataSource={[...versions].reverse()}
        locale={{ emptyText: '尚未报送' }}
        renderItem={(v) => (
          <List.Item
            actions={[
              <Link key="receipt" to={`/units/${unitId}/deliverables/${deliverableId}/versions/${v.version}/receipt`} aria-label={`第 ${v.version} 版回执`}>
                回执
              </Link>,
            ]}>
            <List.Item.Meta
              title={<span>第 {v.version} 版 <Tag color={v.onTime ? 'success' : 'error'}>{v.onTime ? '按时' : '逾期'}</Tag></span>}
              description={`${v.receivedAt.zh} 收到，报送人 ${v.submittedBy}；文件：${v.documents.map((d) => d.fileName).join('、') || '无'}`}
            />
          </List.Item>
        )}
      />
    </Card>
  );
}
