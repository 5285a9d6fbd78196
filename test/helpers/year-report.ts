/**
 * A cycle at its forwarding day, written straight into the in-memory adapters, for the documents' tests:
 * unit 1 approved in round 1, unit 2 returned then approved in round 2 (both scored by the city), unit 3
 * sent nothing (a 通报批评 proposed), unit 4 missed its rectification (one confirmed with a note); the rest
 * undecided. Works for any shipped plan: it reads the units, the rubric and the reviewed deliverable from it.
 */
import { readFileSync } from 'node:fs';
import { makeMemoryDocumentStore } from '../../core/adapters/memory/documents';
import { makeMemoryMailer } from '../../core/adapters/memory/mailer';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import { makeMemoryWorkflow } from '../../core/adapters/memory/workflow';
import type { ItemScore, ReviewDecision } from '../../core/model';
import { planSchema, type Plan } from '../../core/plan/schema';
import { assessSelfAssessment } from '../../core/self-assessment';
import { makeContext } from '../../core/use-cases/context';
import { startCycle } from '../../core/use-cases/cycle';
import { proposalIdOf } from '../../core/use-cases/proposals';
import { generatePlan } from '../../core/plan/generate';
import { exampleSelfAssessment } from '../../local/scenario';

export const readPlan = (file: string) => JSON.parse(readFileSync(new URL(`../../plans/${file}`, import.meta.url), 'utf8'));

/** The city's scores: full marks but one point off the first item (with its reason), 2 bonus, 1 deducted. */
export function cityScores(plan: Plan, off = 1): { scores: ItemScore[]; cityScore: number } {
  const scores: ItemScore[] = [];
  let total = 0;
  plan.rubric.items.forEach((item, i) => {
    if (item.kind === 'veto') return;
    const score = item.kind === 'standard' ? item.maxPoints - (i === 0 ? off : 0) : Math.min(item.kind === 'bonus' ? 2 : 1, item.maxPoints);
    const reason = (item.kind === 'standard' && i === 0) || item.kind === 'deduction' ? `${item.title}：材料不全` : undefined;
    scores.push({ itemId: item.id, score, ...(reason ? { reason } : {}) });
    total += item.kind === 'deduction' ? -score : score;
  });
  return { scores, cityScore: total };
}

/**
 * `units`: a plan of that many made-up units instead (core/plan/generate.ts, on the file's plan), for the
 * benchmark (bench/year-documents.ts): the first four as above, then every unit approved in round 1 with a
 * few points off (varying, so the units rank apart), but every tenth returned and missing its
 * rectification with a confirmed 通报批评, and every tenth from the fifth sending nothing (one proposed).
 */
export async function yearFixture(file: string, opts: { units?: number } = {}) {
  const fileRaw = readPlan(file);
  const raw = opts.units ? JSON.parse(JSON.stringify(generatePlan({ units: opts.units, base: planSchema.parse(fileRaw) }))) : fileRaw;
  const plan = planSchema.parse(raw);
  const forwardAt = Date.parse(`${plan.forwardToProvince.on}T09:00:00+08:00`);
  const clock = { t: forwardAt, now() { return this.t; } };
  const repo = makeMemoryRepository();
  const mailer = makeMemoryMailer();
  const documents = makeMemoryDocumentStore();
  const ctx = makeContext({ repo, mailer, workflow: makeMemoryWorkflow(), documents, clock });
  clock.t = Date.parse(`${plan.phases[0].opens}T09:00:00+08:00`);
  await startCycle(ctx, { plan: raw, startedBy: 'city' });
  clock.t = forwardAt;
  const loaded = await ctx.loadPlan(plan.cycleId);
  const deliverableId = loaded.schedule.review.deliverableId;
  const [u1, u2, u3, u4] = plan.units;
  const at = (day: number) => new Date(forwardAt - day * 86_400_000).toISOString();

  const submit = async (unitId: string, day: number, created = 12) => {
    const input = exampleSelfAssessment(plan);
    input.roster = input.roster.map((r, i) => ({ ...r, created: i < created, qualified: i < created - 1 }));
    const { figures, findings } = assessSelfAssessment(plan, input);
    return repo.addSubmission({
      cycleId: plan.cycleId, unitId, deliverableId, receivedAt: at(day), onTime: true, submittedBy: `${unitId}-staff`, documents: [],
      selfAssessment: { narrative: input.narrative, scores: input.scores, roster: input.roster, figures, findings },
    });
  };
  const decide = (unitId: string, round: number, version: number, outcome: ReviewDecision['outcome'], off: number) =>
    repo.recordDecision({
      cycleId: plan.cycleId, unitId, round, version, outcome, ...cityScores(plan, off), decidedBy: 'city', decidedAt: at(10 - round),
      ...(outcome === 'returned' ? { reason: '请补充材料。' } : {}),
    });
  const propose = (unitId: string, status: 'proposed' | 'confirmed', reason?: string) =>
    repo.putProposal({
      cycleId: plan.cycleId, unitId, proposalId: proposalIdOf(unitId, `${deliverableId}#E3`), milestone: `${deliverableId}#E3`, deliverableId,
      about: 'deliverable', dueAt: at(20), level: 3, proposedAt: at(15), status,
      ...(status === 'confirmed' ? { decidedBy: 'city', decidedAt: at(14), ...(reason ? { reason } : {}) } : {}),
    });

  await submit(u1.id, 20);
  await decide(u1.id, 1, 1, 'approved', 1);
  await repo.recordOutcome(plan.cycleId, u1.id, 'qualified', at(9));
  await submit(u2.id, 20, 10);
  await decide(u2.id, 1, 1, 'returned', 3);
  await submit(u2.id, 12);
  await decide(u2.id, 2, 2, 'approved', 2);
  await repo.recordOutcome(plan.cycleId, u2.id, 'qualified', at(8));
  await repo.recordOutcome(plan.cycleId, u3.id, 'not-submitted', at(9));
  await propose(u3.id, 'proposed');
  if (u4) {
    await submit(u4.id, 20, 6);
    await decide(u4.id, 1, 1, 'returned', 4);
    await repo.recordOutcome(plan.cycleId, u4.id, 'rectification-missed', at(3));
    await propose(u4.id, 'confirmed', '请于十日内整改到位');
  }
  if (opts.units) {
    for (const [i, u] of plan.units.entries()) {
      if (i < 4) continue;
      if (i % 10 === 4) {
        await repo.recordOutcome(plan.cycleId, u.id, 'not-submitted', at(9));
        await propose(u.id, 'proposed');
      } else if (i % 10 === 9) {
        await submit(u.id, 20, 8);
        await decide(u.id, 1, 1, 'returned', 5);
        await repo.recordOutcome(plan.cycleId, u.id, 'rectification-missed', at(3));
        await propose(u.id, 'confirmed', '请于十日内整改到位');
      } else {
        await submit(u.id, 20);
        await decide(u.id, 1, 1, 'approved', 1 + (i % 4));
        await repo.recordOutcome(plan.cycleId, u.id, 'qualified', at(9));
      }
    }
  }
  return { plan, raw, ctx, repo, mailer, documents, clock, units: { u1, u2, u3, u4 } };
}
