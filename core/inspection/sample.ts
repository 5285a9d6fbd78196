/**
 * The inspection draw (抽样), pure: the same published inputs always give the same sample, and a person can
 * recompute it with `sha256sum` (the steps, with shell commands, are in ./README.md).
 *
 * Algorithm `wuchuanxiao-sample/1`:
 * 1. roster hash: SHA-256 of the roster's canonical text (rosterCanonicalText);
 * 2. seed: SHA-256 of the canonical inputs text (seedText): algorithm, plan hash, unit id, roster version,
 *    roster hash, announced draw instant, one `name:value` per line, each line ending in "\n";
 * 3. population: the communities taking part (takingPart);
 * 4. k = ceil(n × numerator / denominator), at least 1 when n > 0, at most n (sampleSize);
 * 5. each community's key = SHA-256 of `<seed hex>:<name>` (UTF-8); order by key (hex, ascending), a tie
 *    (never seen in practice) by name in UTF-8 byte order; the first k are the sample, in that order.
 */
import { createHash } from 'node:crypto';
import type { SamplingRatio } from '../plan/schema';
import type { RegisteredCommunity, SampleInputs, SampledCommunity } from './model';

export const SAMPLE_ALGORITHM = 'wuchuanxiao-sample/1';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
/** UTF-8 byte order, which is code-point order: what `LC_ALL=C sort` gives. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/**
 * The roster as text: one line per community, sorted by name in UTF-8 byte order, each
 * `name TAB kind TAB yes|no TAB contact name TAB telephone` and a "\n" (names hold no tab or line break).
 */
export function rosterCanonicalText(communities: readonly RegisteredCommunity[]): string {
  return [...communities]
    .sort((a, b) => byteOrder(a.name, b.name))
    .map((c) => `${[c.name, c.kind, c.takingPart ? 'yes' : 'no', c.contact.name, c.contact.telephone].join('\t')}\n`)
    .join('');
}

export const rosterSha256 = (communities: readonly RegisteredCommunity[]) => sha256(rosterCanonicalText(communities));

/** k = ceil(n × p / q), in whole numbers; at least 1 of a non-empty population, never more than n. */
export function sampleSize(n: number, ratio: SamplingRatio): number {
  if (n <= 0) return 0;
  const k = Math.floor((n * ratio.numerator + ratio.denominator - 1) / ratio.denominator);
  return Math.min(n, Math.max(1, k));
}

/** The canonical inputs text whose SHA-256 is the seed. */
export function seedText(inputs: Omit<SampleInputs, 'ratio' | 'algorithm'>): string {
  return [
    `algorithm:${SAMPLE_ALGORITHM}`,
    `plan-sha256:${inputs.planSha256}`,
    `unit:${inputs.unitId}`,
    `roster-version:${inputs.rosterVersion}`,
    `roster-sha256:${inputs.rosterSha256}`,
    `draw-at:${inputs.drawAt}`,
  ]
    .map((l) => `${l}\n`)
    .join('');
}

export interface DrawResult {
  inputs: SampleInputs;
  seed: string;
  population: number;
  sample: SampledCommunity[];
}

/** The draw itself. `rosterSha256` is computed here from the communities, so it cannot disagree with them. */
export function drawSample(input: {
  planSha256: string;
  unitId: string;
  rosterVersion: number;
  communities: readonly RegisteredCommunity[];
  drawAt: string;
  ratio: SamplingRatio;
}): DrawResult {
  const inputs: SampleInputs = {
    algorithm: SAMPLE_ALGORITHM,
    planSha256: input.planSha256,
    unitId: input.unitId,
    rosterVersion: input.rosterVersion,
    rosterSha256: rosterSha256(input.communities),
    drawAt: input.drawAt,
    ratio: { numerator: input.ratio.numerator, denominator: input.ratio.denominator },
  };
  const seed = sha256(seedText(inputs));
  const population = input.communities.filter((c) => c.takingPart);
  const k = sampleSize(population.length, input.ratio);
  const ranked = population
    .map((c) => ({ c, key: sha256(`${seed}:${c.name}`) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : byteOrder(a.c.name, b.c.name)));
  const sample = ranked.slice(0, k).map(({ c, key }, i) => ({
    position: i + 1,
    name: c.name,
    kind: c.kind,
    contact: { name: c.contact.name, telephone: c.contact.telephone },
    key,
  }));
  return { inputs, seed, population: population.length, sample };
}

/** Whether a recorded sample is the one these inputs give (same seed, same communities in the same order). */
export function sameSample(recorded: { seed: string | null; sample: readonly Pick<SampledCommunity, 'name'>[] }, computed: DrawResult): boolean {
  return recorded.seed === computed.seed && recorded.sample.length === computed.sample.length && recorded.sample.every((c, i) => c.name === computed.sample[i].name);
}
