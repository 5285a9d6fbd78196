/**
 * The score sheet (考核评分表) as the plan gives it (GET the unit's overview: each item, its maximum, the
 * evidence it asks for): the county's self-score and the checked files that evidence each item. The server
 * checks the scores (a score above an item's maximum is refused there, naming the item).
 */
import { InputNumber, Select, Table, Tag, Typography } from 'antd';
import type { UnitOverview } from '../../../components/deliverable-state';
import { useLang } from '../../../i18n';

type RubricItem = UnitOverview['rubric']['items'][number];
export interface ItemScore {
  score?: number;
  evidence: string[];
}
export type Scores = Record<string, ItemScore>;

const KIND: Record<RubricItem['kind'], { zh: string; en: string; color: string }> = {
  standard: { zh: '基本项', en: 'Standard', color: 'default' },
  bonus: { zh: '加分项', en: 'Bonus', color: 'success' },
  deduction: { zh: '扣分项', en: 'Deduction', color: 'warning' },
  veto: { zh: '否决项', en: 'Veto', color: 'error' },
};

export function RubricEditor({ rubric, scores, onChange, files }: {
  rubric: UnitOverview['rubric'];
  scores: Scores;
  onChange: (scores: Scores) => void;
  /** The checked uploads of this submission, to cite as evidence. */
  files: Array<{ uploadId: string; name: string }>;
}) {
  const { t, lang, named } = useLang();
  const set = (itemId: string, patch: Partial<ItemScore>) => onChange({ ...scores, [itemId]: { ...scores[itemId], evidence: scores[itemId]?.evidence ?? [], ...patch } });
  return (
    <div role="group" aria-label={t('考核评分表', 'Score sheet (考核评分表)')}>
      <Typography.Text strong>
        {t(`考核评分表（满分 ${rubric.total} 分）`, `Score sheet (考核评分表), out of ${rubric.total} points`)}
      </Typography.Text>
      <Table<RubricItem>
        size="small"
        pagination={false}
        rowKey="itemId"
        dataSource={rubric.items}
        tableLayout="fixed"
        columns={[
          {
            title: t('评分项', 'Item'),
            key: 'title',
            render: (_, i) => <>{named(i)} <Tag color={KIND[i.kind].color}>{KIND[i.kind][lang]}</Tag></>,
          },
          { title: t('满分', 'Max.'), dataIndex: 'maxPoints', key: 'maxPoints', width: 56 },
          // The evidence as the plan words it: the plan has it in Chinese only.
          { title: t('得分参考依据', 'Evidence asked for'), dataIndex: 'evidence', key: 'evidence', width: 220 },
          {
            title: t('自评得分', 'Self-score'),
            key: 'score',
            width: 100,
            render: (_, i) => (
              <InputNumber style={{ width: 84 }} min={0} step={0.5}
                aria-label={t(`${i.title} 自评得分`, `${named(i)} self-score`)}
                value={scores[i.itemId]?.score ?? null}
                onChange={(v) => set(i.itemId, { score: v ?? undefined })} />
            ),
          },
          {
            title: t('佐证材料', 'Evidence files'),
            key: 'evidence-files',
            width: 200,
            render: (_, i) => (
              <Select mode="multiple" style={{ width: 180 }}
                aria-label={t(`${i.title} 佐证材料`, `${named(i)} evidence files`)}
                showSearch={{ optionFilterProp: 'label' }}
                placeholder={files.length ? t('选择已上传的文件', 'Choose uploaded files') : t('请先上传文件', 'Upload files first')}
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
