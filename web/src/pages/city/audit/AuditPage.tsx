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

type Audit = paths['/cycles/{cycleId}/units/{unitId}/audit']['get']['responses'][200]['content']['application/json'];
type Entry = Audit['entries'][number];

const ACTION: Record<string, string> = {
  submit: '报送',
  upload: '申请上传',
  'check-upload': '文件核验',
  decide: '初评决定',
  extend: '批准延期',
  'sign-notice': '签收通知',
  'propose-supervision': '拟通报批评/挂牌督办',
  'mark-undeliverable': '邮箱退信',
  'fix-contact': '修正邮箱',
  'start-cycle': '启动周期',
  forward: '上报省局',
};
const ROLE: Record<Entry['role'], string> = { county: '县打传办', city: '市打传办', system: '系统' };

/** The entry's details as label: value, values as the log keeps them. */
const details = (what: Entry['what']) =>
  Object.entries(what).map(([k, v]) => (
    <Descriptions.Item key={k} label={k}>{typeof v === 'object' ? JSON.stringify(v) : String(v)}</Descriptions.Item>
  ));

export default function AuditPage() {
  const { unitId = '' } = useParams();
  const { data, error } = useLoad(() => ok(api().GET('/cycles/{cycleId}/units/{unitId}/audit', { params: { path: { cycleId: cycleId(), unitId } } })), [unitId]);
  if (error) return <ApiErrorAlert error={error} title="无法读取该单位的操作日志" />;
  if (!data) return <Skeleton active />;
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>{data.unit.name} · 操作日志</Typography.Title>
        <Space>
          <Link to={`/units/${unitId}`}>返回工作台</Link>
          <Link to={`/units/${unitId}/messages`}>消息与签收</Link>
        </Space>
      </div>
      <Table<Entry>
        rowKey={(e, i) => `${e.at.iso}#${i}`}
        dataSource={data.entries}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        tableLayout="fixed"
        locale={{ emptyText: '暂无记录' }}
        columns={[
          { title: '时间（北京时间）', key: 'at', width: 170, render: (_, e) => e.at.zh },
          { title: '操作人', key: 'actor', width: 160, render: (_, e) => <>{e.actor} <Tag>{ROLE[e.role]}</Tag></> },
          { title: '操作', key: 'action', width: 150, render: (_, e) => ACTION[e.action] ?? e.action },
          {
            title: '内容',
            key: 'what',
            render: (_, e) => (
              <Descriptions size="small" column={1}>
                {details(e.what)}
                {e.why && <Descriptions.Item label="理由">{e.why}</Descriptions.Item>}
              </Descriptions>
            ),
          },
        ]}
      />
    </Space>
  );
}
