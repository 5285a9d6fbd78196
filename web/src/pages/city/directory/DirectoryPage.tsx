/**
 * 通讯录 (city office): every contact of the cycle, the city's own and each unit's office and leader, with the
 * delivery state the API derives from what SES and the mail service reported (red: mail does not reach it).
 * A unit's contacts are corrected in a dialog (the API keeps every version and sends every later email to the
 * new address); an address that works again is marked fixed; each unit's audit log and sent mail are a link
 * away. Paged by the API (cursor, limit), as the 总览 is.
 */
import { Alert, Button, Card, Skeleton, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, cycleId, ok } from '../../../api/client';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert';
import { useLoad } from '../../../components/useLoad';
import { useWrite } from '../../../components/useWrite';
import { useLang, type Translate } from '../../../i18n';
import { useLevelWords } from '../../../levels';
import { EditContactsDialog } from './EditContactsDialog';
import { capital, roleLabel, type Contact, type DirectoryUnit } from './roles';

type Row = Contact & { key: string; unit?: DirectoryUnit; first: boolean; span: number };

const PAGE_SIZE = '20';

/** The state's words and colour (red: mail does not reach the address). */
function DeliveryTag({ contact, t }: { contact: Contact; t: Translate }) {
  const d = contact.delivery;
  const words = {
    ok: { label: t('正常', 'No problem reported'), color: 'default' },
    bounced: { label: t('退信', 'Bounced'), color: 'error' },
    complained: { label: t('被举报为垃圾邮件', 'Marked as spam'), color: 'error' },
    refused: { label: t('邮件服务拒收', 'Refused by the mail service'), color: 'error' },
    fixed: { label: t('已更正', 'Fixed'), color: 'success' },
  }[d.state];
  const when = d.at ? (t.lang === 'en' ? d.at.en : d.at.zh) : null;
  return (
    <Space orientation="vertical" size={0}>
      <Tag color={words.color}>{words.label}</Tag>
      {when && <Typography.Text type="secondary">{when}{d.by ? ` · ${d.by}` : ''}</Typography.Text>}
      {d.replaced && <Typography.Text type="secondary">{t(`已替换退信地址 ${d.replaced}`, `replaced ${d.replaced}, which bounced`)}</Typography.Text>}
      {d.detail && <Typography.Text type="secondary">{d.detail}</Typography.Text>}
    </Space>
  );
}

export default function DirectoryPage() {
  const { t, named } = useLang();
  const words = useLevelWords();
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors.at(-1);
  const { data, error, loading, reload } = useLoad(
    () => ok(api().GET('/cycles/{cycleId}/directory', { params: { path: { cycleId: cycleId() }, query: { cursor, limit: PAGE_SIZE } } })),
    [cursor],
  );
  const [editing, setEditing] = useState<DirectoryUnit>();
  const [saved, setSaved] = useState<string>();
  const fix = useWrite();

  if (error) return <ApiErrorAlert error={error} title={t('无法读取通讯录', 'Could not read the directory')} />;
  if (!data) return <Skeleton active />;

  const markFixed = async (c: Contact) => {
    const done = await fix.run(`fix#${c.email}`, (key) => ok(api().POST('/contacts/fix', { params: { header: { 'Idempotency-Key': key } }, body: { email: c.email } })));
    if (done) {
      setSaved(t(`已标记为已更正：${c.email}`, `Marked as fixed: ${c.email}`));
      await reload();
    }
  };

  const contactColumns = (withUnit: boolean) => [
    ...(withUnit
      ? [{
          title: t('单位', 'Unit'),
          key: 'unit',
          width: 180,
          onCell: (r: Row) => ({ rowSpan: r.first ? r.span : 0 }),
          render: (_: unknown, r: Row) => r.unit && (
            <Space orientation="vertical" size={4}>
              <Typography.Text strong>{named(r.unit)}</Typography.Text>
              <Typography.Text type="secondary">
                {t(`第 ${r.unit.version} 版`, `version ${r.unit.version}`)}
                {r.unit.editedBy && r.unit.editedAt ? ` · ${r.unit.editedBy} ${t.lang === 'en' ? r.unit.editedAt.en : r.unit.editedAt.zh}` : t('（计划原有）', ' (as planned)')}
              </Typography.Text>
              <Space wrap size={8}>
                <Button size="small" onClick={() => { setSaved(undefined); setEditing(r.unit); }} aria-label={t(`修改通讯录：${r.unit.name}`, `Edit contacts: ${named(r.unit)}`)}>
                  {t('修改', 'Edit')}
                </Button>
                <Link to={`/units/${r.unit.unitId}/messages`} aria-label={t(`已发邮件：${r.unit.name}`, `Sent mail: ${named(r.unit)}`)}>{t('已发邮件', 'Sent mail')}</Link>
                <Link to={`/units/${r.unit.unitId}/audit`} aria-label={t(`操作日志：${r.unit.name}`, `Audit log: ${named(r.unit)}`)}>{t('操作日志', 'Audit log')}</Link>
              </Space>
            </Space>
          ),
        }]
      : []),
    { title: t('角色', 'Role'), key: 'role', width: 100, render: (_: unknown, r: Row) => roleLabel(t, r.role, words) },
    { title: t('名称/姓名', 'Name'), key: 'name', width: 150, render: (_: unknown, r: Row) => r.name ?? '—' },
    { title: t('邮箱', 'Email'), key: 'email', render: (_: unknown, r: Row) => <span style={{ wordBreak: 'break-all' }}>{r.email}</span> },
    { title: t('电话', 'Phone'), key: 'phone', width: 120, render: (_: unknown, r: Row) => r.phone ?? '—' },
    {
      title: t('投递状态', 'Delivery'),
      key: 'delivery',
      width: 200,
      render: (_: unknown, r: Row) => (
        <Space orientation="vertical" size={4}>
          <DeliveryTag contact={r} t={t} />
          {r.delivery.canMarkFixed && (
            <Button size="small" loading={fix.busy === `fix#${r.email}`} onClick={() => markFixed(r)} aria-label={t(`标记已更正：${r.email}`, `Mark fixed: ${r.email}`)}>
              {t('标记已更正', 'Mark fixed')}
            </Button>
          )}
        </Space>
      ),
    },
  ];

  const cityRows: Row[] = data.city.map((c) => ({ ...c, key: c.role, first: true, span: 1 }));
  const unitRows: Row[] = data.units.flatMap((u) =>
    u.contacts.map((c, i) => ({ ...c, key: `${u.unitId}#${c.role}`, unit: u, first: i === 0, span: u.contacts.length })),
  );

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>{t('通讯录', 'Directory')}</Typography.Title>
        <Typography.Text type="secondary">
          {data.title}
          {t('；修改后的地址自下一封邮件起生效，各版本均保留。', '. A changed address takes effect from the next email; every version is kept.')}
        </Typography.Text>
      </div>
      {saved && <Alert type="success" showIcon title={saved} closable onClose={() => setSaved(undefined)} />}
      <ApiErrorAlert error={fix.error} title={t('未能标记为已更正', 'Could not mark it fixed')} />
      <Card title={<h3 style={{ margin: 0 }}>{t(`${words.office}与${words.superior}`, `${capital(words.office)} and ${words.superior}`)}</h3>}>
        <Table<Row> rowKey="key" columns={contactColumns(false)} dataSource={cityRows} pagination={false} size="middle" tableLayout="fixed" />
      </Card>
      <Card title={<h3 style={{ margin: 0 }}>{t('各单位', 'Units')}</h3>}>
        <Table<Row> rowKey="key" columns={contactColumns(true)} dataSource={unitRows} pagination={false} loading={loading} size="middle" tableLayout="fixed"
          locale={{ emptyText: t('暂无单位', 'No units') }} />
      </Card>
      <Space>
        <Button disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>{t('上一页', 'Previous page')}</Button>
        <Button disabled={!data.page.next} onClick={() => setCursors((c) => [...c, data.page.next ?? undefined])}>{t('下一页', 'Next page')}</Button>
      </Space>
      {editing && (
        <EditContactsDialog unit={editing} onClose={() => setEditing(undefined)}
          onSaved={(message) => { setEditing(undefined); setSaved(message); void reload(); }} />
      )}
    </Space>
  );
}
