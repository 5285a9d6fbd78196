/**
 * A read-only table for a handful of rows, drawn like antd's Table (its tokens for borders, header and
 * padding) but without it: no paging, sorting or filters, so none of their code (antd's Table, its pagination
 * and filter menus: about 60 KB gzipped) is fetched by the pages that open first (a county's 工作台). Pages
 * with many rows, paging or filters keep antd's Table.
 *
 * A real <table> with column headers, so assistive technology reads each cell with its header; wider than
 * the screen (a phone), it scrolls sideways inside its own box rather than the page.
 */
import { theme } from 'antd';
import type { CSSProperties, ReactNode } from 'react';

export interface PlainColumn<T> {
  key: string;
  title: ReactNode;
  render(row: T): ReactNode;
  /** Keep the cell on one line (dates, counts). */
  nowrap?: boolean;
}

export function PlainTable<T>({ columns, rows, rowKey, caption }: {
  columns: PlainColumn<T>[];
  rows: T[];
  rowKey(row: T): string;
  /** Named for assistive technology; not shown (the card's title says it on screen). */
  caption: string;
}) {
  const { token } = theme.useToken();
  const cell: CSSProperties = {
    padding: `${token.paddingSM}px ${token.padding}px`,
    borderBottom: `${token.lineWidth}px ${token.lineType} ${token.colorBorderSecondary}`,
    textAlign: 'start',
    verticalAlign: 'top',
  };
  return (
    <div style={{ overflowX: 'auto' }}>
      <table style={{ width: '100%', borderCollapse: 'collapse', fontSize: token.fontSize }}>
        <caption style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clipPath: 'inset(50%)', whiteSpace: 'nowrap' }}>
          {caption}
        </caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" style={{ ...cell, background: token.colorFillAlter, fontWeight: token.fontWeightStrong, whiteSpace: 'nowrap' }}>
                {c.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td key={c.key} style={c.nowrap ? { ...cell, whiteSpace: 'nowrap' } : cell}>{c.render(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
