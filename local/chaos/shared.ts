/** What the chaos command (run.ts) and one life of the twin (life.ts) agree on. */
import { createHash } from 'node:crypto';

/**
 * The answers a kill may follow, each right after a stand-in did the work and before its caller heard:
 * - `submit-committed`: a submission's transaction is in the table, the county's request has no answer yet
 *   and the waiting workflow has not learnt of it;
 * - `ses-accepted`: SES took a message, the notifier has not marked it sent (the one window no sender can
 *   close: SES keeps no idempotency key);
 * - `task-completed`: a waiting task was completed, the caller has not heard;
 * - `table-write`: any write to the table;
 * - `clock`: no answer, the simulated instant itself.
 */
export const KILL_KINDS = ['submit-committed', 'ses-accepted', 'task-completed', 'table-write', 'clock'] as const;
export type KillKind = (typeof KILL_KINDS)[number];
/** The first answer of `kind` once the simulated clock is at `after` or later (ms since the epoch). */
export interface Kill {
  kind: KillKind;
  after: number;
}

export function parseKill(text: string): Kill {
  const [kind, after] = text.split('@');
  if (!(KILL_KINDS as readonly string[]).includes(kind) || Number.isNaN(Date.parse(after))) {
    throw new Error(`--kill must be KIND@ISO-INSTANT with KIND one of ${KILL_KINDS.join(', ')} (got ${text})`);
  }
  return { kind: kind as KillKind, after: Date.parse(after) };
}

export const formatKill = (k: Kill) => `${k.kind}@${new Date(k.after).toISOString()}`;

export interface JournalEntry {
  /** The message as a person would tell two apart: recipients and subject (SES gives every copy a new id). */
  key: string;
  messageId: string;
  at: number;
}

/** A message SES accepted, from the SendEmail request and SES's answer. */
export function sesJournalEntry(request: Buffer, response: Buffer, at: number): JournalEntry {
  const form = new URLSearchParams(request.toString('utf8'));
  const to = [...form].filter(([k]) => /^Destination\.(To|Cc|Bcc)Addresses\.member\.\d+$/.test(k)).map(([, v]) => v.toLowerCase()).sort();
  const subject = form.get('Message.Subject.Data') ?? '';
  const messageId = /<MessageId>([^<]*)<\/MessageId>/.exec(response.toString('utf8'))?.[1] ?? '';
  return { key: `${to.join(',')} | ${subject}`, messageId, at };
}

/** What one life leaves when the year ran to its end. */
export interface LifeSummary {
  outcomes: Record<string, string>;
  /** Versions stored per `unit/deliverable`. */
  versions: Record<string, number>;
  ledger: Array<{ kind: string; status: string; recipient: string }>;
  /** Unit executions still running at the end (0 when the year ran out). */
  running: number;
  errors: string[];
  clock: number;
}

/** A small seeded generator (mulberry32): the same seed draws the same kills. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An Idempotency-Key a scripted person keeps for one intent across every retry and every life of the twin. */
export function personKey(parts: Array<string | number>): string {
  return `chaos-${createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 32)}`;
}
