/** Small pieces every DynamoDB method module shares: an item without its key and index attributes, a
 * cancelled transaction's reason codes, a pause between retries. */
import { META_ATTRIBUTES } from './keys';

type Item = Record<string, unknown>;

/** The stored record without the table's own attributes (keys, index keys, entity type). */
export const strip = <T>(item: Item | undefined): T | null => {
  if (!item) return null;
  const out: Item = { ...item };
  for (const k of META_ATTRIBUTES) delete out[k];
  return out as T;
};

/** The reason code of each item of a cancelled transaction ('None' for an item that was not the cause); [] for other errors. */
export const cancelCodes = (err: unknown): string[] => {
  const e = err as { name?: string; CancellationReasons?: Array<{ Code?: string }> } | null;
  return e?.name === 'TransactionCanceledException' ? (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None') : [];
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
