/**
 * CycleRepository on one DynamoDB table (PK/SK, GSI1 on GSI1PK/GSI1SK, TTL attribute `expiresAt`).
 * Behaves like ../memory/repository.ts; keys come from ./keys.ts only. Key design: ../README.md.
 */
import type { InspectionDrawFailure } from '../../inspection/model';
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  DeleteCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { createHash, randomBytes } from 'node:crypto';
import { NotFoundError, PlanConflictError, TransientError } from '../../errors';
import type {
  AuditEntry,
  ContactStatus,
  CycleRecord,
  DeliverableStatus,
  Extension,
  ForwardingRecord,
  LedgerEntry,
  ReviewDecision,
  SubmissionVersion,
  UnitOutcomeRecord,
  UnitOutcomeStatus,
  Upload,
  WaitToken,
  MessageKey,
  NoticeSignature,
  SupervisionProposal,
} from '../../model';
import type { Plan, Unit } from '../../plan/schema';
import type { ClaimResult, CycleRepository, CycleTotals, IdempotencyRecord, KeptResponse, Page, UnitFacts } from '../../ports';
import {
  DELIVERABLE_PREFIX,
  ENTITY,
  EXTENSION_PREFIX,
  GSI1,
  CYCLE_INDEX_PK,
  MESSAGE_PREFIX,
  SIGNATURE_PREFIX,
  SUBMISSION_PREFIX,
  META_ATTRIBUTES,
  UNIT_ORDER_CHUNK,
  UNIT_PREFIX,
  cyclePartition,
  gsi1,
  keys,
  listingPk,
  LISTING_SHARDS,
  unitPartition,
  type CycleListing,
  type ItemKey,
} from './keys';
import { listingShard, TOTALS_ATTRIBUTE, TOTALS_ENTITY, totalsKey, UNIT_FACTS_RANGE } from './keys';
import { assertSubmissionFits } from './item-size';
import { makeDirectoryMethods } from './directory';
import { makeDocumentRecordMethods } from './documents-record';
import { makeRosterMethods } from './rosters';
import { makeSignoffMethods } from './signoff';
import { makeInspectionResultMethods } from './inspection-results';

export interface DynamoRepositoryOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Query page size (Limit). Defaults to DynamoDB's own 1 MB pages; tests set it small to exercise paging. */
  pageSize?: number;
  /** How many BatchWrite requests storePlan runs at once. */
  writeConcurrency?: number;
}

type Item = Record<string, unknown>;

const TRANSIENT_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TransactionConflictException',
  'TransactionInProgressException',
]);
const TRANSIENT_CANCEL_CODES = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded', 'TransactionConflict', 'RequestLimitExceeded']);

interface AwsError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  CancellationReasons?: Array<{ Code?: string }>;
}
const asAws = (err: unknown): AwsError => (typeof err === 'object' && err !== null ? (err as AwsError) : {});
const isConditionFailed = (err: unknown) => asAws(err).name === 'ConditionalCheckFailedException';
const cancelCodes = (err: unknown) =>
  asAws(err).name === 'TransactionCanceledException' ? (asAws(err).CancellationReasons ?? []).map((r) => r.Code ?? 'None') : [];

/** Throttling, 5xx and transaction conflicts may pass: they become TransientError; everything else propagates. */
export function translateDynamoError(err: unknown): unknown {
  if (err instanceof TransientError) return err;
  const e = asAws(err);
  const status = e.$metadata?.httpStatusCode ?? 0;
  const transient =
    (e.name !== undefined && TRANSIENT_NAMES.has(e.name)) ||
    status >= 500 ||
    cancelCodes(err).some((c) => TRANSIENT_CANCEL_CODES.has(c));
  if (!transient) return err;
  return new TransientError(
    { zh: '数据库暂时不可用，请稍后重试', en: `DynamoDB is temporarily unavailable (${e.name ?? status})` },
    { cause: e.name, status },
  );
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const backoff = (attempt: number) => sleep(Math.min(1000, 20 * 2 ** attempt) * (0.5 + Math.random()));

function strip<T>(item: Item | undefined, extra: readonly string[] = []): T | null {
  if (!item) return null;
  const out: Item = { ...item };
  for (const k of META_ATTRIBUTES) delete out[k];
  for (const k of extra) delete out[k];
  return out as T;
}

let auditCounter = 0;
/** Unique per audit item; the counter keeps one process's entries with the same `at` in append order. */
const auditSeq = () => `${(auditCounter++ % 1e8).toString().padStart(8, '0')}${randomBytes(4).toString('hex')}`;

/** Just the ledger key's fields (callers may pass a whole ledger entry). */
const messageKeyOf = (key: MessageKey): MessageKey => ({
  cycleId: key.cycleId,
  unitId: key.unitId,
  kind: key.kind,
  milestone: key.milestone,
  recipient: key.recipient,
});

export function makeDynamoRepository(options: DynamoRepositoryOptions): CycleRepository {
  const { client, tableName: TableName, pageSize, writeConcurrency = 8 } = options;

  async function send<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw translateDynamoError(err);
    }
  }

  const get = (Key: ItemKey, ProjectionExpression?: string, names?: Record<string, string>) =>
    send(() =>
      client.send(
        new GetCommand({ TableName, Key, ConsistentRead: true, ProjectionExpression, ExpressionAttributeNames: names }),
      ),
    ).then((r) => r.Item as Item | undefined);

  /** Follows LastEvaluatedKey to the end. */
  async function queryAll(input: Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>): Promise<Item[]> {
    const items: Item[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await send(() => client.send(new QueryCommand({ ...input, TableName, Limit: pageSize, ExclusiveStartKey })));
      items.push(...((page.Items ?? []) as Item[]));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  /** Items of one unit's partition whose sort key starts with the prefix, in key order, strongly consistent. */
  const queryUnit = (cycleId: string, unitId: string, prefix: string) =>
    queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': unitPartition(cycleId, unitId), ':prefix': prefix },
      ConsistentRead: true,
    });

  /** A cycle-wide listing: every shard, merged in index order (time first). */
  const listByGsi = async (cycleId: string, listing: CycleListing) => {
    const shards = await Promise.all(
      Array.from({ length: LISTING_SHARDS }, (_, shard) =>
        queryAll({
          IndexName: GSI1,
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': listingPk(cycleId, listing, shard) },
        }),
      ),
    );
    return shards.flat().sort((a, b) => String(a.GSI1SK).localeCompare(String(b.GSI1SK)));
  };

  /** Conditional put; false when the condition failed (the item is there already). */
  async function putIfAbsent(Item: Item): Promise<boolean> {
    try {
      await client.send(new PutCommand({ TableName, Item, ConditionExpression: 'attribute_not_exists(PK)' }));
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw translateDynamoError(err);
    }
  }

  /** Adds 1 to a counter of the cycle's totals (the shard of the unit that changed it): a TransactWrite item. */
  const totalsIncrement = (cycleId: string, unitId: string, attribute: string) => ({
    Update: {
      TableName,
      Key: totalsKey(cycleId, listingShard(unitId)),
      UpdateExpression: 'SET entityType = :entity, cycleId = :cycleId ADD #counter :one',
      ExpressionAttributeNames: { '#counter': attribute },
      ExpressionAttributeValues: { ':entity': TOTALS_ENTITY, ':cycleId': cycleId, ':one': 1 },
    },
  });

  /** BatchWrite in chunks of 25, a few at a time, retrying UnprocessedItems with backoff. */
  async function batchPut(items: Item[]): Promise<void> {
    const chunks: Item[][] = [];
    for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
    const writeChunk = async (chunk: Item[]) => {
      let requests = chunk.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 0) {
          if (attempt > 8) {
            throw new TransientError(
              { zh: '数据库写入被限流，请稍后重试', en: 'DynamoDB left items unprocessed after retries' },
              { unprocessed: requests.length },
            );
          }
          await backoff(attempt);
        }
        const res = await send(() => client.send(new BatchWriteCommand({ RequestItems: { [TableName]: requests } })));
        requests = (res.UnprocessedItems?.[TableName] ?? []) as typeof requests;
      }
    };
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) await writeChunk(chunks[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(writeConcurrency, chunks.length) }, worker));
  }

  /** BatchGet (100 keys a request), strongly consistent, retrying UnprocessedKeys. Returns items by SK. */
  async function batchGet(keyList: ItemKey[]): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    for (let i = 0; i < keyList.length; i += 100) {
      let Keys: Record<string, unknown>[] = keyList.slice(i, i + 100).map((k) => ({ ...k }));
      for (let attempt = 0; Keys.length > 0; attempt++) {
        if (attempt > 0) {
          if (attempt > 8) throw new TransientError({ zh: '数据库读取被限流', en: 'DynamoDB left keys unprocessed after retries' });
          await backoff(attempt);
        }
        const res = await send(() =>
          client.send(new BatchGetCommand({ RequestItems: { [TableName]: { Keys, ConsistentRead: true } } })),
        );
        for (const item of (res.Responses?.[TableName] ?? []) as Item[]) found.set(`${item.PK}|${item.SK}`, item);
        Keys = (res.UnprocessedKeys?.[TableName]?.Keys ?? []) as Record<string, unknown>[];
      }
    }
    return found;
  }

  const planConflict = (cycleId: string) =>
    new PlanConflictError(
      { zh: `周期 ${cycleId} 已存储了另一份计划`, en: `cycle ${cycleId} already has a different plan` },
      { cycleId },
    );

  const unitFromItem = (item: Item | undefined) => strip<Unit>(item, ['order']);
  /** An audit entry's put (never overwrites): alone, or inside the transaction that stores what it audits. */
  const auditPut = (entry: AuditEntry) => {
    const seq = auditSeq();
    return {
      TableName,
      Item: {
        ...entry,
        ...keys.audit(entry.cycleId, entry.unitId, entry.at, seq),
        ...gsi1.audit(entry.cycleId, entry.unitId, entry.at, seq),
        entityType: ENTITY.audit,
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    };
  };

  /** The version a submission request stored, through its request item. */
  const versionOfRequest = async (cycleId: string, unitId: string, requestKey: string, now: number) => {
    const found = await get(keys.submissionRequest(cycleId, unitId, sha256(requestKey)));
    // TTL deletes an expired item within days, not at once: an expired key is no key.
    if (!found || Number(found.expiresAt) * 1000 < now) return null;
    return strip<SubmissionVersion>(await get(keys.submission(cycleId, unitId, found.deliverableId as string, found.version as number)));
  };


  return {
    ...makeDirectoryMethods({ client, TableName, get, queryAll, auditPut, translateDynamoError }),
    ...makeDocumentRecordMethods({ putIfAbsent, get: (key) => get(key), queryAll }),
    ...makeRosterMethods({ client, TableName, get, queryAll, auditPut, translateDynamoError }, totalsIncrement),
    ...makeSignoffMethods({
      get: (key) => get(key),
      putIfAbsent,
      put: async (Item) => {
        await send(() => client.send(new PutCommand({ TableName, Item })));
      },
    }),
    ...makeInspectionResultMethods({ client, TableName, get, queryAll, auditPut, translateDynamoError }),

    /*
     * Primary course: the PLAN item is the gate (absent, or the same hash); then the units and their order
     * chunks (idempotent puts); the CYCLE item last, as the commit marker. A crash in between leaves no CYCLE,
     * so getCycle/getPlan answer null and a retry of the same plan completes the write.
     */
    async storePlan(plan, planHash, now) {
      const existing = await get(keys.cycle(plan.cycleId));
      const cycleIndex = { ...keys.cycleIndex(plan.cycleId), cycleId: plan.cycleId, entityType: ENTITY.cycleIndex };
      if (existing) {
        // Storing the same plan again lists a cycle stored before the list of cycles existed (a plain put: idempotent).
        if (existing.planHash === planHash) {
          await send(() => client.send(new PutCommand({ TableName, Item: cycleIndex })));
          return 'same';
        }
        throw planConflict(plan.cycleId);
      }
      const { units, ...rest } = plan;
      try {
        await client.send(
          new PutCommand({
            TableName,
            Item: { ...rest, planHash, unitCount: units.length, ...keys.plan(plan.cycleId), entityType: ENTITY.plan },
            ConditionExpression: 'attribute_not_exists(PK) OR planHash = :planHash',
            ExpressionAttributeValues: { ':planHash': planHash },
          }),
        );
      } catch (err) {
        if (isConditionFailed(err)) throw planConflict(plan.cycleId);
        throw translateDynamoError(err);
      }
      const unitItems: Item[] = units.map((u, order) => ({
        ...u,
        order,
        ...keys.unit(plan.cycleId, u.id),
        entityType: ENTITY.unit,
      }));
      const orderItems: Item[] = [];
      for (let i = 0, chunk = 0; i < units.length; i += UNIT_ORDER_CHUNK, chunk++) {
        orderItems.push({
          ...keys.unitOrder(plan.cycleId, chunk),
          entityType: ENTITY.unitOrder,
          unitIds: units.slice(i, i + UNIT_ORDER_CHUNK).map((u) => u.id),
          unitCount: units.length,
        });
      }
      // The cycle's entry in the list of cycles goes with its units: a retry after a crash writes it again.
      await batchPut([...orderItems, ...unitItems, cycleIndex]);
      const cycle: CycleRecord = { cycleId: plan.cycleId, status: 'stored', planHash, storedAt: now };
      if (await putIfAbsent({ ...cycle, ...keys.cycle(plan.cycleId), entityType: ENTITY.cycle })) return 'stored';
      const winner = await get(keys.cycle(plan.cycleId));
      if (winner?.planHash === planHash) return 'same';
      throw planConflict(plan.cycleId);
    },

    async getPlan(cycleId) {
      const items = await queryAll({
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': cyclePartition(cycleId) },
        ConsistentRead: true,
      });
      const bySk = (sk: string) => items.find((i) => i.SK === sk);
      const planItem = bySk(keys.plan(cycleId).SK);
      if (!bySk(keys.cycle(cycleId).SK) || !planItem) return null;
      const units = items
        .filter((i) => typeof i.SK === 'string' && i.SK.startsWith(UNIT_PREFIX))
        .sort((a, b) => (a.order as number) - (b.order as number))
        .map((i) => unitFromItem(i) as Unit);
      const rest = strip<Omit<Plan, 'units'>>(planItem, ['planHash', 'unitCount'])!;
      return { ...rest, units } as Plan;
    },

    async getCycle(cycleId) {
      return strip<CycleRecord>(await get(keys.cycle(cycleId)));
    },

    async listCycles() {
      const listed = await queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': CYCLE_INDEX_PK }, ConsistentRead: true });
      const found = await batchGet(listed.map((i) => keys.cycle(String(i.cycleId))));
      // Only cycles whose record is written: a plan still being stored is not a cycle yet.
      return listed.map((i) => found.get(`${keys.cycle(String(i.cycleId)).PK}|CYCLE`)).filter((c) => c !== undefined).map((c) => strip<CycleRecord>(c)!);
    },

    async setCycleStatus(cycleId, status, now, extra) {
      const sets = ['#status = :status'];
      const values: Item = { ':status': status };
      if (extra?.executionName) {
        sets.push('executionName = :executionName');
        values[':executionName'] = extra.executionName;
      }
      if (status === 'forwarded' || status === 'closed') {
        const attr = status === 'forwarded' ? 'forwardedAt' : 'closedAt';
        sets.push(`${attr} = if_not_exists(${attr}, :now)`);
        values[':now'] = now;
      }
      try {
        await client.send(
          new UpdateCommand({
            TableName,
            Key: keys.cycle(cycleId),
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: values,
          }),
        );
      } catch (err) {
        // Like the memory repository: an unknown cycle is left alone.
        if (isConditionFailed(err)) return;
        throw translateDynamoError(err);
      }
    },

    async getUnit(cycleId, unitId) {
      return unitFromItem(await get(keys.unit(cycleId, unitId)));
    },

    /** Plan order; the cursor is the last unit id of the page (as in the memory repository). */
    async listUnits(cycleId, cursor, limit): Promise<Page<Unit>> {
      let start = 0;
      if (cursor) {
        const at = await get(keys.unit(cycleId, cursor), '#order', { '#order': 'order' });
        start = typeof at?.order === 'number' ? at.order + 1 : 0;
      }
      const first = Math.floor(start / UNIT_ORDER_CHUNK);
      const last = Math.floor((start + Math.max(limit, 1) - 1) / UNIT_ORDER_CHUNK);
      const chunks = await queryAll({
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': cyclePartition(cycleId),
          ':from': keys.unitOrder(cycleId, first).SK,
          ':to': keys.unitOrder(cycleId, last).SK,
        },
        ConsistentRead: true,
      });
      if (chunks.length === 0) return { items: [], cursor: null };
      const unitCount = chunks[0].unitCount as number;
      const ids = chunks.flatMap((c) => c.unitIds as string[]);
      const offset = start - first * UNIT_ORDER_CHUNK;
      const pageIds = limit > 0 ? ids.slice(offset, offset + limit) : [];
      const found = await batchGet(pageIds.map((id) => keys.unit(cycleId, id)));
      const items = pageIds.map((id) => {
        const k = keys.unit(cycleId, id);
        return unitFromItem(found.get(`${k.PK}|${k.SK}`)) as Unit;
      });
      const lastItem = items[items.length - 1];
      return { items, cursor: start + limit < unitCount && lastItem ? lastItem.id : null };
    },

    /*
     * Primary course: read the status item, then one transaction that moves latestVersion from what we read
     * to +1 and puts the version item with attribute_not_exists. Losing a race cancels the transaction
     * (nothing written); we read again and retry.
     */
    async addSubmission(input, audit, request) {
      const { cycleId, unitId, deliverableId, receivedAt } = input;
      const requestItemKey = request ? keys.submissionRequest(cycleId, unitId, sha256(request.key)) : undefined;
      // Over 400 KB DynamoDB refuses the item (a ValidationException, a 500 to the caller): say so first, and why.
      assertSubmissionFits(input);
      const statusKey = keys.deliverable(cycleId, unitId, deliverableId);
      const figures = input.selfAssessment?.figures;
      for (let attempt = 0; ; attempt++) {
        const status = await get(statusKey);
        const latest = (status?.latestVersion as number | undefined) ?? 0;
        const version = latest + 1;
        const submission: SubmissionVersion = { ...input, version };
        const statusWrite = status
          ? {
              Update: {
                TableName,
                Key: statusKey,
                // The latest version's figures go with it (the dashboard reads them here); a version without any clears them.
                UpdateExpression: `SET latestVersion = :version, lastReceivedAt = :receivedAt, latestOnTime = :onTime${
                  figures ? ', latestFigures = :figures' : status.latestFigures ? ' REMOVE latestFigures' : ''
                }`,
                ConditionExpression: 'latestVersion = :latest',
                ExpressionAttributeValues: {
                  ':version': version, ':receivedAt': receivedAt, ':latest': latest, ':onTime': input.onTime, ...(figures ? { ':figures': figures } : {}),
                },
              },
            }
          : {
              Put: {
                TableName,
                Item: {
                  ...statusKey,
                  entityType: ENTITY.deliverable,
                  cycleId,
                  unitId,
                  deliverableId,
                  latestVersion: version,
                  firstReceivedAt: receivedAt,
                  lastReceivedAt: receivedAt,
                  onTime: input.onTime,
                  latestOnTime: input.onTime,
                  ...(figures ? { latestFigures: figures } : {}),
                } satisfies Item & DeliverableStatus,
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            };
        // The first version of a deliverable counts in the cycle's totals, in the same transaction: exactly once.
        const totalsWrite = status ? [] : [totalsIncrement(cycleId, unitId, TOTALS_ATTRIBUTE.firstVersion(deliverableId, input.onTime))];
        try {
          await client.send(
            new TransactWriteCommand({
              TransactItems: [
                statusWrite,
                ...totalsWrite,
                {
                  Put: {
                    TableName,
                    Item: {
                      ...submission,
                      ...keys.submission(cycleId, unitId, deliverableId, version),
                      ...gsi1.submission(cycleId, unitId, deliverableId, version, receivedAt),
                      entityType: ENTITY.submission,
                    },
                    ConditionExpression: 'attribute_not_exists(PK)',
                  },
                },
                ...(audit ? [{ Put: auditPut({ ...audit, what: { ...audit.what, version } }) }] : []),
                ...(requestItemKey
                  ? [
                      {
                        Put: {
                          TableName,
                          // expiresAt is the table's TTL attribute: the key stands as long as the API's key record.
                          Item: { ...requestItemKey, entityType: ENTITY.submissionRequest, deliverableId, version, expiresAt: Math.ceil(request!.expiresAt / 1000) },
                          ConditionExpression: 'attribute_not_exists(PK) OR expiresAt < :nowSeconds',
                          ExpressionAttributeValues: { ':nowSeconds': Math.floor(Date.parse(receivedAt) / 1000) },
                        },
                      },
                    ]
                  : []),
              ],
            }),
          );
          return submission;
        } catch (err) {
          const codes = cancelCodes(err);
          // The request stored its version before (a retry after a crash that lost the answer): that one.
          const earlier = requestItemKey && codes.at(-1) === 'ConditionalCheckFailed' ? await versionOfRequest(cycleId, unitId, request!.key, Date.parse(receivedAt)) : null;
          if (earlier) return earlier;
          const lostRace = codes.includes('ConditionalCheckFailed') || codes.includes('TransactionConflict');
          if (!lostRace || attempt >= 20) throw translateDynamoError(lostRace ? transactionContention(codes) : err);
          await backoff(Math.min(attempt, 4));
        }
      }
    },

    async getSubmissionByRequest(cycleId, unitId, requestKey, now) {
      return versionOfRequest(cycleId, unitId, requestKey, now);
    },

    async getDeliverableStatus(cycleId, unitId, deliverableId) {
      return strip<DeliverableStatus>(await get(keys.deliverable(cycleId, unitId, deliverableId)));
    },

    async listSubmissions(cycleId) {
      return (await listByGsi(cycleId, 'SUB')).map((i) => strip<SubmissionVersion>(i)!);
    },

    async listDeliverableStatuses(cycleId, unitId) {
      return (await queryUnit(cycleId, unitId, DELIVERABLE_PREFIX)).map((i) => strip<DeliverableStatus>(i)!);
    },

    async listUnitSubmissions(cycleId, unitId) {
      return (await queryUnit(cycleId, unitId, SUBMISSION_PREFIX)).map((i) => strip<SubmissionVersion>(i)!);
    },

    async getSubmission(cycleId, unitId, deliverableId, version) {
      return strip<SubmissionVersion>(await get(keys.submission(cycleId, unitId, deliverableId, version)));
    },

    async putUpload(upload) {
      if (!(await putIfAbsent({ ...upload, ...keys.upload(upload.cycleId, upload.unitId, upload.uploadId), entityType: ENTITY.upload }))) {
        throw new Error(`upload ${upload.uploadId} exists already`);
      }
    },

    async getUpload(cycleId, unitId, uploadId) {
      return strip<Upload>(await get(keys.upload(cycleId, unitId, uploadId)));
    },

    /** One conditional update from 'pending'; the loser reads the winner's result. */
    async completeUploadCheck(cycleId, unitId, uploadId, result) {
      const Key = keys.upload(cycleId, unitId, uploadId);
      const fields = Object.entries(result).filter(([, v]) => v !== undefined);
      try {
        const res = await client.send(
          new UpdateCommand({
            TableName,
            Key,
            UpdateExpression: `SET ${fields.map(([k]) => `#${k} = :${k}`).join(', ')}`,
            ConditionExpression: 'attribute_exists(PK) AND #status = :pending',
            ExpressionAttributeNames: Object.fromEntries(fields.map(([k]) => [`#${k}`, k])),
            ExpressionAttributeValues: { ...Object.fromEntries(fields.map(([k, v]) => [`:${k}`, v])), ':pending': 'pending' },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { updated: true, upload: strip<Upload>(res.Attributes as Item)! };
      } catch (err) {
        if (!isConditionFailed(err)) throw translateDynamoError(err);
      }
      const stored = strip<Upload>(await get(Key));
      if (!stored) throw new Error(`upload ${uploadId} does not exist`);
      return { updated: false, upload: stored };
    },

    async putWaitToken(token: WaitToken) {
      await send(() =>
        client.send(
          new PutCommand({
            TableName,
            Item: { ...token, ...keys.waitToken(token.cycleId, token.unitId, token.kind, token.key), entityType: ENTITY.waitToken },
          }),
        ),
      );
    },

    async getWaitToken(cycleId, unitId, kind, key) {
      return strip<WaitToken>(await get(keys.waitToken(cycleId, unitId, kind, key)));
    },

    async recordDecision(decision) {
      const { cycleId, unitId, round, decidedAt } = decision;
      const recorded = await putIfAbsent({
        ...decision,
        ...keys.decision(cycleId, unitId, round),
        ...gsi1.decision(cycleId, unitId, round, decidedAt),
        entityType: ENTITY.decision,
      });
      if (recorded) return { recorded: true, decision: { ...decision } };
      const existing = strip<ReviewDecision>(await get(keys.decision(cycleId, unitId, round)))!;
      return { recorded: false, decision: existing };
    },

    async getDecision(cycleId, unitId, round) {
      return strip<ReviewDecision>(await get(keys.decision(cycleId, unitId, round)));
    },

    async listDecisions(cycleId) {
      return (await listByGsi(cycleId, 'DECISION')).map((i) => strip<ReviewDecision>(i)!);
    },

    /**
     * Its own item in the unit's partition (not an attribute of the UNIT item): the unit items stay immutable.
     * Put only if absent, and counted in the cycle's totals in the same transaction, so a retry counts nothing.
     */
    async recordOutcome(cycleId, unitId, outcome: UnitOutcomeStatus, now) {
      const record: UnitOutcomeRecord = { cycleId, unitId, outcome, recordedAt: now };
      for (let attempt = 0; ; attempt++) {
        try {
          await client.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Put: {
                    TableName,
                    Item: { ...record, ...keys.outcome(cycleId, unitId), ...gsi1.outcome(cycleId, unitId, now), entityType: ENTITY.outcome },
                    ConditionExpression: 'attribute_not_exists(PK)',
                  },
                },
                totalsIncrement(cycleId, unitId, TOTALS_ATTRIBUTE.outcome(outcome)),
              ],
            }),
          );
          return { recorded: true, outcome };
        } catch (err) {
          const codes = cancelCodes(err);
          if (codes[0] === 'ConditionalCheckFailed') break;
          if (!codes.includes('TransactionConflict') || attempt >= 20) throw translateDynamoError(err);
          await backoff(Math.min(attempt, 4));
        }
      }
      const existing = await get(keys.outcome(cycleId, unitId));
      return { recorded: false, outcome: existing?.outcome as UnitOutcomeStatus };
    },

    async getOutcome(cycleId, unitId) {
      return strip<UnitOutcomeRecord>(await get(keys.outcome(cycleId, unitId)));
    },

    async listOutcomes(cycleId) {
      return (await listByGsi(cycleId, 'OUTCOME')).map((i) => strip<UnitOutcomeRecord>(i)!);
    },

    async claimMessage(entry, leaseExpiredBefore): Promise<ClaimResult> {
      const key = keys.message(entry);
      try {
        await client.send(
          new PutCommand({
            TableName,
            Item: { ...entry, status: 'sending', ...key, ...gsi1.message(entry, entry.claimedAt), entityType: ENTITY.message },
            ConditionExpression: 'attribute_not_exists(PK) OR (#status = :sending AND claimedAt < :leaseExpiredBefore)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':sending': 'sending', ':leaseExpiredBefore': leaseExpiredBefore },
          }),
        );
        return 'claimed';
      } catch (err) {
        if (!isConditionFailed(err)) throw translateDynamoError(err);
      }
      const existing = await get(key, '#status', { '#status': 'status' });
      return existing?.status === 'sent' ? 'sent' : 'in-flight';
    },

    async releaseMessage(key, claimedAt) {
      const k = messageKeyOf(key);
      try {
        await client.send(
          new DeleteCommand({
            TableName,
            Key: keys.message(k),
            ConditionExpression: '#status = :sending AND claimedAt = :claimedAt',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':sending': 'sending', ':claimedAt': claimedAt },
          }),
        );
      } catch (err) {
        // Someone else's claim by now, or sent: nothing of ours to give back.
        if (!isConditionFailed(err)) throw translateDynamoError(err);
      }
    },

    async markMessageSent(key, messageId, sentAt) {
      const k = messageKeyOf(key);
      try {
        await client.send(
          new UpdateCommand({
            TableName,
            Key: keys.message(k),
            UpdateExpression: 'SET #status = :sent, sentAt = :sentAt, messageId = :messageId, GSI1SK = :gsi1sk',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':sent': 'sent',
              ':sentAt': sentAt,
              ':messageId': messageId,
              ':gsi1sk': gsi1.message(k, sentAt).GSI1SK,
            },
          }),
        );
      } catch (err) {
        if (!isConditionFailed(err)) throw translateDynamoError(err);
        throw new NotFoundError(
          { zh: '没有这条消息的发送记录', en: 'no ledger entry for this message' },
          { ...k },
        );
      }
    },

    async listMessages(cycleId) {
      return (await listByGsi(cycleId, 'MSG')).map((i) => strip<LedgerEntry>(i)!);
    },

    async listUnitMessages(cycleId, unitId) {
      return (await queryUnit(cycleId, unitId, MESSAGE_PREFIX)).map((i) => strip<LedgerEntry>(i)!);
    },

    async signNotice(signature) {
      const key = keys.noticeSignature(signature.cycleId, signature.unitId, signature.messageId);
      if (await putIfAbsent({ ...signature, ...key, entityType: ENTITY.noticeSignature })) return { recorded: true, signature: { ...signature } };
      return { recorded: false, signature: strip<NoticeSignature>(await get(key))! };
    },

    async listNoticeSignatures(cycleId, unitId) {
      return (await queryUnit(cycleId, unitId, SIGNATURE_PREFIX)).map((i) => strip<NoticeSignature>(i)!);
    },

    async putProposal(proposal) {
      const key = keys.proposal(proposal.cycleId, proposal.unitId, proposal.proposalId);
      const item = { ...proposal, ...key, ...gsi1.proposal(proposal.cycleId, proposal.unitId, proposal.proposalId, proposal.proposedAt), entityType: ENTITY.proposal };
      if (await putIfAbsent(item)) return { recorded: true, proposal: { ...proposal } };
      return { recorded: false, proposal: strip<SupervisionProposal>(await get(key))! };
    },

    async getProposal(cycleId, unitId, proposalId) {
      return strip<SupervisionProposal>(await get(keys.proposal(cycleId, unitId, proposalId)));
    },

    async listProposals(cycleId) {
      return (await listByGsi(cycleId, 'PROPOSAL')).map((i) => strip<SupervisionProposal>(i)!);
    },

    /** Conditional update: only a proposal still 'proposed' takes a decision; otherwise the stored one is returned. */
    async decideProposal(cycleId, unitId, proposalId, decision) {
      const key = keys.proposal(cycleId, unitId, proposalId);
      try {
        const r = await client.send(
          new UpdateCommand({
            TableName,
            Key: key,
            UpdateExpression: `SET #status = :status, decidedBy = :by, decidedAt = :at${decision.reason === undefined ? '' : ', reason = :reason'}`,
            ConditionExpression: '#status = :proposed',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':status': decision.status, ':by': decision.decidedBy, ':at': decision.decidedAt, ':proposed': 'proposed',
              ...(decision.reason === undefined ? {} : { ':reason': decision.reason }),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { recorded: true, proposal: strip<SupervisionProposal>(r.Attributes as Item)! };
      } catch (err) {
        if (!isConditionFailed(err)) throw translateDynamoError(err);
        const stored = strip<SupervisionProposal>(await get(key));
        return stored ? { recorded: false, proposal: stored } : null;
      }
    },

    async recordForwarding(record) {
      if (await putIfAbsent({ ...record, ...keys.forwarding(record.cycleId), entityType: ENTITY.forwarding })) return { ...record };
      return strip<ForwardingRecord>(await get(keys.forwarding(record.cycleId)))!;
    },

    async appendAudit(entry: AuditEntry) {
      if (entry.key !== undefined) {
        // Keyed: written once; the GSI entry still sorts by the first write's `at`.
        await putIfAbsent({
          ...entry,
          ...keys.auditOnce(entry.cycleId, entry.key),
          ...gsi1.auditOnce(entry.cycleId, entry.unitId, entry.at, entry.key),
          entityType: ENTITY.audit,
        });
        return;
      }
      await send(() => client.send(new PutCommand(auditPut(entry))));
    },

    async listAudit(cycleId) {
      return (await listByGsi(cycleId, 'AUDIT')).map((i) => strip<AuditEntry>(i)!);
    },

    /** Conditional put: no record yet, or a 'fixed' one older than this bounce; otherwise the standing record wins. */
    async markContactUndeliverable(input) {
      const email = input.email.toLowerCase();
      const status: ContactStatus = { ...input, email, status: 'undeliverable' };
      const key = keys.contactStatus(email);
      try {
        await client.send(
          new PutCommand({
            TableName,
            Item: { ...status, ...key, entityType: ENTITY.contactStatus },
            ConditionExpression: 'attribute_not_exists(PK) OR (#status = :fixed AND fixedAt < :since)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':fixed': 'fixed', ':since': status.since },
          }),
        );
        return { marked: true, status };
      } catch (err) {
        if (!isConditionFailed(err)) throw translateDynamoError(err);
      }
      return { marked: false, status: strip<ContactStatus>(await get(key))! };
    },

    async getContactStatus(email) {
      return strip<ContactStatus>(await get(keys.contactStatus(email)));
    },

    async clearContactStatus(email, by, at) {
      try {
        const res = await client.send(
          new UpdateCommand({
            TableName,
            Key: keys.contactStatus(email),
            UpdateExpression: 'SET #status = :fixed, fixedBy = :by, fixedAt = :at',
            ConditionExpression: '#status = :undeliverable',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':fixed': 'fixed', ':undeliverable': 'undeliverable', ':by': by, ':at': at },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return strip<ContactStatus>(res.Attributes as Item | undefined);
      } catch (err) {
        if (isConditionFailed(err)) return null;
        throw translateDynamoError(err);
      }
    },

    /** A plain put: the key holds grantedAt, so a second grant is a second item (a retry rewrites the same one). */
    async grantExtension(extension) {
      const { cycleId, unitId, deliverableId, grantedAt } = extension;
      await send(() =>
        client.send(
          new PutCommand({
            TableName,
            Item: {
              ...extension,
              ...keys.extension(cycleId, unitId, deliverableId, grantedAt),
              ...gsi1.extension(cycleId, unitId, deliverableId, grantedAt),
              entityType: ENTITY.extension,
            },
          }),
        ),
      );
    },

    async listCycleExtensions(cycleId) {
      return (await listByGsi(cycleId, 'EXTENSION')).map((i) => strip<Extension>(i)!);
    },

    async listExtensions(cycleId, unitId) {
      const items = await queryUnit(cycleId, unitId, EXTENSION_PREFIX);
      return items
        .map((i) => strip<Extension>(i)!)
        .sort((a, b) => a.grantedAt.localeCompare(b.grantedAt) || a.deliverableId.localeCompare(b.deliverableId));
    },

    async setUnitRun(cycleId, unitId, executionName) {
      await send(() =>
        client.send(
          new PutCommand({
            TableName,
            Item: { cycleId, unitId, executionName, ...keys.unitRun(cycleId, unitId), entityType: ENTITY.unitRun },
          }),
        ),
      );
    },

    async getUnitRun(cycleId, unitId) {
      const item = await get(keys.unitRun(cycleId, unitId));
      return typeof item?.executionName === 'string' ? item.executionName : null;
    },

    // ---- The dashboard's reads ------------------------------------------------------------------------

    /** One query over the unit's partition (see UNIT_FACTS_RANGE); eventually consistent, like the listings it replaces. */
    async readUnitFacts(cycleId, unitId): Promise<UnitFacts> {
      const items = await queryAll({
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': unitPartition(cycleId, unitId), ':from': UNIT_FACTS_RANGE.from, ':to': UNIT_FACTS_RANGE.to },
      });
      const of = <T>(entity: string) => items.filter((i) => i.entityType === entity).map((i) => strip<T>(i)!);
      return {
        statuses: of<DeliverableStatus>(ENTITY.deliverable),
        messages: of<LedgerEntry>(ENTITY.message),
        decisions: of<ReviewDecision>(ENTITY.decision).sort((a, b) => a.round - b.round),
        outcome: of<UnitOutcomeRecord>(ENTITY.outcome)[0] ?? null,
        extensions: of<Extension>(ENTITY.extension).sort((a, b) => a.grantedAt.localeCompare(b.grantedAt) || a.deliverableId.localeCompare(b.deliverableId)),
        signatures: of<NoticeSignature>(ENTITY.noticeSignature),
        drawFailures: of<InspectionDrawFailure>(ENTITY.inspectionDrawFailure),
      };
    },

    /** The 16 counter items in one BatchGet, summed. */
    async getCycleTotals(cycleId): Promise<CycleTotals> {
      const found = await batchGet(Array.from({ length: LISTING_SHARDS }, (_, shard) => totalsKey(cycleId, shard)));
      const totals: CycleTotals = { firstVersions: {}, outcomes: {} };
      for (const item of found.values()) {
        for (const [name, value] of Object.entries(item)) {
          if (typeof value !== 'number') continue;
          const sub = /^SUB#(.+)#(onTime|late)$/.exec(name);
          if (sub) {
            const t = (totals.firstVersions[sub[1]] ??= { onTime: 0, late: 0 });
            t[sub[2] as 'onTime' | 'late'] += value;
          } else if (name.startsWith('OUTCOME#')) {
            const o = name.slice('OUTCOME#'.length) as UnitOutcomeStatus;
            totals.outcomes[o] = (totals.outcomes[o] ?? 0) + value;
          }
        }
      }
      return totals;
    },

    // ---- Idempotency keys ----------------------------------------------------------------------------
    /*
     * One item per caller, route and key. `expiresAt` is the table's TTL attribute (epoch seconds); TTL
     * deletes late (up to days), so an expired item is treated as absent by the claim's condition too.
     */
    async claimIdempotencyKey(scope, claim) {
      const Key = keys.idempotencyKey(scope.caller, scope.route, scope.key);
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await client.send(
            new PutCommand({
              TableName,
              Item: {
                ...Key, entityType: ENTITY.idempotencyKey, caller: scope.caller, route: scope.route, key: scope.key,
                state: 'in-progress', fingerprint: claim.fingerprint, claimId: claim.claimId, leaseUntil: claim.leaseUntil,
                expiresAt: Math.ceil(claim.expiresAt / 1000),
              },
              ConditionExpression: 'attribute_not_exists(PK) OR expiresAt < :nowSeconds OR (#state = :inProgress AND leaseUntil < :now)',
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: { ':nowSeconds': Math.floor(claim.now / 1000), ':inProgress': 'in-progress', ':now': claim.now },
            }),
          );
          return { claimed: true as const };
        } catch (err) {
          if (!isConditionFailed(err)) throw translateDynamoError(err);
        }
        const item = await get(Key);
        // Gone between the two calls (released, or deleted by TTL): claim again.
        if (item) return { claimed: false as const, record: idempotencyRecordOf(item) };
      }
      throw new TransientError({ zh: '请求正在被反复处理，请稍后重试', en: 'the idempotency key changed hands three times in a row' });
    },

    async completeIdempotencyKey(scope, claimId, outcome) {
      const fields = Object.entries({ state: 'completed', ...outcome }).filter(([, v]) => v !== undefined);
      try {
        await client.send(
          new UpdateCommand({
            TableName,
            Key: keys.idempotencyKey(scope.caller, scope.route, scope.key),
            UpdateExpression: `SET ${fields.map(([k]) => `#${k} = :${k}`).join(', ')} REMOVE leaseUntil`,
            ConditionExpression: '#state = :inProgress AND claimId = :claimId',
            ExpressionAttributeNames: Object.fromEntries(fields.map(([k]) => [`#${k}`, k])),
            ExpressionAttributeValues: { ...Object.fromEntries(fields.map(([k, v]) => [`:${k}`, v])), ':inProgress': 'in-progress', ':claimId': claimId },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailed(err)) return false;
        throw translateDynamoError(err);
      }
    },

    async releaseIdempotencyKey(scope, claimId) {
      try {
        await client.send(
          new DeleteCommand({
            TableName,
            Key: keys.idempotencyKey(scope.caller, scope.route, scope.key),
            ConditionExpression: '#state = :inProgress AND claimId = :claimId',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':inProgress': 'in-progress', ':claimId': claimId },
          }),
        );
      } catch (err) {
        // Not ours any more (completed, or claimed again after our lease ran out): nothing to give back.
        if (!isConditionFailed(err)) throw translateDynamoError(err);
      }
    },
    // ---- end of idempotency keys ---------------------------------------------------------------------
  };
}

// ---- Idempotency keys --------------------------------------------------------------------------------------
function idempotencyRecordOf(item: Item): IdempotencyRecord {
  const expiresAt = Number(item.expiresAt) * 1000;
  const fingerprint = String(item.fingerprint);
  if (item.state === 'in-progress') {
    return { state: 'in-progress', fingerprint, claimId: String(item.claimId), leaseUntil: Number(item.leaseUntil), expiresAt };
  }
  const completedAt = String(item.completedAt);
  if (item.kind === 'kept') return { state: 'completed', fingerprint, expiresAt, kind: 'kept', completedAt, response: item.response as KeptResponse };
  return {
    state: 'completed', fingerprint, expiresAt, kind: 'not-kept', completedAt, status: Number(item.status), bytes: Number(item.bytes),
    ...(typeof item.location === 'string' ? { location: item.location } : {}),
  };
}
// ---- end of idempotency keys -------------------------------------------------------------------------------

function transactionContention(codes: string[]) {
  return new TransientError(
    { zh: '同一材料同时提交过多，请稍后重试', en: 'too many concurrent submissions of one deliverable' },
    { cancellationReasons: codes },
  );
}
