/**
 * The sample tool: `npm run sample -- verify ...` recomputes an inspection draw from its published inputs.
 *
 *   verify --plan FILE --unit ID --roster FILE [--roster-version N] [--draw-at ISO] [--record FILE]
 *
 * --roster: the registered roster as JSON: `GET …/roster`'s answer (`{ current: { version, communities } }`),
 *   a stored version (`{ version, communities }`) or a bare array of communities (then --roster-version).
 * --draw-at: the announced draw instant (any ISO-8601 instant; default: the unit's window in the plan).
 * --record: a recorded sample (`GET …/sample`'s answer or the stored record): its inputs must be these, and
 *   its sample the one computed. Prints the inputs, the seed text, the seed, each community's key and the sample.
 *
 * Exit codes: 0 computed (and matching the record, when given), 1 not matching or invalid input, 2 wrong usage.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadPlanFile } from '../plan/load';
import { drawInstant } from '../plan/schedule';
import { inspectionOf } from '../plan/validate-inspection';
import { planHashOf } from '../use-cases/cycle';
import { formatProblems } from '../validation';
import { COMMUNITY_KIND_ZH } from './model';
import { checkRoster } from './roster';
import { drawSample, sameSample, seedText } from './sample';

const USAGE = `用法 / usage:
  npm run sample -- verify --plan FILE --unit ID --roster FILE [--roster-version N] [--draw-at ISO] [--record FILE]`;

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const readJson = async (file: string): Promise<unknown> => JSON.parse((await readFile(file, 'utf8')).replace(/^\uFEFF/, ''));
const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

/** The canonical UTC form (`YYYY-MM-DDTHH:mm:ssZ`) of an ISO instant with an offset; null if it is not one. */
export function canonicalInstant(iso: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(iso)) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export async function main(argv: string[], io: Io = { out: (s) => console.log(s), err: (s) => console.error(s) }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        plan: { type: 'string' }, unit: { type: 'string' }, roster: { type: 'string' }, 'roster-version': { type: 'string' },
        'draw-at': { type: 'string' }, record: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (positionals[0] !== 'verify' || !values.plan || !values.roster) {
    io.err(USAGE);
    return 2;
  }
  const plan = await loadPlanFile(values.plan);
  if (!plan.ok) {
    io.err(formatProblems(plan.problems, 'both'));
    return 1;
  }

  let record: Record<string, unknown> | null = null;
  if (values.record) {
    const raw = obj(await readJson(values.record));
    record = obj(raw?.sample) && obj(raw?.sample)?.cycleId ? obj(raw!.sample) : raw;
  }
  const recordedInputs = obj(record?.inputs);
  const unitId = values.unit ?? (record?.unitId as string | undefined);
  if (!unitId) {
    io.err(`缺少 --unit / --unit is required\n${USAGE}`);
    return 2;
  }
  const unit = plan.plan.units.find((u) => u.id === unitId);
  if (!unit) {
    io.err(`单位“${unitId}”不在计划中 / the unit "${unitId}" is not in the plan`);
    return 1;
  }

  const rosterRaw = await readJson(values.roster);
  const rosterObj = obj(obj(rosterRaw)?.current) ?? obj(rosterRaw);
  const communitiesRaw = rosterObj ? rosterObj.communities : rosterRaw;
  const rosterVersion = Number(values['roster-version'] ?? rosterObj?.version ?? recordedInputs?.rosterVersion);
  if (!Number.isInteger(rosterVersion) || rosterVersion < 1) {
    io.err(`名单版本号缺失或无效（--roster-version）/ the roster version is missing or not a positive whole number (--roster-version)`);
    return 2;
  }
  const roster = checkRoster(communitiesRaw);
  if (!roster.ok) {
    io.err(formatProblems(roster.problems, 'both'));
    return 1;
  }

  const found = inspectionOf(plan.plan, unitId);
  const given = values['draw-at'] ?? (recordedInputs?.drawAt as string | undefined);
  const drawAt = given !== undefined ? canonicalInstant(given) : found ? drawInstant(plan.plan, found.window.opens) : null;
  if (!drawAt) {
    io.err(`抽取时间缺失或无效（--draw-at，ISO-8601）/ the draw instant is missing or invalid (--draw-at, ISO-8601)`);
    return 2;
  }
  const ratio = found?.sampling ?? (obj(recordedInputs?.ratio) as { numerator: number; denominator: number } | null);
  if (!ratio) {
    io.err(`计划没有抽样比例（inspection.sampling）/ the plan has no sampling ratio (inspection.sampling)`);
    return 1;
  }

  const result = drawSample({ planSha256: planHashOf(plan.plan), unitId, rosterVersion, communities: roster.communities, drawAt, ratio });
  io.out(`算法 / algorithm: ${result.inputs.algorithm}`);
  io.out(`种子文本 / seed text (sha256sum of these lines, each ending in a line feed):\n${seedText(result.inputs)}`);
  io.out(`种子 / seed: ${result.seed}`);
  io.out(`参与创建 / taking part: ${result.population}; 抽样比例 / ratio: ${ratio.numerator}/${ratio.denominator}; 抽取 / drawn: ${result.sample.length}`);
  for (const c of result.sample) io.out(`${c.position}. ${c.name}（${COMMUNITY_KIND_ZH[c.kind]}） ${c.contact.name} ${c.contact.telephone}  key ${c.key}`);

  if (!record) return 0;
  const mismatches: string[] = [];
  const inputs = result.inputs as unknown as Record<string, unknown>;
  for (const k of ['planSha256', 'unitId', 'rosterVersion', 'rosterSha256', 'drawAt', 'algorithm'])
    if (recordedInputs && recordedInputs[k] !== inputs[k]) mismatches.push(`${k}: recorded ${String(recordedInputs[k])}, computed ${String(inputs[k])}`);
  const recordedSample = Array.isArray(record.sample) ? (record.sample as Array<{ name: string }>) : [];
  const same = sameSample({ seed: typeof record.seed === 'string' ? record.seed : null, sample: recordedSample }, result);
  if (!same) mismatches.push(`sample: recorded [${recordedSample.map((c) => c.name).join(', ')}], computed [${result.sample.map((c) => c.name).join(', ')}]`);
  if (mismatches.length) {
    io.out(`与记录不符 / does NOT match the recorded sample:\n  ${mismatches.join('\n  ')}`);
    return 1;
  }
  io.out('与记录一致 / matches the recorded sample');
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
