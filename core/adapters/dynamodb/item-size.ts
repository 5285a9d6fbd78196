/**
 * The size DynamoDB counts for an item (its 400 KB limit), computed before writing so that an item over it
 * is refused with a problem a person can act on instead of failing inside DynamoDB as a 500. Pure: the
 * memory repository applies the same rule, so the use-case tests see what AWS would do.
 *
 * DynamoDB's rules (Developer Guide, "Item sizes and formats"): attribute names and strings count their
 * UTF-8 bytes; a number about one byte per two significant digits plus one (counted here as its digits
 * plus one, an over-estimate); booleans and null 1 byte; a list or map 3 bytes plus 1 byte per element,
 * plus its contents (a map's contents include its keys).
 */
import { VersionTooLargeError } from '../../errors';
import type { SubmissionVersion } from '../../model';
import { makeProblem } from '../../validation';

/** DynamoDB's item limit: 400 KB, attribute names included. */
export const MAX_ITEM_BYTES = 400 * 1024;
/** What the keys and entityType add to a submission item (PK, SK, GSI1PK, GSI1SK of slugs and an instant: about 300 bytes). */
const SUBMISSION_KEY_BYTES = 512;

export function itemBytes(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') return String(Math.abs(value)).replace(/[.e+-]/g, '').length + 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + 1 + itemBytes(v), 3);
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .reduce((sum, [k, v]) => sum + 1 + Buffer.byteLength(k, 'utf8') + itemBytes(v), 3);
  }
  return 0;
}

/** The top-level attributes of an item: names plus values, without the map overhead. */
const attributeBytes = (item: Record<string, unknown>) =>
  Object.entries(item).reduce((sum, [k, v]) => (v === undefined ? sum : sum + Buffer.byteLength(k, 'utf8') + itemBytes(v)), 0);

const kb = (bytes: number) => Math.ceil(bytes / 1024);

/**
 * Refuses a version whose stored item would pass the limit. The problems name the parts a county can
 * shorten, largest first: the narrative, the self-assessment's narrative, scores (notes) and roster, the
 * documents; every part that takes a tenth of the item or more.
 */
export function assertSubmissionFits(version: SubmissionVersion | Omit<SubmissionVersion, 'version'>): void {
  const total = attributeBytes({ ...version, version: 9999 }) + SUBMISSION_KEY_BYTES;
  if (total <= MAX_ITEM_BYTES) return;
  const sa = version.selfAssessment;
  const parts: Array<[string, number]> = [
    ['narrative', itemBytes(version.narrative ?? '')],
    ['documents', itemBytes(version.documents)],
    ...(sa
      ? ([
          ['selfAssessment.narrative', itemBytes(sa.narrative)],
          ['selfAssessment.scores', itemBytes(sa.scores)],
          ['selfAssessment.roster', itemBytes(sa.roster)],
          ['selfAssessment.findings', itemBytes(sa.findings)],
        ] as Array<[string, number]>)
      : []),
  ];
  const named = parts.filter(([, bytes]) => bytes >= total / 10).sort((a, b) => b[1] - a[1]);
  throw new VersionTooLargeError(
    named.map(([path, bytes]) =>
      makeProblem(path, 'stored-size', {
        zh: `约占 ${kb(bytes)} KB；本版本存储后约 ${kb(total)} KB，超过单条记录 ${kb(MAX_ITEM_BYTES)} KB 的上限，请精简后重新报送`,
        en: `takes about ${kb(bytes)} KB; the version would take about ${kb(total)} KB stored, above the ${kb(MAX_ITEM_BYTES)} KB limit of one record: shorten it and submit again`,
      }),
    ),
    {
      zh: `报送内容过大，无法保存（约 ${kb(total)} KB，上限 ${kb(MAX_ITEM_BYTES)} KB）`,
      en: `The submission is too large to store (about ${kb(total)} KB; the limit is ${kb(MAX_ITEM_BYTES)} KB)`,
    },
  );
}
