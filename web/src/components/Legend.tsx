import { Space, Tag, Typography } from 'antd';
import { WARNING_COLOURS, type Warning } from './deliverable-state';

/** The legend of the warning colours, on every page that colours by them. */
export function Legend() {
  return (
    <Space wrap aria-label="图例" role="note">
      <Typography.Text strong>图例：</Typography.Text>
      {(Object.keys(WARNING_COLOURS) as Warning[]).map((w) => (
        <Tag key={w} color={WARNING_COLOURS[w].tag}>
          {WARNING_COLOURS[w].text}
        </Tag>
      ))}
    </Space>
  );
}
