/**
 * What every use case shares: the ports, and a cache of plans. A cycle's plan never changes once stored
 * (storePlan refuses a different one), so a warm Lambda container may keep it.
 */
import { NotFoundError } from '../errors';
import type { Deliverable, Phase, Plan, Unit } from '../plan/schema';
import { deriveSchedule, planDays } from '../plan/schedule';
import type { Schedule } from '../plan/schedule-schema';
import type { Deps } from '../ports';
import { makeNotifier, type Notifier } from '../notifier/notifier';

export interface DeliverableInPlan {
  deliverable: Deliverable;
  phase: Phase;
  dueAt: string;
  /** The deadline's last day (Beijing), after the non-working-day policy. */
  lastDay: string;
}

export interface LoadedPlan {
  plan: Plan;
  schedule: Schedule;
  /** The plan's day arithmetic on China's working-day calendar with the plan's overrides. */
  days: ReturnType<typeof planDays>;
  units: Map<string, Unit>;
  deliverables: Map<string, DeliverableInPlan>;
}

export interface Context extends Deps {
  notifier: Notifier;
  nowIso(): string;
  loadPlan(cycleId: string): Promise<LoadedPlan>;
  unitOf(loaded: LoadedPlan, unitId: string): Unit;
  deliverableOf(loaded: LoadedPlan, deliverableId: string): DeliverableInPlan;
}

export function makeContext(deps: Deps): Context {
  const cache = new Map<string, LoadedPlan>();
  return {
    ...deps,
    notifier: makeNotifier(deps),
    nowIso: () => new Date(deps.clock.now()).toISOString(),
    async loadPlan(cycleId) {
      const hit = cache.get(cycleId);
      if (hit) return hit;
      const plan = await deps.repo.getPlan(cycleId);
      if (!plan) throw new NotFoundError({ zh: `未找到周期 ${cycleId} 的工作计划`, en: `no plan stored for cycle ${cycleId}` });
      const schedule = deriveSchedule(plan);
      const deliverables = new Map<string, DeliverableInPlan>();
      for (const phase of plan.phases) {
        const ps = schedule.phases.find((p) => p.kind === phase.kind);
        for (const d of phase.deliverables) {
          const slot = ps?.deliverables.find((x) => x.deliverableId === d.id);
          if (slot) deliverables.set(d.id, { deliverable: d, phase, dueAt: slot.dueAt, lastDay: slot.lastDay });
        }
      }
      const loaded: LoadedPlan = { plan, schedule, days: planDays(plan), units: new Map(plan.units.map((u) => [u.id, u])), deliverables };
      cache.set(cycleId, loaded);
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
  };
}
