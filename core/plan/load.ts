/**
 * Reading a plan file: UTF-8 JSON, then validatePlan. A file that cannot be read or is not JSON is a
 * problem like any other (rule 'file.read' / 'json.syntax', with line and column), never a thrown error.
 */
import { readFile } from 'node:fs/promises';
import { makeProblem } from '../validation';
import { validatePlan, type ValidatePlanResult } from './validate';

export async function loadPlanFile(path: string): Promise<ValidatePlanResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    return {
      ok: false,
      warnings: [],
      problems: [makeProblem('', 'file.read', { zh: `无法读取计划文件 ${path}（${reason}）`, en: `cannot read the plan file ${path} (${reason})` })],
    };
  }
  return parsePlanText(text);
}

/** Validate plan JSON text (a leading BOM is allowed). */
export function parsePlanText(text: string): ValidatePlanResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (err) {
    return { ok: false, warnings: [], problems: [jsonProblem(body, (err as Error).message)] };
  }
  return validatePlan(raw);
}

function jsonProblem(text: string, reason: string) {
  // V8 says "... in JSON at position N" (sometimes followed by "(line L column C)"); end of input has no position.
  const m = /at position (\d+)/.exec(reason);
  const pos = m ? Number(m[1]) : text.length;
  const before = text.slice(0, pos).split('\n');
  const line = before.length;
  const column = before[before.length - 1].length + 1;
  return makeProblem('', 'json.syntax', {
    zh: `JSON 语法错误，位于第 ${line} 行第 ${column} 列：${reason}`,
    en: `JSON syntax error at line ${line}, column ${column}: ${reason}`,
  });
}
