/**
 * The simulator's scenario: an extension the city grants compiles into an 'extend' action at its instant,
 * and the unit's submission timings count from its extended deadline.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deriveSchedule } from '../../core/plan/schedule';
import { validatePlan } from '../../core/plan/validate';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { compileScenario, ScenarioError, scenarioSchema, validateScenario } from '../../local/scenario';
import { progressLine } from '../../local/simulate';

const checked = validatePlan(JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8')));
if (!checked.ok) throw new Error('example plan invalid');
const plan = checked.plan;

describe('scenario extensions', () => {
  it('compile into an extend action, and the unit submits relative to its new deadline', () => {
    // Prepare
    const scenario = scenarioSchema.parse({
      default: { submissions: { '*': { daysBeforeDue: 1 } } },
      units: {
        songxi: {
          extensions: [{ deliverableId: 'self-assessment-report', at: '2016-11-03T15:00:00+08:00', lastDay: '2016-11-16', reason: '县领导班子调整' }],
        },
      },
    });

    // Act
    const actions = compileScenario(scenario, plan, deriveSchedule(plan));

    // Assess
    expect(actions.filter((a) => a.kind === 'extend')).toEqual([
      { at: Date.parse('2016-11-03T15:00:00+08:00'), kind: 'extend', unitId: 'songxi', deliverableId: 'self-assessment-report', lastDay: '2016-11-16', reason: '县领导班子调整' },
    ]);
    const report = (unitId: string) => actions.find((a) => a.kind === 'submit' && a.unitId === unitId && a.deliverableId === 'self-assessment-report')!;
    expect(new Date(report('songxi').at).toISOString()).toBe('2016-11-15T02:00:00.000Z');
    expect(new Date(report('yanping').at).toISOString()).toBe('2016-11-08T02:00:00.000Z');
  });

  it('refuses an extension whose instant is not a date-time', () => {
    const parsed = scenarioSchema.safeParse({
      default: {},
      units: { songxi: { extensions: [{ deliverableId: 'self-assessment-report', at: '2016-11-03', lastDay: '2016-11-16', reason: 'x' }] } },
    });
    expect(parsed.success).toBe(false);
  });
});

describe('scenario validation against the plan (finding 14)', () => {
  const problemsOf = (raw: unknown) => {
    const r = validateScenario(raw, plan);
    if (r.ok) throw new Error('expected problems');
    return r.problems;
  };

  it('names an unknown deliverable (once silently never submitted), an unknown unit and a refused extension, with path and rule', () => {
    const problems = problemsOf({
      default: { submissions: { '*': { daysBeforeDue: 2 }, 'self-assesment-report': { daysAfterDue: 1 } } },
      units: {
        nowhere: { submissions: { '*': 'never' } },
        songxi: {
          extensions: [
            { deliverableId: 'self-assessment-report', at: '2016-11-03T15:00:00+08:00', lastDay: '2016-11-01', reason: '早于截止日' },
            { deliverableId: 'annual-report', at: '2016-11-03T15:00:00+08:00', lastDay: '2016-11-16', reason: '没有这项材料' },
            { deliverableId: 'progress-report-1', at: '2016-12-20T10:00:00+08:00', lastDay: '2016-12-30', reason: '太晚' },
          ],
          reviews: [1, 2, 3, 4].map(() => ({ decision: 'returned', afterDays: 1 })),
        },
      },
    });
    expect(problems.map((p) => `${p.path} ${p.rule}`)).toEqual([
      'default.submissions.self-assesment-report unknown-deliverable',
      'units.nowhere unknown-unit',
      'units.songxi.extensions[0].lastDay not-later',
      'units.songxi.extensions[1].deliverableId unknown-deliverable',
      'units.songxi.extensions[2].lastDay after-review',
      'units.songxi.extensions[2].at review-closed',
      'units.songxi.reviews too-many-rounds',
    ]);
    expect(problems[0].message.zh).toMatch(/^default\.submissions\.self-assesment-report: 计划中没有报送材料“self-assesment-report”，应为 implementation-plan、/);
    expect(problems[0].message.en).toContain('the plan has no deliverable "self-assesment-report"; expected one of implementation-plan, ');
    expect(problems[1].message).toEqual({
      zh: 'units.nowhere: 计划中没有单位“nowhere”（计划中的单位如 yanping、jianyang、shaowu、jianou、shunchang…）',
      en: 'units.nowhere: the plan has no unit "nowhere" (its units are such as yanping, jianyang, shaowu, jianou, shunchang…)',
    });
    expect(problems[2].message.en).toBe('units.songxi.extensions[0].lastDay: must be after the current last day, 2016-11-09');
  });

  it('names a malformed extension instant by its path and format, in both languages', () => {
    const problems = problemsOf({ default: {}, units: { songxi: { extensions: [{ deliverableId: 'self-assessment-report', at: '2016-11-03', lastDay: '2016-11-16', reason: 'x' }] } } });
    expect(problems.map((p) => [p.path, p.rule, p.message.zh, p.message.en])).toEqual([
      ['units.songxi.extensions[0].at', 'format.datetime', 'units.songxi.extensions[0].at: 日期时间格式不正确', 'units.songxi.extensions[0].at: must be an ISO date-time'],
    ]);
  });

  it('compileScenario refuses what the plan does not have with a ScenarioError in both languages, not an English-only Error', () => {
    const scenario = scenarioSchema.parse({ default: {}, units: { nowhere: {} } });
    const err = (() => {
      try {
        compileScenario(scenario, plan, deriveSchedule(plan));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).message).toContain('场景有误 / the scenario is invalid');
    expect((err as ScenarioError).message).toContain('units.nowhere  unknown-unit  units.nowhere: 计划中没有单位“nowhere”');
  });

  it('the simulator exits 1 on an invalid scenario, printing every problem in zh and en and no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenario-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ default: { submissions: { 'no-such-report': { daysBeforeDue: 1 } } }, units: { nowhere: {} } }));
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'local/simulate.ts', '--plan', 'plans/nanping-2016.json', '--scenario', file], { cwd: process.cwd() });
    const err = (await run.then(() => null, (e: unknown) => e)) as { code: number; stderr: string } | null;
    expect(err?.code).toBe(1);
    expect(err!.stderr).toContain(`场景有误：${file} / the scenario is invalid: ${file}`);
    expect(err!.stderr).toContain('default.submissions.no-such-report  unknown-deliverable  default.submissions.no-such-report: 计划中没有报送材料“no-such-report”');
    expect(err!.stderr).toContain('    units.nowhere: the plan has no unit "nowhere"');
    expect(err!.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);

  it('says where a run stands on one line: simulated date, executions, emails, actions', () => {
    const line = progressLine({ now: Date.parse('2016-06-01T01:00:00Z'), executions: 2801, emails: 12345, actions: { done: 3, total: 40 } });
    expect(line).toMatch(/^模拟时间 2016年6月1日 09:00.* · 执行 2,801 · 邮件 12,345 · 动作 3\/40 \| simulated .*1 June 2016.*, executions 2,801, emails 12,345$/);
  });
});
