/**
 * What every use case shares: the ports, and a cache of plans. A cycle's plan never changes once stored
 * (storePlan refuses a different one), so a warm Lambda container may keep it. The directory's corrections
 * (通讯录, core/directory.ts) do change: every loadPlan reads the directory's revision (one small read) and
 * lays the current contacts over the kept plan when it moved, so an edit reaches the very next email.
 */
import { NotFoundError } from '../errors';
import type { Deliverable, Phase, Plan, Unit } from '../plan/schema';
import { dueInPhase } from '../plan/roster-deliverable';
import { deriveSchedule, planDays } from '../plan/schedule';
import type { EscalationSlot, ReminderSlot, Schedule } from '../plan/schedule-schema';
import type { Extension, UnitContactsVersion } from '../model';
import { plannedAddress, withContacts, withDirectory } from '../directory';
import type { Deps, DocumentStore } from '../ports';
import { makeNotifier, type Message, type Notifier } from '../notifier/notifier';
import { fromAddress, templates } from '../notifier/templates';
import type { EmailRejectedError } from '../errors';

export interface DeliverableInPlan {
  deliverable: Deliverable;
  phase: Phase;
  dueAt: string;
  /** The deadline's last day (Beijing), after the non-working-day policy. */
  lastDay: string;
}

/** A deliverable's deadline for one unit: the plan's, or its newest extension's (延期). */
export interface UnitDeadline extends DeliverableInPlan {
  extended: boolean;
  reminders: ReminderSlot[];
  escalations: EscalationSlot[];
}

export interface LoadedPlan {
  /** The stored plan with the directory's current contacts over its units: what every email reads. */
  plan: Plan;
  schedule: Schedule;
  /** The plan's day arithmetic on China's working-day calendar with the plan's overrides. */
  days: ReturnType<typeof planDays>;
  units: Map<string, Unit>;
  deliverables: Map<string, DeliverableInPlan>;
  /** The units as the stored plan has them: their addresses name the recipients in the message ledger. */
  planned: Map<string, Unit>;
  /** Each edited unit's current contacts, and the directory revision this plan reflects (0: none edited). */
  directory: { revision: number; units: Map<string, UnitContactsVersion> };
}

export interface Context extends Deps {
  notifier: Notifier;
  nowIso(): string;
  loadPlan(cycleId: string): Promise<LoadedPlan>;
  unitOf(loaded: LoadedPlan, unitId: string): Unit;
  deliverableOf(loaded: LoadedPlan, deliverableId: string): DeliverableInPlan;
  /** The unit's schedule, with its extensions (one repository read). */
  scheduleFor(loaded: LoadedPlan, unitId: string): Promise<Schedule>;
  /** The unit's effective deadline for a deliverable (one repository read). */
  deadlineFor(loaded: LoadedPlan, unitId: string, deliverableId: string): Promise<UnitDeadline>;
}

/** The last day of each extended deliverable: the newest grant wins. */
export function extendedLastDays(extensions: ReadonlyArray<Pick<Extension, 'deliverableId' | 'lastDay' | 'grantedAt'>>): Record<string, string> {
  const newest = new Map<string, Pick<Extension, 'deliverableId' | 'lastDay' | 'grantedAt'>>();
  for (const e of extensions) {
    const had = newest.get(e.deliverableId);
    if (!had || e.grantedAt >= had.grantedAt) newest.set(e.deliverableId, e);
  }
  return Object.fromEntries([...newest].map(([id, e]) => [id, e.lastDay]));
}

/** One unit's schedule: the plan's when it has no extensions, else derived with them. */
export function unitSchedule(loaded: LoadedPlan, extensions: readonly Extension[]): Schedule {
  return extensions.length === 0 ? loaded.schedule : deriveSchedule(loaded.plan, extendedLastDays(extensions));
}

/** A port this context was not given: using it is a wiring bug, and says so. */
export function unavailable<T extends object>(port: string): T {
  return new Proxy({} as T, {
    get(_t, prop) {
      throw new Error(`this function has no ${port} (asked for ${String(prop)}): add it to the handler's getDeps() and to its grants`);
    },
  });
}

/** `documents` may be left out by callers that never touch the documents bucket. */
export function makeContext(input: Omit<Deps, 'documents'> & { documents?: DocumentStore }): Context {
  const deps: Deps = { ...input, documents: input.documents ?? unavailable<DocumentStore>('documents store') };
  /** The plans as stored, and the latest with the directory laid over them. */
  const cache = new Map<string, LoadedPlan>();
  const corrected = new Map<string, LoadedPlan>();
  const notifier = makeNotifier({ ...deps, reportRefusal: (refused, error) => refusalReport(ctx, refused, error) });
  async function storedPlan(cycleId: string): Promise<LoadedPlan> {
    const hit = cache.get(cycleId);
    if (hit) return hit;
    const plan = await deps.repo.getPlan(cycleId);
    if (!plan) throw new NotFoundError({ zh: `未找到周期 ${cycleId} 的工作计划`, en: `no plan stored for cycle ${cycleId}` });
    const schedule = deriveSchedule(plan);
    const deliverables = new Map<string, DeliverableInPlan>();
    for (const phase of plan.phases) {
      const ps = schedule.phases.find((p) => p.kind === phase.kind);
      for (const d of dueInPhase(plan, phase)) {
        const slot = ps?.deliverables.find((x) => x.deliverableId === d.id);
        if (slot) deliverables.set(d.id, { deliverable: d, phase, dueAt: slot.dueAt, lastDay: slot.lastDay });
      }
    }
    const units = new Map(plan.units.map((u) => [u.id, u]));
    const loaded: LoadedPlan = { plan, schedule, days: planDays(plan), units, deliverables, planned: units, directory: { revision: 0, units: new Map() } };
    cache.set(cycleId, loaded);
    return loaded;
  }
  const ctx: Context = {
    ...deps,
    notifier: {
      /**
       * Messages are built from the loaded plan, so they go to the corrected addresses; their ledger key names
       * the recipient as the stored plan does (core/directory.ts says why).
       */
      send(message) {
        const loaded = corrected.get(message.cycleId);
        const current = message.unitId !== null ? loaded?.units.get(message.unitId) : undefined;
        if (!loaded || !current) return notifier.send(message);
        const planned = loaded.planned.get(current.id)!;
        // The contact named by role when the caller says which; else found by its current address.
        const recipient = message.contact ? planned[message.contact].email : plannedAddress(current, planned, message.recipient);
        return notifier.send({ ...message, recipient });
      },
    },
    nowIso: () => new Date(deps.clock.now()).toISOString(),
    async loadPlan(cycleId) {
      const stored = await storedPlan(cycleId);
      const revision = await deps.repo.getDirectoryRevision(cycleId);
      if (revision === 0) return stored;
      const hit = corrected.get(cycleId);
      if (hit && hit.directory.revision >= revision) return hit;
      const listed = await deps.repo.listUnitContacts(cycleId);
      const current = new Map(listed.units.filter((v) => stored.units.has(v.unitId)).map((v) => [v.unitId, v]));
      const units = new Map(stored.units);
      for (const [unitId, v] of current) units.set(unitId, withContacts(stored.units.get(unitId)!, v.contacts));
      const loaded: LoadedPlan = {
        ...stored, plan: withDirectory(stored.plan, current), units, directory: { revision: Math.max(revision, listed.revision), units: current },
      };
      corrected.set(cycleId, loaded);
      return loaded;
    },
    unitOf(loaded, unitId) {
      const unit = loaded.units.get(unitId);
      if (!unit) throw new NotFoundError({ zh: `单位 ${unitId} 不在本周期的计划中`, en: `unit ${unitId} is not in this cycle's plan` }, { unitId });
      return unit;
    },
    deliverableOf(loaded, deliverableId) {
      const d = loaded.deliverables.get(deliverableId);
      if (!d) throw new NotFoundError({ zh: `计划中没有报送材料 ${deliverableId}`, en: `the plan has no deliverable ${deliverableId}` }, { deliverableId });
      return d;
    },
    async scheduleFor(loaded, unitId) {
      return unitSchedule(loaded, await deps.repo.listExtensions(loaded.plan.cycleId, unitId));
    },
    async deadlineFor(loaded, unitId, deliverableId) {
      const inPlan = ctx.deliverableOf(loaded, deliverableId);
      const extensions = await deps.repo.listExtensions(loaded.plan.cycleId, unitId);
      const extended = deliverableId in extendedLastDays(extensions);
      const schedule = extended ? unitSchedule(loaded, extensions) : loaded.schedule;
      const slot = schedule.phases.flatMap((p) => p.deliverables).find((d) => d.deliverableId === deliverableId)!;
      return { ...inPlan, dueAt: slot.dueAt, lastDay: slot.lastDay, extended, reminders: slot.reminders, escalations: slot.escalations };
    },
  };
  return ctx;
}

/** The city office's report of a notice the mail provider refused for good, once per refused message. */
async function refusalReport(ctx: Context, refused: Message, error: EmailRejectedError): Promise<Message | null> {
  const loaded = await ctx.loadPlan(refused.cycleId);
  const { plan } = loaded;
  const unit = refused.unitId !== null ? (loaded.units.get(refused.unitId) ?? null) : null;
  const to = plan.city.email;
  // The provider's own words (e.g. "Email address is not verified") say what to fix: kept in the Chinese too.
  const why = { zh: `${error.text.zh}（${error.text.en}）`, en: error.text.en };
  const mail = templates.refusedNotice(plan, unit, { ...refused, subject: refused.email.subject }, why, ctx.clock.now());
  return {
    cycleId: refused.cycleId, unitId: refused.unitId, kind: 'delivery-failure',
    milestone: `refused#${refused.kind}#${refused.milestone}#${refused.recipient}`, recipient: to,
    email: { from: fromAddress(plan), to, cc: [], ...mail },
  };
}
