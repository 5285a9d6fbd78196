/**
 * The year's documents: generated when the list goes to the superior, stored in the documents bucket, each
 * recorded once; listed for the city office with short-lived download links.
 *
 * Primary course (on forwarding): read what is recorded -> gather the data (./year-report.ts) -> for each
 * document not recorded yet, generate it (dated by the forwarding record), put its bytes under its fixed key, then record it (name, key, SHA-256, size, kind) -> return the records,
 * which the forwarding email lists. A retry finds the records and stores nothing; one that died between a
 * put and its record puts the same bytes again (the generation is deterministic) and records them.
 */
import { createHash } from 'node:crypto';
import { DOWNLOAD_LINK_SECONDS } from '../documents';
import { criticismDraft, forwardingReport, provinceWorkbook, type YearReport } from '../exports';
import type { CycleDocument, CycleDocumentKind, ForwardingRecord } from '../model';
import type { Context } from './context';
import { beijing } from './view-parts';
import { inspectionStandings } from './inspection-results';
import { buildYearReport, type InspectionFacts } from './year-report';

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
  const report = await buildYearReport(ctx, { cycleId, forwarding, inspection });
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
