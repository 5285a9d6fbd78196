/**
 * 导入名单: the county picks its roster spreadsheet (.xlsx or .csv); the rows read replace the roster below,
 * and the page shows, row by row, what it read and what it refused and why.
 */
import { Alert, Button, Space, Table, Upload } from 'antd';
import { useState } from 'react';
import { useLang } from '../../../i18n';
import { readRosterFile, type ImportResult, type RefusedRow, type RosterRow } from './roster-import';

export function RosterImport({ onImport }: { onImport: (rows: RosterRow[]) => void }) {
  const { t, lang } = useLang();
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
        <Button loading={busy}>{t('从 Excel/CSV 导入名单', 'Import the roster from Excel/CSV')}</Button>
      </Upload>
      {result && !result.ok && <Alert type="error" showIcon role="alert" title={result.reason[lang]} />}
      {result?.ok && <Imported result={result} />}
    </Space>
  );
}

/** What the import read (row numbers as in the county's sheet) and what it refused, with why. */
function Imported({ result }: { result: Extract<ImportResult, { ok: true }> }) {
  const { t, lang } = useLang();
  const { fileName, sheet, read, refused } = result;
  const rows = read.map((r) => r.row).join(t('、', ', ')) || '—';
  return (
    <section aria-label={t('导入结果', 'Import result')}>
      <Alert
        type={refused.length ? 'warning' : 'success'}
        showIcon
        title={t(
          `已从“${fileName}”${sheet ? `（工作表“${sheet}”）` : ''}读取 ${read.length} 行，拒绝 ${refused.length} 行`,
          `Read ${read.length} rows from "${fileName}"${sheet ? ` (sheet "${sheet}")` : ''}, refused ${refused.length}`,
        )}
        description={t(
          `第 ${rows} 行已读入下方名单${refused.length
            ? '；被拒绝的行见下表，请在表格中改正后重新导入，或在下方名单中补录'
            : ''}`,
          `Rows ${rows} are in the roster below${refused.length
            ? '; the refused rows are listed here: correct them in the spreadsheet and import again, or add them below'
            : ''}`,
        )}
      />
      {refused.length > 0 && (
        <Table<RefusedRow>
          size="small"
          pagination={false}
          rowKey="row"
          dataSource={refused}
          aria-label={t('被拒绝的行', 'Refused rows')}
          columns={[
            { title: t('行号', 'Row'), dataIndex: 'row', key: 'row', width: 64 },
            {
              title: t('该行内容', 'Row content'),
              key: 'cells',
              render: (_, r) => r.cells.filter((c) => c !== '').join(' | '),
            },
            { title: t('原因', 'Reason'), key: 'reason', render: (_, r) => r.reason[lang] },
          ]}
        />
      )}
    </section>
  );
}
