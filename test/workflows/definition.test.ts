/**
 * The definitions the app synthesizes (extracted and resolved by local/assembly.ts, never hand-copied):
 * valid ASL, unique state names, absolute waits only, and every Lambda task bound to a function of the
 * app whose handler file exists. Behaviour is tested by running them in the twin, not here.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENTS_FUNCTION_TIMEOUT_SECONDS } from '../../core/task-limits';
import { REPO_ROOT } from '../../infra/constructs/app-function';
import { loadTwinAssembly, type TwinAssembly } from '../../local/assembly';
import { UnitCycleState } from '../../workflows/unit-cycle/states';
import { YearlyCycleState } from '../../workflows/yearly-cycle/states';

type AslValidator = (
  definition: unknown,
  opts?: { checkPaths?: boolean; checkArn?: boolean },
) => { isValid: boolean; errors: unknown[]; errorsText: (separator?: string) => string };
// asl-validator 4 is CommonJS without type declarations.
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

interface State {
  Type: string;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  ItemProcessor?: { States: Record<string, State> };
  Iterator?: { States: Record<string, State> };
  Branches?: Array<{ States: Record<string, State> }>;
  [key: string]: unknown;
}

/** Every state of a definition, Map and Parallel bodies included, as [name, state] pairs (duplicates kept). */
function allStates(states: Record<string, State>): Array<[string, State]> {
  const out: Array<[string, State]> = [];
  for (const [name, state] of Object.entries(states)) {
    out.push([name, state]);
    if (state.ItemProcessor) out.push(...allStates(state.ItemProcessor.States));
    if (state.Iterator) out.push(...allStates(state.Iterator.States));
    for (const b of state.Branches ?? []) out.push(...allStates(b.States));
  }
  return out;
}

let assembly: TwinAssembly;
beforeAll(async () => {
  assembly = await loadTwinAssembly();
});

const machine = (suffix: string) => {
  const m = assembly.stateMachines.find((s) => s.name.endsWith(suffix));
  if (!m) throw new Error(`no ${suffix} state machine`);
  return { ...m, states: allStates((m.definition as { States: Record<string, State> }).States) };
};

describe.each([
  ['YearlyCycle', Object.values(YearlyCycleState)],
  ['UnitCycle', Object.values(UnitCycleState)],
])('%s definition', (suffix, declaredNames) => {
  it('is valid Amazon States Language', () => {
    const m = machine(suffix);
    // The validator annotates the object it is given: hand it a copy.
    const result = aslValidator(structuredClone(m.definition));
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('has unique state names, exactly the ones its states.ts declares', () => {
    const names = machine(suffix).states.map(([n]) => n);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual([...declaredNames].sort());
  });

  it('waits only until absolute timestamps from the input', () => {
    const waits = machine(suffix).states.filter(([, s]) => s.Type === 'Wait');
    expect(waits.length).toBeGreaterThan(0);
    for (const [name, s] of waits) {
      expect(Object.keys(s).filter((k) => /^(Seconds|SecondsPath|Timestamp|TimestampPath)$/.test(k)), name).toEqual(['TimestampPath']);
    }
  });

  it('uses JSONPath only: no JSONata, no variables, no Distributed Map', () => {
    const m = machine(suffix);
    const text = JSON.stringify(m.definition);
    expect(text).not.toMatch(/"QueryLanguage"\s*:\s*"JSONata"|"Assign"|"DISTRIBUTED"|\{%/);
  });

  it('binds every Lambda task to a function of the app whose handler file exists', () => {
    const byArn = new Map(assembly.functions.map((f) => [f.arn, f]));
    const tasks = machine(suffix).states.filter(([, s]) => s.Type === 'Task');
    expect(tasks.length).toBeGreaterThan(0);
    for (const [name, s] of tasks) {
      const arn = String(s.Resource).startsWith('arn:aws:lambda:') ? s.Resource : (s.Parameters?.FunctionName as string | undefined);
      const fn = byArn.get(String(arn));
      expect(fn, `${name} -> ${arn}`).toBeDefined();
      expect(existsSync(join(REPO_ROOT, fn!.handlerFile)), fn!.handlerFile).toBe(true);
    }
  });

  it('keeps Lambda results unwrapped (payloadResponseOnly) except for callbacks; every plain task times out at 300 s, GenerateYearDocuments a minute after its function', () => {
    for (const [name, s] of machine(suffix).states.filter(([, st]) => st.Type === 'Task')) {
      if (String(s.Resource).endsWith('.waitForTaskToken')) continue;
      expect(s.Resource, name).toMatch(/^arn:aws:lambda:/);
      // The one function with a longer Lambda timeout (it sends no mail): its Task must outlive it, so no
      // retry starts while an attempt still runs (core/task-limits.ts taskTimeoutSeconds).
      expect(s.TimeoutSeconds, name).toBe(name === YearlyCycleState.GenerateYearDocuments ? DOCUMENTS_FUNCTION_TIMEOUT_SECONDS + 60 : 300);
    }
  });
});

it('binds each UnitCycle function the way the contract names it', () => {
  const m = machine('UnitCycle');
  const fileOf = (state: string) => {
    const s = m.states.find(([n]) => n === state)![1];
    const arn = String(s.Resource).startsWith('arn:aws:lambda:') ? s.Resource : s.Parameters?.FunctionName;
    return assembly.functions.find((f) => f.arn === arn)!.handlerFile;
  };
  expect(fileOf('AwaitSelfAssessment')).toBe('functions/await-submission/handler.ts');
  expect(fileOf('AwaitResubmission')).toBe('functions/await-submission/handler.ts');
  expect(fileOf('AwaitReviewDecision')).toBe('functions/request-review/handler.ts');
  for (const s of ['RecordQualified', 'RecordNotQualified', 'RecordNotSubmitted', 'RecordReviewOverdue', 'RecordRectificationMissed']) {
    expect(fileOf(s)).toBe('functions/record-outcome/handler.ts');
  }
});

it('reads the record before any timeout outcome: a callback timeout goes back to its Prepare step, and only the Choice after it records one', () => {
  const m = machine('UnitCycle');
  const state = (name: string) => m.states.find(([n]) => n === name)![1];
  type Transition = { Next?: string };
  // The resubmission wait passes its 签收 check (a notice task: its failure is reported, never fatal) on the way.
  const waits = [
    ['AwaitSelfAssessment', 'PrepareSubmissionWait', 'IsSelfAssessmentMissing', 'RecordNotSubmitted', null],
    ['AwaitReviewDecision', 'PrepareReviewRound', 'IsReviewOverdue', 'RecordReviewOverdue', null],
    ['AwaitResubmission', 'PrepareResubmissionWait', 'IsResubmissionMissing', 'RecordRectificationMissed', 'EscalateIfUnsigned'],
  ] as const;
  const nextOf = (s: State) => [s.Next, s.Default, ...[...((s.Choices ?? []) as Transition[]), ...((s.Catch ?? []) as Transition[])].map((t) => t.Next)];
  const into = (target: string) => m.states.filter(([, s]) => nextOf(s).includes(target)).map(([n]) => n);
  for (const [wait, prepare, choice, record, via] of waits) {
    expect(state(wait).Catch, wait).toEqual([{ ErrorEquals: ['States.Timeout'], Next: via ?? prepare, ResultPath: null }]);
    if (via) {
      expect(into(via).sort(), via).toEqual([wait, 'HasRoundsLeft'].sort());
      expect(into(prepare).sort(), prepare).toEqual([via, 'ReportSigningEscalationFailure', 'ReportSigningEscalationFailureSkipped'].sort());
    }
    expect(state(prepare).Next, prepare).toBe(choice);
    expect(state(choice), choice).toMatchObject({ Choices: [{ Variable: '$.wait.expired', BooleanEquals: true, Next: record }], Default: wait });
    expect(into(record), record).toEqual([choice]);
  }
});

it('never lets a notice that fails after its retries end a unit cycle: every send-unit-notice task catches States.ALL', () => {
  const m = machine('UnitCycle');
  const sendUnitNotice = assembly.functions.find((f) => f.handlerFile === 'functions/send-unit-notice/handler.ts')!.arn;
  const noticeTasks = m.states.filter(([, s]) => s.Type === 'Task' && s.Resource === sendUnitNotice);
  expect(noticeTasks.length).toBeGreaterThanOrEqual(8);
  for (const [name, s] of noticeTasks) {
    const catchers = (s.Catch as Array<{ ErrorEquals: string[]; Next: string }> | undefined) ?? [];
    expect(catchers.some((c) => c.ErrorEquals.includes('States.ALL')), name).toBe(true);
  }
});

it('retries TransientError on every callback task, so a throttled store or completion never ends a unit cycle', () => {
  const callbacks = machine('UnitCycle').states.filter(([, s]) => String(s.Resource).endsWith('.waitForTaskToken'));
  expect(callbacks.map(([n]) => n).sort()).toEqual(['AwaitResubmission', 'AwaitReviewDecision', 'AwaitSelfAssessment']);
  for (const [name, s] of callbacks) {
    const retriers = (s.Retry as Array<{ ErrorEquals: string[] }> | undefined) ?? [];
    expect(retriers.some((r) => r.ErrorEquals.includes('TransientError')), name).toBe(true);
  }
});
