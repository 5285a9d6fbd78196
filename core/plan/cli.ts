/**
 * The plan tool: `npm run plan -- <command>`.
 *
 *   validate FILE [--lang zh|en]            every problem as `path  rule  message`; exit 1 on any error
 *   schedule FILE                           the derived schedule as JSON
 *   generate --units N [--base FILE] --out FILE   a synthetic plan with N units
 *
 * Exit codes: 0 ok, 1 invalid plan, 2 wrong usage.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatBeijing } from '../time';
import { formatProblems, type Lang } from '../validation';
import { generatePlan } from './generate';
import { loadPlanFile } from './load';
import { deriveSchedule } from './schedule';
import type { Plan } from './schema';
import { validatePlan } from './validate';

const DEFAULT_BASE = fileURLToPath(new URL('../../plans/nanping-2016.json', import.meta.url));

const USAGE = `用法 / usage:
  npm run plan -- validate FILE [--lang zh|en]
  npm run plan -- schedule FILE
  npm run plan -- generate --units N [--base FILE] --out FILE`;

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

export async function main(argv: string[], io: Io = { out: (s) => console.log(s), err: (s) => console.error(s) }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { lang: { type: 'string' }, units: { type: 'string' }, base: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, file] = positionals;
  if (values.help || !command) {
    io.out(USAGE);
    return values.help ? 0 : 2;
  }
  const lang = values.lang;
  if (lang !== undefined && lang !== 'zh' && lang !== 'en') {
    io.err(`--lang 应为 zh 或 en / --lang must be zh or en\n${USAGE}`);
    return 2;
  }
  const langs: Lang | 'both' = lang ?? 'both';

  switch (command) {
    case 'validate': {
      if (!file) return usage(io);
      const r = await loadPlanFile(file);
      if (!r.ok) {
        io.err(formatProblems(r.problems, langs));
        if (r.warnings.length) io.err(`\n${label('警告', 'warnings', langs)}:\n${formatProblems(r.warnings, langs)}`);
        io.err(`\n${count(r.problems.length, langs)}`);
        return 1;
      }
      io.out(label('计划有效', 'plan is valid', langs));
      io.out(summary(r.plan, langs));
      if (r.warnings.length) io.out(`\n${label('警告', 'warnings', langs)}:\n${formatProblems(r.warnings, langs)}`);
      return 0;
    }
    case 'schedule': {
      if (!file) return usage(io);
      const r = await loadPlanFile(file);
      if (!r.ok) {
        io.err(formatProblems(r.problems, langs));
        return 1;
      }
      io.out(JSON.stringify(deriveSchedule(r.plan), null, 2));
      return 0;
    }
    case 'generate': {
      const units = Number(values.units);
      if (!values.out || !Number.isInteger(units) || units < 1) return usage(io);
      const base = await loadPlanFile(values.base ?? DEFAULT_BASE);
      if (!base.ok) {
        io.err(formatProblems(base.problems, langs));
        return 1;
      }
      const plan = generatePlan({ units, base: base.plan });
      const check = validatePlan(plan);
      if (!check.ok) {
        io.err(formatProblems(check.problems, langs));
        return 1;
      }
      await writeFile(values.out, JSON.stringify(plan, null, 2) + '\n', 'utf8');
      io.out(`${values.out}: ${units} ${label('个单位', 'units', langs)}`);
      return 0;
    }
    default:
      return usage(io);
  }
}

function usage(io: Io): number {
  io.err(USAGE);
  return 2;
}

function label(zh: string, en: string, langs: Lang | 'both'): string {
  return langs === 'zh' ? zh : langs === 'en' ? en : `${zh} / ${en}`;
}

function count(n: number, langs: Lang | 'both'): string {
  return label(`共 ${n} 个问题`, `${n} problem(s)`, langs);
}

/** One paragraph per language: who, when, and when the self-assessment report is due (Beijing time). */
export function summary(plan: Plan, langs: Lang | 'both' = 'both'): string {
  const schedule = deriveSchedule(plan);
  const reviewed = schedule.phases.flatMap((p) => p.deliverables).find((d) => d.deliverableId === schedule.review.deliverableId)!;
  const reviewedName = plan.phases.flatMap((p) => p.deliverables).find((d) => d.reviewed)!;
  const zh =
    `${plan.city.name}${plan.year}年（${plan.cycleId}），${plan.city.shortName}，${plan.units.length}个${plan.unitLevel.word}。` +
    plan.phases.map((p) => `${p.name}：${p.opens}至${p.closes}`).join('；') +
    `。${reviewedName.name}截止时间：${formatBeijing(reviewed.dueAt, 'datetime', 'zh')}（北京时间）；` +
    `上报${plan.province.name}：${plan.forwardToProvince.on}。` +
    `印发：${plan.issuingDocument.issuer} ${plan.issuingDocument.number}（${plan.issuingDocument.issuedOn}）；` +
    `联系人：${plan.city.contact.name}，${plan.city.contact.telephone}。`;
  const en =
    `${plan.city.nameEn} ${plan.year} (${plan.cycleId}), ${plan.city.officeEn}, ${plan.units.length} ${plan.units.length === 1 ? plan.unitLevel.wordEn : plan.unitLevel.wordEnPlural}. ` +
    plan.phases.map((p) => `${p.nameEn}: ${p.opens} to ${p.closes}`).join('; ') +
    `. ${reviewedName.nameEn} due by ${formatBeijing(reviewed.dueAt, 'datetime', 'en')} (Beijing time, ${formatBeijing(reviewed.dueAt, 'iso')}); ` +
    `forwarded to ${plan.province.shortNameEn} on ${plan.forwardToProvince.on}. ` +
    `Issued as ${plan.issuingDocument.number} on ${plan.issuingDocument.issuedOn}; contact ${plan.city.contact.name}, ${plan.city.contact.telephone}.`;
  return langs === 'zh' ? zh : langs === 'en' ? en : `${zh}\n${en}`;
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
