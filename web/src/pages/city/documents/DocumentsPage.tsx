/**
 * 文件: the year's documents stored when the list went to the superior (the province workbook, the forwarding
 * report, the 通报批评 drafts), each with its size, date and SHA-256, and a download button. The links last
 * a few minutes: a button asks the API for fresh ones before it downloads.
 */
import { Alert, Button, Empty, Skeleton, Space, Table, Typography } from 'antd';
import { api, cycleId, ok } from '../../../api/client';
import type { paths } from '../../../api/schema';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert';
import { useLoad } from '../../../components/useLoad';
import { useLang } from '../../../i18n';

type Documents = paths['/cycles/{cycleId}/documents']['get']['responses'][200]['content']['application/json'];
type Document = Documents['documents'][number];

const KIND: Record<Document['kind'], { zh: string; en: string }> = {
  'province-workbook': { zh: '考核汇总表', en: 'Assessment workbook' },
  'forwarding-report': { zh: '报送报告', en: 'Forwarding report' },
  'criticism-draft': { zh: '通报批评稿', en: 'Criticism draft' },
};

const load = () => ok(api().GET('/cycles/{cycleId}/documents', { params: { path: { cycleId: cycleId() } } }));

export default function DocumentsPage() {
  const { t, lang } = useLang();
  const { data, error } = useLoad(load, []);
  if (error) return <ApiErrorAlert error={error} title={t('无法读取文件', 'Cannot read the documents')} />;
  if (!data) return <Skeleton active />;

  /** Fresh links at the moment of the click: the ones read with the page may have expired. */
  const download = async (d: Document) => {
    const fresh = (await load()).documents.find((x) => x.documentId === d.documentId) ?? d;
    window.location.assign(fresh.downloadUrl);
  };

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2}>{t('文件', 'Documents')}</Typography.Title>
      <Alert
        type="info"
        showIcon
        title={t(
          '上报时系统生成并保存的文件；可用 SHA-256 核对发出的副本是否一致。',
          'Generated and stored when the list went up; the SHA-256 lets anyone check a copy is the same file.',
        )}
      />
      {data.documents.length === 0 ? (
        <Empty description={t('尚未上报，暂无文件', 'Nothing forwarded yet: no documents')} />
      ) : (
        <Table<Document>
          rowKey="documentId"
          pagination={false}
          dataSource={data.documents}
          columns={[
            { title: t('文件名', 'File'), dataIndex: 'name' },
            { title: t('类别', 'Kind'), render: (_, d) => KIND[d.kind][lang] },
            { title: t('大小', 'Size'), render: (_, d) => `${(d.size / 1024).toFixed(1)} KB` },
            { title: t('生成时间', 'Created'), render: (_, d) => d.created[lang] },
            { title: 'SHA-256', render: (_, d) => <Typography.Text code copyable style={{ fontSize: 12 }}>{d.sha256}</Typography.Text> },
            {
              title: t('操作', 'Action'),
              render: (_, d) => (
                <Button type="link" onClick={() => void download(d)} aria-label={t(`下载${d.name}`, `Download ${d.name}`)}>
                  {t('下载', 'Download')}
                </Button>
              ),
            },
          ]}
        />
      )}
    </Space>
  );
}
