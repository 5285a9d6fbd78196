/**
 * 操作日志 (city office): who did what to a unit's records and when (Beijing time), as the API's audit log
 * keeps it: submissions, uploads, decisions, extensions, 签收, and the system's own proposals.
 */
import { Descriptions, Skeleton, Space, Table, Tag, Typography } from 'antd';
import { Link, useParams } from 'react-router';
import { api, cycleId, ok } from '../../../api/client';
import type { paths } from '../../../api/schema';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert';
import { useLoad } from '../../../components/useLoad';
import { useLang } from '../../../i18n';
import { useLevelWords } from '../../../levels';

type Audit = paths['/cycles/{cycleId}/units/{unitId}/audit']['get']['responses'][200]['content']['application/json'];
type Entry = Audit['entries'][number];

const ACTION: Record<string, { zh: string; en: string }> = {
  submit: { zh: '报送', en: 'Submission' },
  upload: { zh: '申请上传', en: 'Upload requested' },
  'check-upload': { zh: '文件核验', en: 'File checked' },
  decide: { zh: '初评决定', en: 'Review decision' },
  extend: { zh: '批准延期', en: 'Extension granted' },
  'sign-notice': { zh: '签收通知', en: 'Notice signed for (签收)' },
  'propose-supervision': { zh: '拟通报批评/挂牌督办', en: 'Criticism / supervision proposed (通报批评/挂牌督办)' },
  'mark-undeliverable': { zh: '邮箱退信', en: 'Email bounced' },
  'fix-contact': { zh: '修正邮箱', en: 'Email corrected' },
  'edit-contacts': { zh: '修改通讯录', en: 'Contacts edited' },
  'register-roster': { zh: '登记社区/村名单', en: 'Roster registered' },
  'draw-sample': { zh: '交叉检查抽样', en: 'Inspection sample drawn' },
  'draw-failed': { zh: '抽样出错（将重试）', en: 'Inspection draw failed (retried)' },
  'draw-gave-up': { zh: '未能抽样（重试均未完成）', en: 'Inspection draw given up' },
  'start-cycle': { zh: '启动周期', en: 'Cycle started' },
  forward: { zh: '上报', en: 'Sent up' },
};

/** The entry's details as label: value, values as the log keeps them. */
const details = (what: Entry['what']) =>
  Object.entries(what).map(([k, v]) => (
    <Descriptions.Item key={k} label={k}>{typeof v === 'object' ? JSON.stringify(v) : String(v)}</Descriptions.Item>
  ));

export default function AuditPage() {
  const { unitId = '' } = useParams();
  const { t, lang, named } = useLang();
  const words = useLevelWords();
  const { data, error } = useLoad(
    () => ok(api().GET('/cycles/{cycleId}/units/{unitId}/audit', { params: { path: { cycleId: cycleId(), unitId } } })),
    [unitId],
  );
  if (error) return <ApiErrorAlert error={error} title={t('无法读取该单位的操作日志', "Cannot read this unit's audit log")} />;
  if (!data) return <Skeleton active />;
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {named(data.unit)} · {t('操作日志', 'Audit log')}
        </Typography.Title>
        <Space>
          <Link to={`/units/${unitId}`}>{t('返回工作台', 'Back to the workbench')}</Link>
          <Link to={`/units/${unitId}/messages`}>{t('消息与签收', 'Messages and signatures')}</Link>
        </Space>
      </div>
      <Table<Entry>
        rowKey={(e, i) => `${e.at.iso}#${i}`}
        dataSource={data.entries}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        tableLayout="fixed"
        locale={{ emptyText: t('暂无记录', 'No entries yet') }}
        columns={[
          { title: t('时间（北京时间）', 'When (Beijing time)'), key: 'at', width: 170, render: (_, e) => e.at[lang] },
          {
            title: t('操作人', 'Who'),
            key: 'actor',
            width: 160,
            render: (_, e) => <>{e.actor} <Tag>{e.role === 'county' ? words.unitOffice : e.role === 'city' ? words.office : e.role === 'inspector' ? t('检查组', 'Inspection group') : t('系统', 'System')}</Tag></>,
          },
          {
            title: t('操作', 'Action'),
            key: 'action',
            width: 150,
            render: (_, e) => ACTION[e.action]?.[lang] ?? e.action,
          },
          {
            title: t('内容', 'Details'),
            key: 'what',
            render: (_, e) => (
              <Descriptions size="small" column={1}>
                {details(e.what)}
                {e.why && <Descriptions.Item label={t('理由', 'Reason')}>{e.why}</Descriptions.Item>}
              </Descriptions>
            ),
          },
        ]}
      />
    </Space>
  );
}
