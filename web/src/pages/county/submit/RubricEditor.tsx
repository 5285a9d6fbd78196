/**
 * The score sheet (考核评分表) as the plan gives it (GET the unit's overview: each item, its maximum, the
 * evidence it asks for): the county's self-score and the checked files that evidence each item. The server
 * checks the scores (a score above an item's maximum is refused there, naming the item).
 */
import { InputNumber, Select, Table, Tag, Typography } from 'antd';
import type { UnitOverview } from '../../../components/deliverable-state';

type RubricItem = UnitOverview['rubric']['items'][number];
export interface ItemScore {
  score?: number;
  evidence: string[];
}
export type Scores = Record<string, ItemScore>;

const KIND: Record<RubricItem['kind'], { label: string; color: string }> = {
  standard: { label: '基本项', color: 'default' },
  bonus: { label: '加分项', color: 'green' },
  deduction: { label: '扣分项', color: 'orange' },
  veto: { label: '否决项', color: 'red' },
};

export function RubricEditor({ rubric, scores, onChange, files }: {
  rubric: UnitOverview['rubric'];
  scores: Scores;
  onChange: (scores: Scores) => void;
  /** The checked uploads of this submission, to cite as evidence. */
  files: Array<{ uploadId: string; name: string }>;
}) {
  const set = (itemId: string, patch: Partial<ItemScore>) => onChange({ ...scores, [itemId]: { ...scores[itemId], evidence: scores[itemId]?.evidence ?? [], ...patch } });
  return (
    <div role="group" aria-label="考核评分表">
      <Typography.Text strong>考核评分表（满分 {rubric.total} 分）</Typography.Text>
      <Table<RubricItem>
        size="small"
        pagination={false}
        rowKey="itemId"
        dataSource={rubric.items}
        tableLayout="fixed"
        columns={[
          { title: '评分项', key: 'title', render: (_, i) => <>{i.title} <Tag color={KIND[i.kind].color}>{KIND[i.kind].label}</Tag></> },
          { title: '满分', dataIndex: 'maxPoints', key: 'maxPoints', width: 56 },
          { title: '得分参考依据', dataIndex: 'evidence', key: 'evidence', width: 220 },
          {
            title: '自评得分',
            key: 'score',
            width: 100,
            render: (_, i) => (
              <InputNumber style={{ width: 84 }} aria-label={`${i.title} 自评得分`} min={0} step={0.5} value={scores[i.itemId]?.score ?? null}
                onChange={(v) => set(i.itemId, { score: v ?? undefined })} />
            ),
          },
          {
            title: '佐证材料',
            key: 'evidence-files',
            width: 200,
            render: (_, i) => (
              <Select mode="multiple" aria-label={`${i.title} 佐证材料`} style={{ width: 180 }} showSearch={{ optionFilterProp: 'label' }} placeholder={files.length ? '选择已上传的文件' : '请先上传文件'}
                value={scores[i.itemId]?.evidence ?? []} onChange={(evidence) => set(i.itemId, { evidence })}
                options={files.map((f) => ({ value: f.uploadId, label: f.name }))} />
            ),
          },
        ]}
      />
    </div>
  );
}

/** The scores as the API takes them: the items the county scored, in the sheet's order. */
export const scoresBody = (rubric: UnitOverview['rubric'], scores: Scores) =>
  rubric.items
    .filter((i) => scores[i.itemId]?.score !== undefined)
    .map((i) => ({ itemId: i.itemId, score: scores[i.itemId].score!, evidence: scores[i.itemId].evidence }));
