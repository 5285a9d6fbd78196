/**
 * An in-memory CycleRepository with the same behaviour as the DynamoDB one: used by the use-case tests
 * (no mocks) and as the reference the adapter tests compare against.
 */
import { PlanConflictError } from '../../errors';
import type { Plan, Unit } from '../../plan/schema';
import type {
  AuditEntry,
  ContactStatus,
  CycleRecord,
  DeliverableStatus,
  Extension,
  CycleDocument,
  ForwardingRecord,
  LedgerEntry,
  MessageKey,
  NoticeSignature,
  SupervisionProposal,
  ReviewDecision,
  SubmissionVersion,
  UnitContactsVersion,
  UnitOutcomeRecord,
  Upload,
  WaitToken,
  ListConfirmation,
  ConfirmationWait,
} from '../../model';
import type { ClaimResult, CycleRepository, CycleTotals, IdempotencyRecord, Page } from '../../ports';
import { assertSubmissionFits } from '../dynamodb/item-size';
import { makeMemoryRosterMethods } from './rosters';
import { makeMemoryInspectionResultMethods } from './inspection-results';

const clone = <T>(v: T): T => structuredClone(v);
const msgKey = (k: MessageKey) => [k.cycleId, k.unitId ?? '-', k.kind, k.milestone, k.recipient].join('|');

export function makeMemoryRepository(): CycleRepository & { dump(): unknown } {
  const plans = new Map<string, Plan>();
  const cycles = new Map<string, CycleRecord>();
  const deliverables = new Map<string, DeliverableStatus>();
  const submissions: SubmissionVersion[] = [];
  /** Which version each submission request stored (`cycle|unit|caller#key`), and until when the key stands. */
  const requests = new Map<string, { version: SubmissionVersion; expiresAt: number }>();
  const tokens = new Map<string, WaitToken>();
  const decisions = new Map<string, ReviewDecision>();
  const outcomes = new Map<string, UnitOutcomeRecord>();
  const ledger = new Map<string, LedgerEntry>();
  const forwardings = new Map<string, ForwardingRecord>();
  /** The year's documents by `cycle|documentId`. */
  const cycleDocuments = new Map<string, CycleDocument>();
  const audit: AuditEntry[] = [];
  const signatures = new Map<string, NoticeSignature>();
  const proposals = new Map<string, SupervisionProposal>();
  const proposalKey = (cycleId: string, unitId: string, proposalId: string) => [cycleId, unitId, proposalId].join('|');
  const contacts = new Map<string, ContactStatus>();
  const extensions: Extension[] = [];
  const unitRuns = new Map<string, string>();
  const uploads = new Map<string, Upload>();
  const idempotencyKeys = new Map<string, IdempotencyRecord>();
  /** Every unit's contact versions in the order stored (each unit's newest last), and each cycle's edit count. */
  const contactVersions: UnitContactsVersion[] = [];
  const revisions = new Map<string, number>();
  const confirmations = new Map<string, ListConfirmation>();
  const confirmationWaits = new Map<string, ConfirmationWait>();
  const idemKey = (s: { caller: string; route: string; key: string }) => [s.caller, s.route, s.key].join('|');
  const bySubmission = (a: SubmissionVersion, b: SubmissionVersion) => a.deliverableId.localeCompare(b.deliverableId) || a.version - b.version;

  const { rosterDump, drawFailuresOf, ...rosterMethods } = makeMemoryRosterMethods(audit, deliverables);
  const { inspectionDump, ...inspectionResultMethods } = makeMemoryInspectionResultMethods(audit);

  return {
    ...rosterMethods,
    ...inspectionResultMethods,
    async storePlan(plan, planHash, now) {
      const existing = cycles.get(plan.cycleId);
      if (existing) {
        if (existing.planHash === planHash) return 'same';
        throw new PlanConflictError({
          zh: `周期 ${plan.cycleId} 已存储了另一份计划`,
          en: `cycle ${plan.cycleId} already has a different plan`,
        });
      }
      plans.set(plan.cycleId, clone(plan));
      cycles.set(plan.cycleId, { cycleId: plan.cycleId, status: 'stored', planHash, storedAt: now });
      return 'stored';
    },
    async getPlan(cycleId) {
      const p = plans.get(cycleId);
      return p ? clone(p) : null;
    },
    async getCycle(cycleId) {
      const c = cycles.get(cycleId);
      return c ? clone(c) : null;
    },
    async listCycles() {
      return clone([...cycles.values()].sort((a, b) => a.cycleId.localeCompare(b.cycleId)));
    },
    async setCycleStatus(cycleId, status, now, extra) {
      const c = cycles.get(cycleId);
      if (!c) return;
      c.status = status;
      if (extra?.executionName) c.executionName = extra.executionName;
      if (status === 'forwarded') c.forwardedAt ??= now;
      if (status === 'closed') c.closedAt ??= now;
    },
    async getUnit(cycleId, unitId) {
      const u = plans.get(cycleId)?.units.find((x) => x.id === unitId);
      return u ? clone(u) : null;
    },
    async listUnits(cycleId, cursor, limit): Promise<Page<Unit>> {
      const units = plans.get(cycleId)?.units ?? [];
      const start = cursor ? units.findIndex((u) => u.id === cursor) + 1 : 0;
      const items = units.slice(start, start + limit);
      const last = items[items.length - 1];
      return { items: clone(items), cursor: start + limit < units.length && last ? last.id : null };
    },
    async addSubmission(input, auditEntry, request) {
      assertSubmissionFits(input);
      const requestId = request && [input.cycleId, input.unitId, request.key].join('|');
      const earlier = requestId ? requests.get(requestId) : undefined;
      if (earlier && earlier.expiresAt >= Date.parse(input.receivedAt)) return clone(earlier.version);
      const k = [input.cycleId, input.unitId, input.deliverableId].join('|');
      const status = deliverables.get(k);
      const version = (status?.latestVersion ?? 0) + 1;
      const v: SubmissionVersion = { ...clone(input), version };
      submissions.push(v);
      if (auditEntry) audit.push({ ...clone(auditEntry), what: { ...clone(auditEntry.what), version } });
      deliverables.set(k, {
        cycleId: input.cycleId,
        unitId: input.unitId,
        deliverableId: input.deliverableId,
        latestVersion: version,
        firstReceivedAt: status?.firstReceivedAt ?? input.receivedAt,
        lastReceivedAt: input.receivedAt,
        onTime: status ? status.onTime : input.onTime,
        latestOnTime: input.onTime,
        ...(input.selfAssessment ? { latestFigures: clone(input.selfAssessment.figures) } : {}),
      });
      if (requestId) requests.set(requestId, { version: v, expiresAt: request!.expiresAt });
      return clone(v);
    },
    async getSubmissionByRequest(cycleId, unitId, requestKey, now) {
      const r = requests.get([cycleId, unitId, requestKey].join('|'));
      return r && r.expiresAt >= now ? clone(r.version) : null;
    },
    async getDeliverableStatus(cycleId, unitId, deliverableId) {
      const s = deliverables.get([cycleId, unitId, deliverableId].join('|'));
      return s ? clone(s) : null;
    },
    async listSubmissions(cycleId) {
      return clone(submissions.filter((s) => s.cycleId === cycleId));
    },
    async listDeliverableStatuses(cycleId, unitId) {
      return clone(
        [...deliverables.values()]
          .filter((d) => d.cycleId === cycleId && d.unitId === unitId)
          .sort((a, b) => a.deliverableId.localeCompare(b.deliverableId)),
      );
    },
    async listUnitSubmissions(cycleId, unitId) {
      return clone(submissions.filter((s) => s.cycleId === cycleId && s.unitId === unitId).sort(bySubmission));
    },
    async getSubmission(cycleId, unitId, deliverableId, version) {
      const v = submissions.find((s) => s.cycleId === cycleId && s.unitId === unitId && s.deliverableId === deliverableId && s.version === version);
      return v ? clone(v) : null;
    },
    async putUpload(upload) {
      const k = [upload.cycleId, upload.unitId, upload.uploadId].join('|');
      if (uploads.has(k)) throw new Error(`upload ${upload.uploadId} exists already`);
      uploads.set(k, clone(upload));
    },
    async getUpload(cycleId, unitId, uploadId) {
      const u = uploads.get([cycleId, unitId, uploadId].join('|'));
      return u ? clone(u) : null;
    },
    async completeUploadCheck(cycleId, unitId, uploadId, result) {
      const u = uploads.get([cycleId, unitId, uploadId].join('|'));
      if (!u) throw new Error(`upload ${uploadId} does not exist`);
      if (u.status !== 'pending') return { updated: false, upload: clone(u) };
      for (const [k, v] of Object.entries(result)) if (v !== undefined) Object.assign(u, { [k]: clone(v) });
      return { updated: true, upload: clone(u) };
    },
    async putWaitToken(token) {
      tokens.set([token.cycleId, token.unitId, token.kind, token.key].join('|'), clone(token));
    },
    async getWaitToken(cycleId, unitId, kind, key) {
      const t = tokens.get([cycleId, unitId, kind, key].join('|'));
      return t ? clone(t) : null;
    },
    async recordDecision(decision) {
      const k = [decision.cycleId, decision.unitId, decision.round].join('|');
      const existing = decisions.get(k);
      if (existing) return { recorded: false, decision: clone(existing) };
      decisions.set(k, clone(decision));
      return { recorded: true, decision: clone(decision) };
    },
    async getDecision(cycleId, unitId, round) {
      const d = decisions.get([cycleId, unitId, round].join('|'));
      return d ? clone(d) : null;
    },
    async listDecisions(cycleId) {
      return clone([...decisions.values()].filter((d) => d.cycleId === cycleId));
    },
    async recordOutcome(cycleId, unitId, outcome, now) {
      const k = [cycleId, unitId].join('|');
      const existing = outcomes.get(k);
      if (existing) return { recorded: false, outcome: existing.outcome };
      outcomes.set(k, { cycleId, unitId, outcome, recordedAt: now });
      return { recorded: true, outcome };
    },
    async getOutcome(cycleId, unitId) {
      const o = outcomes.get([cycleId, unitId].join('|'));
      return o ? clone(o) : null;
    },
    async listOutcomes(cycleId) {
      return clone([...outcomes.values()].filter((o) => o.cycleId === cycleId));
    },
    async claimMessage(entry, leaseExpiredBefore): Promise<ClaimResult> {
      const k = msgKey(entry);
      const existing = ledger.get(k);
      if (existing?.status === 'sent') return 'sent';
      if (existing && existing.claimedAt >= leaseExpiredBefore) return 'in-flight';
      ledger.set(k, { ...clone(entry), status: 'sending' });
      return 'claimed';
    },
    async releaseMessage(key, claimedAt) {
      const e = ledger.get(msgKey(key));
      if (e && e.status === 'sending' && e.claimedAt === claimedAt) ledger.delete(msgKey(key));
    },
    async markMessageSent(key, messageId, sentAt) {
      const e = ledger.get(msgKey(key));
      if (!e) throw new Error(`no ledger entry for ${msgKey(key)}`);
      Object.assign(e, { status: 'sent', messageId, sentAt });
    },
    async listMessages(cycleId) {
      return clone([...ledger.values()].filter((e) => e.cycleId === cycleId));
    },
    async listUnitMessages(cycleId, unitId) {
      return clone([...ledger.values()].filter((e) => e.cycleId === cycleId && e.unitId === unitId));
    },
    async signNotice(signature) {
      const key = [signature.cycleId, signature.unitId, signature.messageId].join('|');
      const existing = signatures.get(key);
      if (existing) return { recorded: false, signature: clone(existing) };
      signatures.set(key, clone(signature));
      return { recorded: true, signature: clone(signature) };
    },
    async listNoticeSignatures(cycleId, unitId) {
      return clone([...signatures.values()].filter((s) => s.cycleId === cycleId && s.unitId === unitId).sort((a, b) => a.messageId.localeCompare(b.messageId)));
    },
    async putProposal(proposal) {
      const key = proposalKey(proposal.cycleId, proposal.unitId, proposal.proposalId);
      const existing = proposals.get(key);
      if (existing) return { recorded: false, proposal: clone(existing) };
      proposals.set(key, clone(proposal));
      return { recorded: true, proposal: clone(proposal) };
    },
    async getProposal(cycleId, unitId, proposalId) {
      return clone(proposals.get(proposalKey(cycleId, unitId, proposalId)) ?? null);
    },
    async listProposals(cycleId) {
      return clone([...proposals.values()].filter((p) => p.cycleId === cycleId).sort((a, b) => a.proposedAt.localeCompare(b.proposedAt)));
    },
    async decideProposal(cycleId, unitId, proposalId, decision) {
      const stored = proposals.get(proposalKey(cycleId, unitId, proposalId));
      if (!stored) return null;
      if (stored.status !== 'proposed') return { recorded: false, proposal: clone(stored) };
      Object.assign(stored, decision);
      if (decision.reason === undefined) delete stored.reason;
      return { recorded: true, proposal: clone(stored) };
    },
    async recordForwarding(record) {
      const existing = forwardings.get(record.cycleId);
      if (existing) return clone(existing);
      forwardings.set(record.cycleId, clone(record));
      return clone(record);
    },
    async recordCycleDocument(document) {
      const k = `${document.cycleId}|${document.documentId}`;
      const existing = cycleDocuments.get(k);
      if (existing) return { recorded: false, document: clone(existing) };
      cycleDocuments.set(k, clone(document));
      return { recorded: true, document: clone(document) };
    },
    async listCycleDocuments(cycleId) {
      return [...cycleDocuments.values()].filter((d) => d.cycleId === cycleId).sort((a, b) => a.documentId.localeCompare(b.documentId)).map(clone);
    },
    async appendAudit(entry) {
      if (entry.key !== undefined && audit.some((a) => a.cycleId === entry.cycleId && a.key === entry.key)) return;
      audit.push(clone(entry));
    },
    async listAudit(cycleId) {
      return clone(audit.filter((a) => a.cycleId === cycleId));
    },
    async markContactUndeliverable(input) {
      const email = input.email.toLowerCase();
      const existing = contacts.get(email);
      const replaceable = !existing || (existing.status === 'fixed' && (existing.fixedAt ?? '') < input.since);
      if (!replaceable) return { marked: false, status: clone(existing) };
      const status: ContactStatus = { ...clone(input), email, status: 'undeliverable' };
      contacts.set(email, status);
      return { marked: true, status: clone(status) };
    },
    async getContactStatus(email) {
      const c = contacts.get(email.toLowerCase());
      return c ? clone(c) : null;
    },
    async clearContactStatus(email, by, at) {
      const c = contacts.get(email.toLowerCase());
      if (c?.status !== 'undeliverable') return null;
      Object.assign(c, { status: 'fixed', fixedBy: by, fixedAt: at });
      return clone(c);
    },
    async grantExtension(extension) {
      extensions.push(clone(extension));
    },
    async listCycleExtensions(cycleId) {
      return clone(extensions.filter((e) => e.cycleId === cycleId).sort((a, b) => a.grantedAt.localeCompare(b.grantedAt)));
    },
    async listExtensions(cycleId, unitId) {
      // Oldest grant first, like the DynamoDB sort key (deliverable, then grantedAt) read back and sorted.
      return clone(
        extensions
          .filter((e) => e.cycleId === cycleId && e.unitId === unitId)
          .sort((a, b) => a.grantedAt.localeCompare(b.grantedAt) || a.deliverableId.localeCompare(b.deliverableId)),
      );
    },
    async setUnitRun(cycleId, unitId, executionName) {
      unitRuns.set([cycleId, unitId].join('|'), executionName);
    },
    async getUnitRun(cycleId, unitId) {
      return unitRuns.get([cycleId, unitId].join('|')) ?? null;
    },

    // ---- The dashboard's reads: the same answers the DynamoDB counters give, computed from what is stored ----

    async readUnitFacts(cycleId, unitId) {
      const mine = <T extends { cycleId: string; unitId: string | null }>(xs: Iterable<T>) => [...xs].filter((x) => x.cycleId === cycleId && x.unitId === unitId);
      return clone({
        statuses: mine(deliverables.values()).sort((a, b) => a.deliverableId.localeCompare(b.deliverableId)),
        messages: mine(ledger.values()),
        decisions: mine(decisions.values()).sort((a, b) => a.round - b.round),
        outcome: outcomes.get([cycleId, unitId].join('|')) ?? null,
        extensions: mine(extensions).sort((a, b) => a.grantedAt.localeCompare(b.grantedAt) || a.deliverableId.localeCompare(b.deliverableId)),
        signatures: mine(signatures.values()).sort((a, b) => a.messageId.localeCompare(b.messageId)),
        drawFailures: drawFailuresOf(cycleId, unitId),
      });
    },
    async getCycleTotals(cycleId) {
      const totals: CycleTotals = { firstVersions: {}, outcomes: {} };
      for (const s of deliverables.values()) {
        if (s.cycleId !== cycleId) continue;
        const t = (totals.firstVersions[s.deliverableId] ??= { onTime: 0, late: 0 });
        t[s.onTime ? 'onTime' : 'late'] += 1;
      }
      for (const o of outcomes.values()) if (o.cycleId === cycleId) totals.outcomes[o.outcome] = (totals.outcomes[o.outcome] ?? 0) + 1;
      return totals;
    },

    // ---- The directory (通讯录) --------------------------------------------------------------------------
    async getDirectoryRevision(cycleId) {
      return revisions.get(cycleId) ?? 0;
    },
    async listUnitContacts(cycleId) {
      const current = new Map<string, UnitContactsVersion>();
      for (const v of contactVersions) if (v.cycleId === cycleId) current.set(v.unitId, v);
      return clone({ revision: revisions.get(cycleId) ?? 0, units: [...current.values()].sort((a, b) => a.unitId.localeCompare(b.unitId)) });
    },
    async listUnitContactVersions(cycleId, unitId) {
      return clone(contactVersions.filter((v) => v.cycleId === cycleId && v.unitId === unitId));
    },
    async putUnitContacts(version, auditEntry) {
      const mine = contactVersions.filter((v) => v.cycleId === version.cycleId && v.unitId === version.unitId);
      const current = mine.at(-1) ?? null;
      if ((current?.version ?? 0) !== version.version - 1) return { recorded: false, current: clone(current) };
      contactVersions.push(clone(version));
      revisions.set(version.cycleId, (revisions.get(version.cycleId) ?? 0) + 1);
      audit.push(clone(auditEntry));
      return { recorded: true, current: clone(version) };
    },

    // ---- 上报确认 ---------------------------------------------------------------------------------------
    async recordListConfirmation(confirmation) {
      const existing = confirmations.get(confirmation.cycleId);
      if (existing) return { recorded: false, confirmation: clone(existing) };
      confirmations.set(confirmation.cycleId, clone(confirmation));
      return { recorded: true, confirmation: clone(confirmation) };
    },
    async getListConfirmation(cycleId) {
      return clone(confirmations.get(cycleId) ?? null);
    },
    async putConfirmationWait(wait) {
      confirmationWaits.set(wait.cycleId, clone(wait));
    },
    async getConfirmationWait(cycleId) {
      return clone(confirmationWaits.get(cycleId) ?? null);
    },
    async getForwarding(cycleId) {
      return clone(forwardings.get(cycleId) ?? null);
    },

    // ---- Idempotency keys ----------------------------------------------------------------------------
    async claimIdempotencyKey(scope, claim) {
      const had = idempotencyKeys.get(idemKey(scope));
      const free = !had || had.expiresAt < claim.now || (had.state === 'in-progress' && had.leaseUntil < claim.now);
      if (!free) return { claimed: false, record: clone(had) };
      idempotencyKeys.set(idemKey(scope), {
        state: 'in-progress', fingerprint: claim.fingerprint, claimId: claim.claimId, leaseUntil: claim.leaseUntil, expiresAt: claim.expiresAt,
      });
      return { claimed: true };
    },
    async completeIdempotencyKey(scope, claimId, outcome) {
      const had = idempotencyKeys.get(idemKey(scope));
      if (had?.state !== 'in-progress' || had.claimId !== claimId) return false;
      idempotencyKeys.set(idemKey(scope), { state: 'completed', fingerprint: had.fingerprint, expiresAt: had.expiresAt, ...clone(outcome) });
      return true;
    },
    async releaseIdempotencyKey(scope, claimId) {
      const had = idempotencyKeys.get(idemKey(scope));
      if (had?.state === 'in-progress' && had.claimId === claimId) idempotencyKeys.delete(idemKey(scope));
    },
    // ---- end of idempotency keys ---------------------------------------------------------------------
    dump() {
      return { plans, cycles, deliverables, submissions, tokens, decisions, outcomes, ledger, forwardings, cycleDocuments, audit, signatures, contacts, extensions, unitRuns, uploads, idempotencyKeys, contactVersions, revisions, ...(rosterDump() as object), confirmations, confirmationWaits, ...(inspectionDump() as object) };
    },
  };
}
