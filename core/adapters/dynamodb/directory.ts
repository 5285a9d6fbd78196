/**
 * The directory's part of the DynamoDB repository (通讯录: each unit's contacts as the city office corrected
 * them), kept apart from ./repository.ts, which spreads these methods into the CycleRepository it builds.
 *
 * Items (keys from ./keys.ts):
 * - `CYCLE#c#DIRECTORY` / `REVISION`: how many edits the cycle has had. Every loadPlan reads it (one small
 *   strongly consistent GetItem); only when it moved does it read the partition's unit items again.
 * - `CYCLE#c#DIRECTORY` / `UNIT#u`: the unit's current version, one Query for the whole cycle.
 * - `CYCLE#c#UNIT#u` / `CONTACTS#0001`…: every version, kept for good.
 * An edit writes the version, moves the current item from the version before it (a conditional put), counts
 * the revision up and writes its audit entry in one transaction: a stale edit stores nothing, and no
 * version is ever stored unaudited.
 */
import { PutCommand, TransactWriteCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, UnitContactsVersion } from '../../model';
import type { CycleRepository } from '../../ports';
import { CONTACTS_VERSION_PREFIX, DIRECTORY_UNIT_PREFIX, ENTITY, META_ATTRIBUTES, directoryPartition, keys, unitPartition, type ItemKey } from './keys';
import { cancelCodes, sleep } from './item';

type Item = Record<string, unknown>;
type DirectoryMethods = Pick<CycleRepository, 'getDirectoryRevision' | 'listUnitContacts' | 'listUnitContactVersions' | 'putUnitContacts'>;

export interface DirectoryStoreDeps {
  client: DynamoDBDocumentClient;
  TableName: string;
  /** A strongly consistent GetItem. */
  get(key: ItemKey, projection?: string, names?: Record<string, string>): Promise<Item | undefined>;
  /** A Query followed to its last page. */
  queryAll(input: Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>): Promise<Item[]>;
  /** The audit entry's put, to go inside the transaction. */
  auditPut(entry: AuditEntry): Pick<ConstructorParameters<typeof PutCommand>[0], 'TableName' | 'Item' | 'ConditionExpression'>;
  translateDynamoError(err: unknown): unknown;
}

const versionOf = (item: Item | undefined): UnitContactsVersion | null => {
  if (!item) return null;
  const out: Item = { ...item };
  for (const k of META_ATTRIBUTES) delete out[k];
  return out as unknown as UnitContactsVersion;
};

export function makeDirectoryMethods(d: DirectoryStoreDeps): DirectoryMethods {
  const { client, TableName } = d;
  return {
    async getDirectoryRevision(cycleId) {
      const item = await d.get(keys.directoryRevision(cycleId), 'revision');
      return typeof item?.revision === 'number' ? item.revision : 0;
    },

    async listUnitContacts(cycleId) {
      const items = await d.queryAll({
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': directoryPartition(cycleId) },
        ConsistentRead: true,
      });
      const revision = items.find((i) => i.entityType === ENTITY.directoryRevision)?.revision;
      const units = items
        .filter((i) => i.entityType === ENTITY.unitContacts && String(i.SK).startsWith(DIRECTORY_UNIT_PREFIX))
        .map((i) => versionOf(i)!);
      return { revision: typeof revision === 'number' ? revision : 0, units };
    },

    async listUnitContactVersions(cycleId, unitId) {
      const items = await d.queryAll({
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': unitPartition(cycleId, unitId), ':prefix': CONTACTS_VERSION_PREFIX },
        ConsistentRead: true,
      });
      return items.map((i) => versionOf(i)!);
    },

    /*
     * Primary course: one transaction (the version put if absent, the current item put on the condition that
     * it is the version before, the revision counted up, the audit entry). A condition that fails means
     * someone else edited first: read their version back. A conflicting transaction is retried.
     */
    async putUnitContacts(version, audit) {
      const { cycleId, unitId } = version;
      const current = keys.unitContacts(cycleId, unitId);
      const first = version.version === 1;
      for (let attempt = 0; ; attempt++) {
        try {
          await client.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Put: {
                    TableName,
                    Item: { ...version, ...keys.unitContactsVersion(cycleId, unitId, version.version), entityType: ENTITY.unitContactsVersion },
                    ConditionExpression: 'attribute_not_exists(PK)',
                  },
                },
                {
                  Put: {
                    TableName,
                    Item: { ...version, ...current, entityType: ENTITY.unitContacts },
                    ConditionExpression: first ? 'attribute_not_exists(PK)' : '#version = :previous',
                    ...(first ? {} : { ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':previous': version.version - 1 } }),
                  },
                },
                {
                  Update: {
                    TableName,
                    Key: keys.directoryRevision(cycleId),
                    UpdateExpression: 'SET entityType = :entity, cycleId = :cycleId ADD revision :one',
                    ExpressionAttributeValues: { ':entity': ENTITY.directoryRevision, ':cycleId': cycleId, ':one': 1 },
                  },
                },
                { Put: d.auditPut(audit) },
              ],
            }),
          );
          return { recorded: true, current: { ...version } };
        } catch (err) {
          const codes = cancelCodes(err);
          if (codes[0] === 'ConditionalCheckFailed' || codes[1] === 'ConditionalCheckFailed') break;
          if (!codes.includes('TransactionConflict') || attempt >= 20) throw d.translateDynamoError(err);
          await sleep(Math.min(1000, 20 * 2 ** Math.min(attempt, 4)) * (0.5 + Math.random()));
        }
      }
      return { recorded: false, current: versionOf(await d.get(current)) };
    },
  };
}
