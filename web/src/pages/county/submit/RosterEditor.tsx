/** The community roster (社区/村名单), typed in row by row; the server computes coverage and pass rate from it. */
import { Button, Checkbox, Form, Input, Space, Table } from 'antd';
import { useLang } from '../../../i18n';
import type { RosterRow } from './roster-import';
import { RosterImport } from './RosterImport';

export type { RosterRow };

export function RosterEditor({ rows, onChange }: { rows: RosterRow[]; onChange: (rows: RosterRow[]) => void }) {
  const { t } = useLang();
  const set = (i: number, patch: Partial<RosterRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  /** A cell's accessible name: its row, then its column. */
  const cell = (i: number, zh: string, en: string) => t(`第 ${i + 1} 行 ${zh}`, `Row ${i + 1} ${en}`);
  return (
    <Form.Item label={t('社区（村）名单', 'Community (village) roster')}>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Table<RosterRow & { index: number }>
          size="small"
          pagination={false}
          rowKey="index"
          dataSource={rows.map((r, index) => ({ ...r, index }))}
          locale={{ emptyText: t('尚无社区（村）', 'No communities (villages) yet') }}
          columns={[
            {
              title: t('社区（村）名称', 'Community (village) name'),
              key: 'name',
              render: (_, r) => (
                <Input aria-label={cell(r.index, '社区（村）名称', 'community (village) name')} value={r.name}
                  onChange={(e) => set(r.index, { name: e.target.value })} />
              ),
            },
            {
              title: t('已创建', 'Created'),
              key: 'created',
              render: (_, r) => (
                <Checkbox aria-label={cell(r.index, '已创建', 'created')} checked={r.created}
                  onChange={(e) => set(r.index, { created: e.target.checked })} />
              ),
            },
            {
              title: t('合格', 'Qualified'),
              key: 'qualified',
              render: (_, r) => (
                <Checkbox aria-label={cell(r.index, '合格', 'qualified')} checked={r.qualified}
                  onChange={(e) => set(r.index, { qualified: e.target.checked })} />
              ),
            },
            {
              title: t('操作', 'Actions'),
              key: 'remove',
              render: (_, r) => (
                <Button type="link" aria-label={t(`删除第 ${r.index + 1} 行`, `Remove row ${r.index + 1}`)}
                  onClick={() => onChange(rows.filter((_, j) => j !== r.index))}>
                  {t('删除', 'Remove')}
                </Button>
              ),
            },
          ]}
        />
        <Space wrap>
          <Button onClick={() => onChange([...rows, { name: '', created: false, qualified: false }])}>
            {t('添加社区（村）', 'Add community (village)')}
          </Button>
        </Space>
        <RosterImport onImport={onChange} />
      </Space>
    </Form.Item>
  );
}
