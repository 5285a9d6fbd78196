/** 回执: what the server received, when (its own clock, Beijing), on time or late, each file's hash; printable. */
import { Button, Descriptions, Skeleton, Space, Table, Typography } from 'antd';
import { useParams } from 'react-router';
import { api, cycleId, ok } from '../../../api/client';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert';
import { useLoad } from '../../../components/useLoad';

export default function ReceiptPage() {
  const { unitId = '', deliverableId = '', version = '' } = useParams();
  const { data, error } = useLoad(
    () => ok(api().GET('/cycles/{cycleId}/units/{unitId}/deliverables/{deliverableId}/versions/{version}/receipt', {
      params: { path: { cycleId: cycleId(), unitId, deliverableId, version } },
    })),
    [unitId, deliverableId, version],
  );
  if (error) return <ApiErrorAlert error={error} title="无法读取回执" />;
  if (!data) return <Skeleton active />;
  return (
    <article aria-label="回执">
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={2}>回执</Typography.Title>
        <Button onClick={() => window.print()}>打印回执</Button>
      </Space>
      <Descriptions bordered column={1} size="middle">
        <Descriptions.Item label="回执编号">{data.receiptNo}</Descriptions.Item>
        <Descriptions.Item label="报送单位">{data.unit.name}</Descriptions.Item>
        <Descriptions.Item label="材料">{data.deliverable.name}（第 {data.version} 版）</Descriptions.Item>
        <Descriptions.Item label="收到时间（北京时间）">{data.receivedAt.zh}</Descriptions.Item>
        <Descriptions.Item label="是否按时">{data.onTime ? '按时报送' : '逾期报送'}</Descriptions.Item>
        <Descriptions.Item label="报送人">{data.submittedBy}</Descriptions.Item>
        <Descriptions.Item label="出具单位">{data.issuer}</Descriptions.Item>
      </Descriptions>
      <Table
        style={{ marginTop: 16 }}
        rowKey="sha256"
        pagination={false}
        size="small"
        dataSource={data.documents}
        locale={{ emptyText: '本版未附文件' }}
        columns={[
          { title: '文件名', dataIndex: 'fileName' },
          { title: '大小（字节）', dataIndex: 'size' },
          { title: 'SHA-256', dataIndex: 'sha256', render: (h: string) => <code style={{ wordBreak: 'break-all' }}>{h}</code> },
        ]}
      />
    </article>
  );
}
