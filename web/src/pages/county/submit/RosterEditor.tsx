/** The community roster (社区/村名单), typed in row by row; the server computes coverage and pass rate from it. */
import { Button, Checkbox, Form, Input, Space, Table } from 'antd';
import type { RosterRow } from './roster-import';
import { RosterImport } from './RosterImport';

export type { RosterRow };

export function RosterEditor({ rows, onChange }: { rows: RosterRow[]; onChange: (rows: RosterRow[]) => void }) {
  const set = (i: number, patch: Partial<RosterRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <Form.Item label="社区（村）名单">
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Table<RosterRow & { index: number }>
          size="small"
          pagination={false}
          rowKey="index"
          dataSource={rows.map((r, index) => ({ ...r, index }))}
          locale={{ emptyText: '尚无社区（村）' }}
          columns={[
            {
              title: '社区（村）名称',
              key: 'name',
              render: (_, r) => <Input aria-label={`第 ${r.index + 1} 行 社区（村）名称`} value={r.name} onChange={(e) => set(r.index, { name: e.target.value })} />,
            },
            {
              title: '已创建',
              key: 'created',
              render: (_, r) => <Checkbox aria-label={`第 ${r.index + 1} 行 已创建`} checked={r.created} onChange={(e) => set(r.index, { created: e.target.checked })} />,
            },
            {
              title: '合格',
              key: 'qualified',
              render: (_, r) => <Checkbox aria-label={`第 ${r.index + 1} 行 合格`} checked={r.qualified} onChange={(e) => set(r.index, { qualified: e.target.checked })} />,
            },
            {
              title: '操作',
              key: 'remove',
              render: (_, r) => <Button type="link" aria-label={`删除第 ${r.index + 1} 行`} onClick={() => onChange(rows.filter((_, j) => j !== r.index))}>删除</Button>,
            },
          ]}
        />
        <Space wrap>
          <Button onClick={() => onChange([...rows, { name: '', created: false, qualified: false }])}>添加社区（村）</Button>
        </Space>
        <RosterImport onImport={onChange} />
      </Space>
    </Form.Item>
  );
}
