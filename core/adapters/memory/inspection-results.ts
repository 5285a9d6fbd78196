/**
 * Inspection results and score sheets in memory, with the DynamoDB adapter's behaviour
 * (../dynamodb/inspection-results.ts): a write lands only on the version it was made from, with its audit entry.
 */
import type { AuditEntry } from '../../model';
import type { InspectionResult, InspectionScoreSheet } from '../../inspection/model';
import type { CycleRepository } from '../../ports';

type Methods = Pick<CycleRepository, 'listInspectionResults' | 'putInspectionResult' | 'getInspectionScore' | 'putInspectionScore'>;
const clone = <T>(v: T): T => structuredClone(v);

export function makeMemoryInspectionResultMethods(audit: AuditEntry[]): Methods & { inspectionDump(): unknown } {
  const results = new Map<string, InspectionResult>();
  const sheets = new Map<string, InspectionScoreSheet>();
  const win = (cycleId: string, unitId: string, windowId: string) => [cycleId, unitId, windowId].join('|');
  return {
    async listInspectionResults(cycleId, unitId, windowId) {
      const prefix = `${win(cycleId, unitId, windowId)}|`;
      return clone([...results].filter(([k]) => k.startsWith(prefix)).map(([, r]) => r).sort((a, b) => a.position - b.position));
    },
    async putInspectionResult(result, entry) {
      const key = `${win(result.cycleId, result.unitId, result.windowId)}|${result.position}`;
      const current = results.get(key) ?? null;
      if ((current?.version ?? 0) !== result.version - 1) return { recorded: false, current: clone(current) };
      results.set(key, clone(result));
      audit.push(clone(entry));
      return { recorded: true, current: clone(result) };
    },
    async getInspectionScore(cycleId, unitId, windowId) {
      return clone(sheets.get(win(cycleId, unitId, windowId)) ?? null);
    },
    async putInspectionScore(sheet, entry) {
      const key = win(sheet.cycleId, sheet.unitId, sheet.windowId);
      const current = sheets.get(key) ?? null;
      if ((current?.version ?? 0) !== sheet.version - 1) return { recorded: false, current: clone(current) };
      sheets.set(key, clone(sheet));
      audit.push(clone(entry));
      return { recorded: true, current: clone(sheet) };
    },
    inspectionDump() {
      return { inspectionResults: results, inspectionSheets: sheets };
    },
  };
}
