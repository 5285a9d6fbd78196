/**
 * Inspection results and score sheets (检查结果、考核评分表; issue 10 item 4) in DynamoDB, composed into ./repository.ts.
 *
 * Items (keys from ./keys.ts), in the unit's partition beside the sample, outside UNIT_FACTS_RANGE:
 * - `CHECK-RESULT#<windowId>#0001`…: a sampled community's result, by its position in the sample;
 * - `CHECK-SCORE#<windowId>`: the unit's score sheet of the window.
 * Each is written with its audit entry in one transaction, only if absent (version 1) or still at the version
 * before (`version = :previous`): a stale write stores nothing. The audit entries keep every version's content.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../../model';
import type { InspectionResult, InspectionScoreSheet } from '../../inspection/model';
import type { CycleRepository } from '../../ports';
import type { DirectoryStoreDeps } from './directory';
import { ENTITY, RESULT_PREFIX, keys, unitPartition, type ItemKey } from './keys';
import { cancelCodes, sleep, strip } from './item';

type Item = Record<string, unknown>;
type Methods = Pick<CycleRepository, 'listInspectionResults' | 'putInspectionResult' | 'getInspectionScore' | 'putInspectionScore'>;

export function makeInspectionResultMethods(d: DirectoryStoreDeps): Methods {
  const { client, TableName } = d;

  /** Puts the item at its version with the audit entry; false when the stored one is not at `version - 1`. */
  const putVersioned = async (key: ItemKey, item: Item & { version: number }, entityType: string, audit: AuditEntry): Promise<boolean> => {
    const condition = item.version === 1
      ? { ConditionExpression: 'attribute_not_exists(PK)' }
      : { ConditionExpression: 'version = :previous', ExpressionAttributeValues: { ':previous': item.version - 1 } };
    for (let attempt = 0; ; attempt++) {
      try {
        await client.send(new TransactWriteCommand({
          TransactItems: [{ Put: { TableName, Item: { ...item, ...key, entityType }, ...condition } }, { Put: d.auditPut(audit) }],
        }));
        return true;
      } catch (err) {
        const codes = cancelCodes(err);
        if (codes[0] === 'ConditionalCheckFailed') return false;
        if (!codes.includes('TransactionConflict') || attempt >= 20) throw d.translateDynamoError(err);
        await sleep(Math.min(1000, 20 * 2 ** Math.min(attempt, 4)) * (0.5 + Math.random()));
      }
    }
  };

  const methods: Methods = {
    async listInspectionResults(cycleId, unitId, windowId) {
      const items = await d.queryAll({
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': unitPartition(cycleId, unitId), ':prefix': `${RESULT_PREFIX}${windowId}#` },
        ConsistentRead: true,
      });
      return items.map((i) => strip<InspectionResult>(i)!);
    },

    async putInspectionResult(result, audit) {
      const key = keys.inspectionResult(result.cycleId, result.unitId, result.windowId, result.position);
      if (await putVersioned(key, { ...result }, ENTITY.inspectionResult, audit)) return { recorded: true, current: { ...result } };
      return { recorded: false, current: strip<InspectionResult>(await d.get(key)) };
    },

    async getInspectionScore(cycleId, unitId, windowId) {
      return strip<InspectionScoreSheet>(await d.get(keys.inspectionScore(cycleId, unitId, windowId)));
    },

    async putInspectionScore(sheet, audit) {
      const key = keys.inspectionScore(sheet.cycleId, sheet.unitId, sheet.windowId);
      if (await putVersioned(key, { ...sheet }, ENTITY.inspectionScore, audit)) return { recorded: true, current: { ...sheet } };
      return { recorded: false, current: strip<InspectionScoreSheet>(await d.get(key)) };
    },
  };
  return methods;
}
