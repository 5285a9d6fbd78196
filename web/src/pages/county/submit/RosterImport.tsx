/**
 * 导入名单: the county picks its roster spreadsheet (.xlsx or .csv); the rows read replace the roster below,
 * and the page shows, row by row, what it read and what it refused and why.
 */
import { Alert, Button, Space, Table, Upload } from 'antd';
import { useState } from 'react';
import { readRosterFile, type ImportResult, type RefusedRow, type RosterRow } from './roster-import';

export function RosterImport({ onImport }: { onImport: (rows: RosterRow[]) => void }) {
  const [result, setResult] = useState<ImportResult>();
  const [busy, setBusy] = useState(false);
  const choose = (file: File) => {
    setBusy(true);
    readRosterFile(file)
      .then((r) => {
        setResult(r);
        if (r.ok) onImport(r.read.map(({ name, created, qualified }) => ({ name, created, qualified })));
      })
      .finally(() => setBusy(false));
    return false;
  };
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Upload accept=".xlsx,.csv" beforeUpload={choose} showUploadList={false} maxCount={1}>
        <Button loading={busy}>从 Excel/CSV 导入名单</Button>
      </Upload>
      {result && !result.ok && <Alert type="error" showIcon role="alert" title={result.reason.zh} description={result.reason.en} />}
      {result?.ok && (
        <section aria-label="导入结果">
          <Alert
            type={result.refused.length ? 'warning' : 'success'}
            showIcon
            title={`已从“${result.fileName}”${result.sheet ? `（工作表“${result.sheet}”）` : ''}读取 ${result.read.length} 行，拒绝 ${result.refused.length} 行`}
            description={`第 ${result.read.map((r) => r.row).join('、') || '—'} 行已读入下方名单${result.refused.length ? '；被拒绝的行见下表，请在表格中改正后重新导入，或在下方名单中补录' : ''}`}
          />
          {result.refused.length > 0 && (
            <Table<RefusedRow>
              size="small"
              pagination={false}
              rowKey="row"
              dataSource={result.refused}
              aria-label="被拒绝的行"
              columns={[
                { title: '行号', dataIndex: 'row', key: 'row', width: 64 },
                { title: '该行内容', key: 'cells', render: (_, r) => r.cells.filter((c) => c !== '').join(' | ') },
                { title: '原因', key: 'reason', render: (_, r) => <>{r.reason.zh}<br /><small>{r.reason.en}</small></> },
              ]}
            />
          )}
        </section>
      )}
    </Space>
  );
}
