/**
 * The year as it happened, read back from what the product stored (the message ledger, submissions,
 * decisions, outcomes): the simulator prints it, and the workflow tests assert on it.
 */
import type { Plan } from '../core/plan/schema';
import type { CycleRepository } from '../core/ports';
import { formatBeijing } from '../core/time';

export interface TimelineEvent {
  /** ISO-8601 with +08:00 (Beijing). */
  at: string;
  kind: string;
  unit: string | null;
  to: string[];
  subject: string;
  cc?: string[];
}

export async function readTimeline(repo: CycleRepository, cycleId: string): Promise<TimelineEvent[]> {
  const [messages, submissions, decisions, outcomes] = await Promise.all([
    repo.listMessages(cycleId),
    repo.listSubmissions(cycleId),
    repo.listDecisions(cycleId),
    repo.listOutcomes(cycleId),
  ]);
  const rows: Array<{ ms: number; order: number; event: TimelineEvent }> = [];
  const push = (iso: string, order: number, event: Omit<TimelineEvent, 'at'>) =>
    rows.push({ ms: Date.parse(iso), order, event: { at: formatBeijing(iso, 'iso'), ...event } });
  for (const s of submissions) {
    push(s.receivedAt, 0, {
      kind: 'submission', unit: s.unitId, to: [],
      subject: `${s.deliverableId} v${s.version} (${s.onTime ? 'on time' : 'late'})`,
    });
  }
  for (const d of decisions) {
    push(d.decidedAt, 1, {
      kind: 'decision', unit: d.unitId, to: [],
      subject: `round ${d.round}: ${d.outcome}${d.reason ? ` — ${d.reason}` : ''} (${d.decidedBy})`,
    });
  }
  for (const o of outcomes) push(o.recordedAt, 2, { kind: 'outcome', unit: o.unitId, to: [], subject: o.outcome });
  for (const m of messages) {
    if (m.status !== 'sent' || !m.sentAt) continue;
    push(m.sentAt, 3, { kind: m.kind, unit: m.unitId, to: [m.recipient], cc: m.cc, subject: m.subject });
  }
  return rows
    .sort((a, b) => a.ms - b.ms || a.order - b.order || (a.event.unit ?? '').localeCompare(b.event.unit ?? '') || a.event.to.join().localeCompare(b.event.to.join()))
    .map((r) => r.event);
}

const KIND_ZH: Record<string, string> = {
  'phase-opened': '阶段通知',
  reminder: '提醒',
  escalation: '督办',
  receipt: '回执',
  rectification: '整改通知',
  outcome: '结果通知',
  'province-forwarding': '上报',
  submission: '报送',
  decision: '初评决定',
  'confirmation-request': '上报确认',
  'confirmation-escalation': '确认督办',
  commendation: '通报表扬',
};

/** A readable timeline: one line per event, Beijing date and time first. */
export function formatTimeline(events: TimelineEvent[], plan: Plan): string {
  const names = new Map(plan.units.map((u) => [u.id, u.name]));
  return events
    .map((e) => {
      const when = e.at.slice(0, 16).replace('T', ' ');
      const who = e.unit ? (names.get(e.unit) ?? e.unit) : plan.city.name;
      // The list goes up to the plan's superior: 上报省局, 上报杭州市打传办.
      const label = e.kind === 'province-forwarding' ? `上报${plan.province.shortName}` : (KIND_ZH[e.kind] ?? e.kind);
      const kind = label.padEnd(5, '　');
      const to = e.to.length ? ` → ${e.to.join(', ')}${e.cc?.length ? ` (cc ${e.cc.join(', ')})` : ''}` : '';
      return `${when}  ${kind} ${who.padEnd(6, '　')} ${e.subject}${to}`;
    })
    .join('\n');
}
