/**
 * Registered rosters (社区/村名单) and inspection samples (抽样) in DynamoDB, kept apart from ./repository.ts,
 * which spreads these methods into the CycleRepository it builds (as ./directory.ts).
 *
 * Items (keys from ./keys.ts), in the unit's partition, outside the dashboard's UNIT_FACTS_RANGE:
 * - `COMMUNITIES#0001`…: every roster version, kept for good; the newest is the current one. A version is
 *   written with its audit entry in one transaction, only if absent and (from version 2) the version
 *   before it exists: a stale registration stores nothing. When the plan asks for the roster, the same
 *   transaction writes the roster deliverable's status (`DELIVERABLE#roster-registration`, inside the dashboard's
 *   range) and counts its first version in the cycle's totals, as addSubmission does for a report.
 * - `CHECK-SAMPLE#<windowId>`: the unit's sample of a window, written once with its audit entry.
 * - `DRAW-FAILURE#<windowId>`: the unit's failed draw of a window, overwritten by each failed attempt (inside the
 *   dashboard's range: the dashboard shows it).
 */
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { InspectionDrawFailure, InspectionSample, RosterVersion } from '../../inspection/model';
import type { CycleRepository } from '../../ports';
import type { DirectoryStoreDeps } from './directory';
import { ENTITY, ROSTER_VERSION_PREFIX, TOTALS_ATTRIBUTE, keys, unitPartition } from './keys';
import { cancelCodes, sleep, strip } from './item';

type Item = Record<string, unknown>;
type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];
type RosterMethods = Pick<CycleRepository, 'getRoster' | 'listRosterVersions' | 'putRoster' | 'recordSample' | 'getSample' | 'putDrawFailure' | 'getDrawFailure'>;

/**
 * `totalsIncrement`: the repository's counter update (a TransactWrite item), with which a roster's first version
 * counts in the cycle's totals as a deliverable's first version does.
 */
export function makeRosterMethods(d: DirectoryStoreDeps, totalsIncrement: (cycleId: string, unitId: string, attribute: string) => TransactItem): RosterMethods {
  const { client, TableName } = d;
  const versions = (cycleId: string, unitId: string) => ({
    KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': unitPartition(cycleId, unitId), ':from': `${ROSTER_VERSION_PREFIX}0000`, ':to': `${ROSTER_VERSION_PREFIX}9999` },
    ConsistentRead: true,
  });

  /** Runs a transaction, retrying conflicts; 'condition' when one of the given items' conditions failed. */
  const transact = async (items: ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems'], conditional: number[]) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.send(new TransactWriteCommand({ TransactItems: items }));
        return 'written' as const;
      } catch (err) {
        const codes = cancelCodes(err);
        if (conditional.some((i) => codes[i] === 'ConditionalCheckFailed')) return 'condition' as const;
        if (!codes.includes('TransactionConflict') || attempt >= 20) throw d.translateDynamoError(err);
        await sleep(Math.min(1000, 20 * 2 ** Math.min(attempt, 4)) * (0.5 + Math.random()));
      }
    }
  };

  const methods: RosterMethods = {
    async getRoster(cycleId, unitId) {
      // The newest version: the last of the range (a handful of versions, read whole and consistently).
      const items = await d.queryAll(versions(cycleId, unitId));
      return strip<RosterVersion>(items.at(-1));
    },

    async listRosterVersions(cycleId, unitId) {
      return (await d.queryAll(versions(cycleId, unitId))).map((i) => strip<RosterVersion>(i)!);
    },

    async putRoster(version, audit, due) {
      const { cycleId, unitId } = version;
      const previous = version.version > 1 ? keys.rosterVersion(cycleId, unitId, version.version - 1) : null;
      // The roster deliverable's status, as addSubmission writes a deliverable's: one update for every version (the
      // first's fields only if absent, so a roster registered before registrations wrote a status gets one at its
      // next version), and the version that creates it counted once in the totals.
      // Counted when the status is created, not by version number: a roster whose first versions came before
      // registrations wrote a status is counted at the version that creates it (as the in-memory adapter does).
      // The version's own condition keeps a retry or a concurrent write from counting twice.
      const statusAbsent = due ? (await d.get(keys.deliverable(cycleId, unitId, due.deliverableId))) === undefined : false;
      const statusWrites: TransactItem[] = due
        ? [
            {
              Update: {
                TableName,
                Key: keys.deliverable(cycleId, unitId, due.deliverableId),
                UpdateExpression:
                  'SET entityType = :entity, cycleId = :cycleId, unitId = :unitId, deliverableId = :deliverableId, latestVersion = :version, ' +
                  'lastReceivedAt = :at, latestOnTime = :onTime, firstReceivedAt = if_not_exists(firstReceivedAt, :at), onTime = if_not_exists(onTime, :onTime)',
                ExpressionAttributeValues: {
                  ':entity': ENTITY.deliverable, ':cycleId': cycleId, ':unitId': unitId, ':deliverableId': due.deliverableId,
                  ':version': version.version, ':at': version.registeredAt, ':onTime': due.onTime,
                },
              },
            },
            ...(statusAbsent ? [totalsIncrement(cycleId, unitId, TOTALS_ATTRIBUTE.firstVersion(due.deliverableId, due.onTime))] : []),
          ]
        : [];
      const outcome = await transact(
        [
          {
            Put: {
              TableName,
              Item: { ...version, ...keys.rosterVersion(cycleId, unitId, version.version), entityType: ENTITY.rosterVersion },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          ...(previous ? [{ ConditionCheck: { TableName, Key: previous, ConditionExpression: 'attribute_exists(PK)' } }] : []),
          { Put: d.auditPut(audit) },
          ...statusWrites,
        ],
        previous ? [0, 1] : [0],
      );
      if (outcome === 'written') return { recorded: true, current: { ...version } };
      return { recorded: false, current: await methods.getRoster(cycleId, unitId) };
    },

    async recordSample(sample, audit) {
      const key = keys.inspectionSample(sample.cycleId, sample.unitId, sample.windowId);
      const outcome = await transact(
        [
          { Put: { TableName, Item: { ...sample, ...key, entityType: ENTITY.inspectionSample }, ConditionExpression: 'attribute_not_exists(PK)' } },
          { Put: d.auditPut(audit) },
        ],
        [0],
      );
      if (outcome === 'written') return { recorded: true, sample: { ...sample } };
      return { recorded: false, sample: strip<InspectionSample>(await d.get(key))! };
    },

    async getSample(cycleId, unitId, windowId) {
      return strip<InspectionSample>(await d.get(keys.inspectionSample(cycleId, unitId, windowId)));
    },

    async putDrawFailure(failure) {
      const key = keys.drawFailure(failure.cycleId, failure.unitId, failure.windowId);
      try {
        await client.send(new PutCommand({ TableName, Item: { ...failure, ...key, entityType: ENTITY.inspectionDrawFailure } }));
      } catch (err) {
        throw d.translateDynamoError(err);
      }
    },

    async getDrawFailure(cycleId, unitId, windowId) {
      return strip<InspectionDrawFailure>(await d.get(keys.drawFailure(cycleId, unitId, windowId)));
    },
  };
  return methods;
}
