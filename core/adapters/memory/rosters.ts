/**
 * Registered rosters and inspection samples in memory, with the DynamoDB adapter's behaviour
 * (../dynamodb/rosters.ts): versions kept, a stale version stores nothing, a registration writes the roster
 * deliverable's status with its version, a sample is recorded once.
 */
import type { AuditEntry, DeliverableStatus } from '../../model';
import type { InspectionDrawFailure, InspectionSample, RosterVersion } from '../../inspection/model';
import type { CycleRepository } from '../../ports';

type RosterMethods = Pick<CycleRepository, 'getRoster' | 'listRosterVersions' | 'putRoster' | 'recordSample' | 'getSample' | 'putDrawFailure' | 'getDrawFailure'>;
const clone = <T>(v: T): T => structuredClone(v);

/** `deliverables`: the repository's deliverable statuses (`cycle|unit|deliverable`), which a registration writes as addSubmission does. */
export function makeMemoryRosterMethods(audit: AuditEntry[], deliverables: Map<string, DeliverableStatus>): RosterMethods & { rosterDump(): unknown; drawFailuresOf(cycleId: string, unitId: string): InspectionDrawFailure[] } {
  const rosters: RosterVersion[] = [];
  const samples = new Map<string, InspectionSample>();
  const failures = new Map<string, InspectionDrawFailure>();
  const mine = (cycleId: string, unitId: string) => rosters.filter((v) => v.cycleId === cycleId && v.unitId === unitId);
  const sampleKey = (cycleId: string, unitId: string, windowId: string) => [cycleId, unitId, windowId].join('|');
  return {
    async getRoster(cycleId, unitId) {
      return clone(mine(cycleId, unitId).at(-1) ?? null);
    },
    async listRosterVersions(cycleId, unitId) {
      return clone(mine(cycleId, unitId));
    },
    async putRoster(version, entry, due) {
      const current = mine(version.cycleId, version.unitId).at(-1) ?? null;
      if ((current?.version ?? 0) !== version.version - 1) return { recorded: false, current: clone(current) };
      rosters.push(clone(version));
      audit.push(clone(entry));
      if (due) {
        const k = [version.cycleId, version.unitId, due.deliverableId].join('|');
        const status = deliverables.get(k);
        deliverables.set(k, {
          cycleId: version.cycleId, unitId: version.unitId, deliverableId: due.deliverableId, latestVersion: version.version,
          firstReceivedAt: status?.firstReceivedAt ?? version.registeredAt, lastReceivedAt: version.registeredAt,
          onTime: status ? status.onTime : due.onTime, latestOnTime: due.onTime,
        });
      }
      return { recorded: true, current: clone(version) };
    },
    async recordSample(sample, entry) {
      const key = sampleKey(sample.cycleId, sample.unitId, sample.windowId);
      const had = samples.get(key);
      if (had) return { recorded: false, sample: clone(had) };
      samples.set(key, clone(sample));
      audit.push(clone(entry));
      return { recorded: true, sample: clone(sample) };
    },
    async getSample(cycleId, unitId, windowId) {
      return clone(samples.get(sampleKey(cycleId, unitId, windowId)) ?? null);
    },
    async putDrawFailure(failure) {
      failures.set(sampleKey(failure.cycleId, failure.unitId, failure.windowId), clone(failure));
    },
    async getDrawFailure(cycleId, unitId, windowId) {
      return clone(failures.get(sampleKey(cycleId, unitId, windowId)) ?? null);
    },
    drawFailuresOf(cycleId, unitId) {
      return clone([...failures.values()].filter((f) => f.cycleId === cycleId && f.unitId === unitId).sort((a, b) => a.windowId.localeCompare(b.windowId)));
    },
    rosterDump() {
      return { rosters, samples };
    },
  };
}
