/**
 * The scripted people of a chaos run, acting as people do through the HTTP API: each intent (a submission,
 * a decision, an extension) has one Idempotency-Key, kept across every retry and every restart of the
 * twin, and the same body. A person remembers the answers they got (`people.ndjson` in the data directory);
 * one who got none does not know whether it was done, so after a crash every intent whose time has come and
 * that has no answer yet is sent again: the key makes that safe, or the run shows it is not.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { exampleSelfAssessment, type Action } from '../scenario';
import type { Twin } from '../twin';
import { personKey } from './shared';

/** How long a person waits (simulated) before trying again after a 5xx or no answer, and how often. */
const RETRY_AFTER_MS = 60_000;
const MAX_TRIES = 8;

function request(cycleId: string, a: Action): { user: string; method: string; path: string; body: unknown } {
  // 上报确认 and 通报表扬 are the city office's, about the cycle.
  if (a.kind === 'confirm') return { user: 'city', method: 'PUT', path: `/cycles/${cycleId}/forwarding/confirmation`, body: a.note ? { note: a.note } : {} };
  if (a.kind === 'commend') return { user: 'city', method: 'POST', path: `/cycles/${cycleId}/commendations`, body: { units: a.units, text: a.text } };
  const unit = `/cycles/${cycleId}/units/${a.unitId}`;
  if (a.kind === 'submit') {
    return { user: a.unitId, method: 'POST', path: `${unit}/deliverables/${a.deliverableId}/versions`, body: submissionBody(a) };
  }
  if (a.kind === 'register-roster') {
    // Registered once per life from nothing (version 0); a repeat after a restart is a 200 (the same roster) or a 409.
    const communities = Array.from({ length: a.communities }, (_, i) => ({
      name: `第${i + 1}社区`, kind: 'community', takingPart: true, contact: { name: `第${i + 1}社区联系人`, telephone: '0571-8770-3001' },
    }));
    return { user: a.unitId, method: 'PUT', path: `${unit}/roster`, body: { version: 0, communities } };
  }
  if (a.kind === 'record-inspection') {
    // Several requests (each sampled community, then the sheet): not played over HTTP by the chaos run yet.
    throw new Error('record-inspection is not played by the chaos run (issue 10 item 4)');
  }
  if (a.kind === 'extend') {
    return { user: 'city', method: 'POST', path: `${unit}/deliverables/${a.deliverableId}/extensions`, body: { lastDay: a.lastDay, reason: a.reason } };
  }
  return {
    user: 'city', method: 'PUT', path: `${unit}/reviews/${a.round}/decision`,
    body: { outcome: a.outcome, ...(a.outcome === 'returned' ? { reason: a.reason ?? '自评报告缺少佐证材料，请补充后重新报送。' } : {}) },
  };
}

let reviewedId = '';
let selfAssessment: unknown;
const submissionBody = (a: Extract<Action, { kind: 'submit' }>) =>
  a.deliverableId === reviewedId ? { narrative: `${a.unitId}：${a.deliverableId}`, selfAssessment } : { narrative: `${a.unitId}：${a.deliverableId}` };

/** The refusals people got, in every life so far (from their memory file). */
export function refusalsRemembered(memory: string): string[] {
  if (!existsSync(memory)) return [];
  return readFileSync(memory, 'utf8').split('\n').filter(Boolean).flatMap((l) => (JSON.parse(l) as { refusal?: string }).refusal ?? []);
}

/** Plays every action: those whose time has passed and that got no answer at once, in order, the rest at their time. */
export async function actOverHttp(twin: Twin, cycleId: string, actions: Action[], errors: string[], memory: string): Promise<void> {
  const answered = new Set(existsSync(memory) ? readFileSync(memory, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { index: number }).index) : []);
  const loaded = await twin.clock.track(() => twin.ctx.loadPlan(cycleId));
  reviewedId = loaded.schedule.review.deliverableId;
  selfAssessment = exampleSelfAssessment(loaded.plan);
  const act = async (a: Action, i: number) => {
    if (answered.has(i)) return;
    const answer = await perform(twin, cycleId, a, i).then(
      (status) => ({ status, refusal: undefined as string | undefined }),
      (e: Error & { status?: number }) => (e.status ? { status: e.status, refusal: `${a.kind} ${a.unitId} #${i}: ${e.message}` } : void errors.push(`${a.kind} ${a.unitId} #${i}: ${e.message}`)),
    );
    // What the person was told, kept across lives (a refusal too: the summary lists it, as in the calm year).
    if (answer) appendFileSync(memory, `${JSON.stringify({ index: i, ...answer })}\n`);
  };
  const now = twin.clock.now();
  // The later ones first hold their instants, so the clock cannot pass them while the others act again.
  const later = actions.map((a, i) => (a.at > now ? twin.clock.sleepUntil(a.at).then(() => act(a, i)) : undefined));
  for (const [i, a] of actions.entries()) if (a.at <= now) await act(a, i);
  await Promise.all(later);
}

/** Acts until an answer comes: its status (a 4xx refusal is an answer too, thrown with its status). */
async function perform(twin: Twin, cycleId: string, a: Action, index: number): Promise<number> {
  const r = request(cycleId, a);
  const key = personKey([cycleId, index, a.kind, a.unitId ?? '-', r.path]);
  for (let attempt = 1; ; attempt++) {
    // Only the request is work the clock waits for; a person's wait between tries is not.
    const { status, text } = await twin.clock.track(() => send(twin, r, key));
    if (status >= 200 && status < 300) return status;
    const body = safeJson(text) as { error?: { code?: string; details?: { retryAfterSeconds?: number } } } | undefined;
    const code = body?.error?.code ?? '';
    if (status >= 400 && status < 500 && code !== 'IdempotencyInProgressError') {
      // A refusal is an answer: the person reads it and stops (the uninterrupted run gets the same one).
      throw Object.assign(new Error(`${status} ${code}`), { status });
    }
    if (attempt >= MAX_TRIES) throw new Error(`no answer after ${attempt} tries (last: ${status} ${code})`);
    const wait = code === 'IdempotencyInProgressError' ? (body?.error?.details?.retryAfterSeconds ?? 60) * 1000 : RETRY_AFTER_MS;
    await twin.clock.sleepUntil(twin.clock.now() + wait);
  }
}

async function send(twin: Twin, r: ReturnType<typeof request>, key: string): Promise<{ status: number; text: string }> {
  try {
    const res = await fetch(`${twin.endpoints.api}${r.path}`, {
      method: r.method,
      headers: { authorization: `Bearer ${await twin.tokenFor(r.user)}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(r.body),
    });
    return { status: res.status, text: await res.text() };
  } catch {
    // No answer: the twin is going down; the next life acts again.
    return { status: 0, text: '' };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
