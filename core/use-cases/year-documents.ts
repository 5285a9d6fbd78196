/**
 * The year's documents: generated when the list goes to the superior, stored in the documents bucket, each
 * recorded once; listed for the city office with short-lived download links.
 *
 * Primary course (GenerateYearDocuments, a task of its own before ForwardToProvince): read what is recorded -> gather the data (./year-report.ts) -> for each
 * document not recorded yet, generate it (dated by the forwarding record), put its bytes under its fixed key, then record it (name, key, SHA-256, size, kind) -> return the records,
 * which the forwarding email lists. A retry finds the records and stores nothing; one that died between a
 * put and its record puts the same bytes again (the generation is deterministic) and records them. Each
 * document is recorded as soon as it is stored, so an attempt killed at its timeout leaves its retry only
 * what it had not finished. ForwardToProvince then reads the records (forwardedDocuments) and mails them.
 */
import { createHash } from 'node:crypto';
import { DOWNLOAD_LINK_SECONDS } from '../documents';
import { criticismDraft, forwardingReport, provinceWorkbook, type YearReport } from '../exports';
import { YearDocumentsMissingError } from '../errors';
import type { CycleDocument, CycleDocumentKind, ForwardingRecord } from '../model';
import type { Plan } from '../plan/schema';
import type { Context } from './context';
import { beijing } from './view-parts';
import { inspectionStandings } from './inspection-results';
import { buildYearReport, criticizedUnits, type InspectionFacts } from './year-report';

export const CONTENT_TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
} as const;

/**
 * `documents/<cycleId>/_cycle/forwarding/<documentId>.<ext>`: under documents/ (the server's own prefix) and
 * `_cycle`, which no unit id can be (ids are slugs without `_`), so it never meets a unit's uploads.
 */
export const documentKey = (cycleId: string, documentId: string, ext: 'xlsx' | 'docx') => `documents/${cycleId}/_cycle/forwarding/${documentId}.${ext}`;

interface Planned {
  documentId: string;
  kind: CycleDocumentKind;
  unitId: string | null;
  name: string;
  ext: 'xlsx' | 'docx';
  generate(): Promise<Buffer>;
}

function plannedDocuments(report: YearReport): Planned[] {
  const { fileNames } = report;
  return [
    { documentId: 'province-workbook', kind: 'province-workbook', unitId: null, name: fileNames.workbook, ext: 'xlsx', generate: () => provinceWorkbook(report) },
    { documentId: 'forwarding-report', kind: 'forwarding-report', unitId: null, name: fileNames.report, ext: 'docx', generate: () => forwardingReport(report) },
    ...report.criticisms.map((c): Planned => ({
      documentId: `criticism-draft-${c.unitId}`, kind: 'criticism-draft', unitId: c.unitId, name: fileNames.criticism(c.name), ext: 'docx',
      generate: () => criticismDraft(report, c),
    })),
  ];
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Generates, stores and records what is not recorded yet; returns every document of the forwarding, in order. */
export async function storeYearDocuments(ctx: Context, forwarding: ForwardingRecord): Promise<CycleDocument[]> {
  const { cycleId } = forwarding;
  const recorded = new Map((await ctx.repo.listCycleDocuments(cycleId)).map((d) => [d.documentId, d]));
  // The cross-inspection's figures per unit (抽查合格率, failed veto items), from the recorded results.
  const standings = await inspectionStandings(ctx, cycleId);
  const inspection = (unitId: string): InspectionFacts | undefined => {
    const s = standings.get(unitId)?.standing;
    return s?.recorded
      ? { sampledPassRate: s.sampledPassRate, ...(s.score !== null ? { vetoFailed: s.vetoFailed } : {}), disqualified: s.disqualifiedBy.length > 0 }
      : undefined;
  };
  const { plan } = await ctx.loadPlan(cycleId);
  // With a cross-inspection, the workbook ranks as the score view does (one rule: core/ranking.ts).
  const inspectionRank = plan.inspection ? (unitId: string) => standings.get(unitId)?.rank ?? null : undefined;
  const report = await buildYearReport(ctx, { cycleId, forwarding, inspection, ...(inspectionRank ? { inspectionRank } : {}) });
  const out: CycleDocument[] = [];
  for (const p of plannedDocuments(report)) {
    const have = recorded.get(p.documentId);
    if (have) {
      out.push(have);
      continue;
    }
    const bytes = await p.generate();
    const key = documentKey(cycleId, p.documentId, p.ext);
    const contentType = CONTENT_TYPES[p.ext];
    await ctx.documents.put({ key, bytes, contentType });
    const { document } = await ctx.repo.recordCycleDocument({
      cycleId, documentId: p.documentId, kind: p.kind, unitId: p.unitId, name: p.name, key, contentType,
      size: bytes.byteLength, sha256: sha256(bytes), createdAt: forwarding.forwardedAt,
    });
    out.push(document);
  }
  return out;
}

/**
 * ForwardToProvince makes missing documents itself only for a plan of at most this many units. Its 30 s
 * timeout is the notifier's lease's (core/task-limits.ts) and its memory Lambda's default 256 MB (about a
 * seventh of a vCPU). At 100 units every document took 2.2 s of CPU on the bench machine (bench/RESULTS.md),
 * so about 1.1 s at 50: some 8 s at a seventh of a vCPU, twice that on a slower core, leaving the rest of
 * the 30 s for the table's reads and the mail.
 */
export const INLINE_DOCUMENTS_MAX_UNITS = 50;

/**
 * The documents ForwardToProvince mails: those GenerateYearDocuments recorded, in the order it makes them.
 * Any missing (an execution started before GenerateYearDocuments existed runs straight to ForwardToProvince)
 * are made here if the plan is small enough to do so within this function's 30 s (INLINE_DOCUMENTS_MAX_UNITS);
 * otherwise YearDocumentsMissingError, not retried: a forwarding email without its documents, or an attempt
 * killed at its timeout with the mail's claim held, would be worse than a failed execution the city office
 * sees (restarting the cycle runs GenerateYearDocuments first).
 */
const KIND_ORDER: Record<string, number> = { 'province-workbook': 0, 'forwarding-report': 1 };
const order = (d: CycleDocument) => KIND_ORDER[d.documentId] ?? 2;

export async function forwardedDocuments(ctx: Context, forwarding: ForwardingRecord, plan: Plan): Promise<CycleDocument[]> {
  const { cycleId } = forwarding;
  const recorded = await ctx.repo.listCycleDocuments(cycleId);
  const byId = new Map(recorded.map((d) => [d.documentId, d]));
  // What GenerateYearDocuments recorded is what goes: the workbook and the report must be there; the 通报批评
  // drafts are those it made. Not recomputed from the proposals as they are now: a rung that drafts another
  // proposal while the documents are made (the same morning) would otherwise stop the list from going up.
  const missing = ['province-workbook', 'forwarding-report'].filter((id) => !byId.has(id));
  if (!missing.length) return [...byId.values()].sort((a, b) => order(a) - order(b) || a.documentId.localeCompare(b.documentId));
  if (plan.units.length <= INLINE_DOCUMENTS_MAX_UNITS) return storeYearDocuments(ctx, forwarding);
  throw new YearDocumentsMissingError(
    {
      zh: `年度材料未全部生成（缺 ${missing.length} 份：${missing.slice(0, 5).join('、')}${missing.length > 5 ? '等' : ''}），${plan.units.length} 个单位超出上报任务可在 30 秒内生成的 ${INLINE_DOCUMENTS_MAX_UNITS} 个；上报未发送。请重新启动本周期的流程（先运行 GenerateYearDocuments）`,
      en: `the year's documents are not all recorded (${missing.length} missing: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}); ${plan.units.length} units is more than the ${INLINE_DOCUMENTS_MAX_UNITS} ForwardToProvince can make within its 30 s; nothing was sent. Restart the cycle's execution (GenerateYearDocuments runs first)`,
    },
    { cycleId, missing, units: plan.units.length, inlineMaxUnits: INLINE_DOCUMENTS_MAX_UNITS },
  );
}

/** GET /cycles/{cycleId}/documents: each document with a download link that works for a few minutes. */
export async function listYearDocuments(ctx: Context, input: { cycleId: string }) {
  await ctx.loadPlan(input.cycleId);
  const expiresAt = new Date(ctx.clock.now() + DOWNLOAD_LINK_SECONDS * 1000).toISOString();
  const documents = await ctx.repo.listCycleDocuments(input.cycleId);
  return {
    cycleId: input.cycleId,
    documents: await Promise.all(
      documents.map(async (d) => ({
        documentId: d.documentId,
        kind: d.kind,
        unitId: d.unitId,
        name: d.name,
        contentType: d.contentType,
        size: d.size,
        sha256: d.sha256,
        created: beijing(d.createdAt),
        downloadUrl: await ctx.documents.downloadUrl({ key: d.key, fileName: d.name, contentType: d.contentType, expiresInSeconds: DOWNLOAD_LINK_SECONDS }),
        linkExpiresAt: beijing(expiresAt),
      })),
    ),
  };
}
