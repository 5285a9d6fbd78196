/** 回执: what the server received, when (its own clock, Beijing), on time or late, each file's hash; printable. */
import { Button, Descriptions, Skeleton, Space, Table, Typography } from 'antd';
import { useParams } from 'react-router';
import { api, cycleId, ok } from '../../../api/client';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert';
import { useLoad } from '../../../components/useLoad';
import { useLang } from '../../../i18n';

export default function ReceiptPage() {
  const { unitId = '', deliverableId = '', version = '' } = useParams();
  const { t, lang, named } = useLang();
  const { data, error } = useLoad(
    () => ok(api().GET('/cycles/{cycleId}/units/{unitId}/deliverables/{deliverableId}/versions/{version}/receipt', {
      params: { path: { cycleId: cycleId(), unitId, deliverableId, version } },
    })),
    [unitId, deliverableId, version],
  );
  if (error) return <ApiErrorAlert error={error} title={t('无法读取回执', 'Cannot read the receipt')} />;
  if (!data) return <Skeleton active />;
  return (
    <article aria-label={t('回执', 'Receipt')}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={2}>{t('回执', 'Receipt')}</Typography.Title>
        <Button onClick={() => window.print()}>{t('打印回执', 'Print receipt')}</Button>
      </Space>
      <Descriptions bordered column={1} size="middle">
        <Descriptions.Item label={t('回执编号', 'Receipt number')}>{data.receiptNo}</Descriptions.Item>
        <Descriptions.Item label={t('报送单位', 'Submitted by (unit)')}>{named(data.unit)}</Descriptions.Item>
        <Descriptions.Item label={t('材料', 'Deliverable')}>
          {t(`${data.deliverable.name}（第 ${data.version} 版）`, `${named(data.deliverable)} (version ${data.version})`)}
        </Descriptions.Item>
        <Descriptions.Item label={t('收到时间（北京时间）', 'Received (Beijing time)')}>
          {data.receivedAt[lang]}
        </Descriptions.Item>
        <Descriptions.Item label={t('是否按时', 'On time')}>
          {data.onTime ? t('按时报送', 'Submitted on time') : t('逾期报送', 'Submitted late')}
        </Descriptions.Item>
        <Descriptions.Item label={t('报送人', 'Submitted by (user)')}>{data.submittedBy}</Descriptions.Item>
        {/* The issuing office as the plan names it: the plan gives no English name for it. */}
        <Descriptions.Item label={t('出具单位', 'Issued by')}>{data.issuer}</Descriptions.Item>
      </Descriptions>
      <Table
        style={{ marginTop: 16 }}
        rowKey="sha256"
        pagination={false}
        size="small"
        dataSource={data.documents}
        locale={{ emptyText: t('本版未附文件', 'No files with this version') }}
        columns={[
          { title: t('文件名', 'File name'), dataIndex: 'fileName' },
          { title: t('大小（字节）', 'Size (bytes)'), dataIndex: 'size' },
          { title: 'SHA-256', dataIndex: 'sha256', render: (h: string) => <code style={{ wordBreak: 'break-all' }}>{h}</code> },
        ]}
      />
    </article>
  );
}
