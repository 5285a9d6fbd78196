/**
 * The year's documents' part of the DynamoDB repository (core/exports: the province workbook, the
 * forwarding report, the 通报批评 drafts), kept apart from ./repository.ts, which spreads these methods into
 * the CycleRepository it builds.
 *
 * Items (keys from ./keys.ts): `CYCLE#c#DOCUMENTS` / `DOCUMENT#<documentId>`, one per document, written once
 * (a conditional put): a retried forwarding reads back the first record instead of writing another.
 */
import type { CycleDocument } from '../../model';
import type { CycleRepository } from '../../ports';
import { DOCUMENT_PREFIX, ENTITY, META_ATTRIBUTES, documentsPartition, keys, type ItemKey } from './keys';

type Item = Record<string, unknown>;
type DocumentRecordMethods = Pick<CycleRepository, 'recordCycleDocument' | 'listCycleDocuments'>;

export interface DocumentRecordDeps {
  /** A put with `attribute_not_exists(PK)`: true when written, false when an item was there. */
  putIfAbsent(item: Item): Promise<boolean>;
  /** A strongly consistent GetItem. */
  get(key: ItemKey): Promise<Item | undefined>;
  /** A Query followed to its last page. */
  queryAll(input: { KeyConditionExpression: string; ExpressionAttributeValues: Record<string, unknown>; ConsistentRead?: boolean }): Promise<Item[]>;
}

const documentOf = (item: Item): CycleDocument => {
  const out: Item = { ...item };
  for (const k of META_ATTRIBUTES) delete out[k];
  return out as unknown as CycleDocument;
};

export function makeDocumentRecordMethods(d: DocumentRecordDeps): DocumentRecordMethods {
  return {
    async recordCycleDocument(document) {
      const key = keys.cycleDocument(document.cycleId, document.documentId);
      if (await d.putIfAbsent({ ...document, ...key, entityType: ENTITY.cycleDocument })) return { recorded: true, document: { ...document } };
      return { recorded: false, document: documentOf((await d.get(key))!) };
    },

    async listCycleDocuments(cycleId) {
      const items = await d.queryAll({
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: { ':pk': documentsPartition(cycleId), ':sk': DOCUMENT_PREFIX },
        ConsistentRead: true,
      });
      return items.map(documentOf);
    },
  };
}
