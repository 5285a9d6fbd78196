/**
 * Problems: what is wrong with some input, said so that a person can fix it.
 *
 * One shape for every validation in the product (plan files, HTTP API bodies): a path into the input
 * (`phases[2].deliverables[0].due.date`), a stable rule code that programs and tests match on, and a
 * message in formal zh-CN and in English that names the field and the rule. Nothing here knows about
 * plans; schemas name their formats through the message of a regex/refine check (`{ message: 'date' }`),
 * which this module turns into the rule `format.date` and a sentence from FORMATS.
 */
import type * as z from 'zod/mini';

export type Lang = 'zh' | 'en';
export interface Message {
  zh: string;
  en: string;
}
export interface Problem {
  /** Where in the input, e.g. "phases[2].deliverables[0].due.date"; "" for the input as a whole. */
  path: string;
  /** Stable code, e.g. 'required', 'type', 'format.date', 'too-long', 'unknown-field', 'enum'. */
  rule: string;
  /** Names the field and the rule. */
  message: Message;
}

type Issue = z.core.$ZodIssue;
type PathSegment = PropertyKey;

/** Sentences for the formats a schema may name in a check's message (`z.regex(re, { message: 'date' })`). */
export const FORMATS: Record<string, Message> = {
  date: { zh: '日期格式应为 YYYY-MM-DD', en: 'must be a date in the form YYYY-MM-DD' },
  'calendar-date': { zh: '不是有效的日历日期', en: 'must be a real calendar date' },
  time: { zh: '时间格式应为 HH:mm（24 小时制）', en: 'must be a time of day in the form HH:mm (24-hour)' },
  slug: {
    zh: '标识应由小写字母、数字和连字符组成，以字母或数字开头，最多 40 个字符',
    en: 'must be an identifier of lower-case letters, digits and hyphens, starting with a letter or digit, at most 40 characters',
  },
  'single-line': { zh: '不得包含换行符', en: 'must be a single line (no line breaks)' },
  'utc-instant': { zh: '时间应为 UTC 格式 YYYY-MM-DDTHH:mm:ssZ', en: 'must be a UTC instant in the form YYYY-MM-DDTHH:mm:ssZ' },
  email: { zh: '电子邮箱地址格式不正确', en: 'must be a valid email address' },
  telephone: {
    zh: '电话号码格式不正确（如 0599-8823456，可带“转”分机号）',
    en: 'must be a telephone number such as 0599-8823456 (an extension may follow 转)',
  },
  url: { zh: '网址格式不正确', en: 'must be a valid URL' },
  uuid: { zh: 'UUID 格式不正确', en: 'must be a valid UUID' },
  datetime: { zh: '日期时间格式不正确', en: 'must be an ISO date-time' },
  'no-control-characters': {
    zh: '不得包含控制字符或改变文字方向的字符',
    en: 'must not contain control characters or characters that change the text direction',
  },
  phone: { zh: '电话号码只能由数字、空格和 + - ( ) 组成', en: 'must be a phone number: digits, spaces and + - ( ) only' },
  'positive-integer': { zh: '应为正整数', en: 'must be a positive whole number' },
  unicode: { zh: '含有无效的字符编码', en: 'contains an invalid character (a lone UTF-16 surrogate)' },
};

const TYPE_NAMES: Record<string, Message> = {
  string: { zh: '字符串', en: 'a string' },
  number: { zh: '数字', en: 'a number' },
  int: { zh: '整数', en: 'an integer' },
  boolean: { zh: '布尔值（true 或 false）', en: 'a boolean (true or false)' },
  array: { zh: '数组', en: 'an array' },
  object: { zh: '对象', en: 'an object' },
  null: { zh: 'null', en: 'null' },
  date: { zh: '日期', en: 'a date' },
};

/** `["phases", 2, "opens"]` → `phases[2].opens`; keys that are not identifiers are quoted: `a["b c"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

/** A problem whose message is prefixed by its path (`phases[2].opens: …`). */
export function makeProblem(path: string | readonly PathSegment[], rule: string, text: Message): Problem {
  const p = typeof path === 'string' ? path : formatPath(path);
  return {
    path: p,
    rule,
    message: p ? { zh: `${p}: ${text.zh}`, en: `${p}: ${text.en}` } : { ...text },
  };
}

function valueAt(root: unknown, path: readonly PathSegment[]): { found: boolean; value: unknown } {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object' || !(seg in (cur as object))) return { found: false, value: undefined };
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return { found: true, value: cur };
}

function show(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : String(v);
}

const IS_KEY = /^[a-z][a-z0-9-]*$/;

function fromIssue(issue: Issue, root: unknown, hasRoot: boolean): Problem[] {
  const path = issue.path as PathSegment[];
  const missing = hasRoot ? !valueAt(root, path).found || valueAt(root, path).value === undefined : 'input' in issue && issue.input === undefined;
  switch (issue.code) {
    case 'invalid_type': {
      if (missing) return [makeProblem(path, 'required', { zh: '必填', en: 'is required' })];
      const t = TYPE_NAMES[issue.expected] ?? { zh: String(issue.expected), en: String(issue.expected) };
      return [makeProblem(path, 'type', { zh: `应为${t.zh}`, en: `must be ${t.en}` })];
    }
    case 'invalid_value': {
      if (missing) return [makeProblem(path, 'required', { zh: '必填', en: 'is required' })];
      const values = issue.values.map(show);
      if (values.length === 1) return [makeProblem(path, 'value', { zh: `应为 ${values[0]}`, en: `must be ${values[0]}` })];
      return [makeProblem(path, 'enum', { zh: `应为以下值之一：${values.join('、')}`, en: `must be one of ${values.join(', ')}` })];
    }
    case 'unrecognized_keys':
      return issue.keys.map((key) =>
        makeProblem([...path, key], 'unknown-field', { zh: `未知字段“${key}”`, en: `unknown field "${key}"` }),
      );
    case 'too_big': {
      const n = String(issue.maximum);
      if (issue.origin === 'string')
        return [makeProblem(path, 'too-long', { zh: `长度不得超过 ${n} 个字符`, en: `must be at most ${n} characters long` })];
      if (issue.origin === 'array' || issue.origin === 'set')
        return issue.exact
          ? [makeProblem(path, 'length', { zh: `应恰好有 ${n} 项`, en: `must have exactly ${n} items` })]
          : [makeProblem(path, 'too-many', { zh: `不得超过 ${n} 项`, en: `must have at most ${n} items` })];
      return [
        makeProblem(path, 'too-large', issue.inclusive === false ? { zh: `应小于 ${n}`, en: `must be less than ${n}` } : { zh: `不得大于 ${n}`, en: `must be at most ${n}` }),
      ];
    }
    case 'too_small': {
      const n = String(issue.minimum);
      if (issue.origin === 'string')
        return Number(issue.minimum) === 1
          ? [makeProblem(path, 'empty', { zh: '不能为空', en: 'must not be empty' })]
          : [makeProblem(path, 'too-short', { zh: `长度不得少于 ${n} 个字符`, en: `must be at least ${n} characters long` })];
      if (issue.origin === 'array' || issue.origin === 'set')
        return issue.exact
          ? [makeProblem(path, 'length', { zh: `应恰好有 ${n} 项`, en: `must have exactly ${n} items` })]
          : [makeProblem(path, 'too-few', { zh: `至少应有 ${n} 项`, en: `must have at least ${n} items` })];
      return [
        makeProblem(path, 'too-small', issue.inclusive === false ? { zh: `应大于 ${n}`, en: `must be greater than ${n}` } : { zh: `不得小于 ${n}`, en: `must be at least ${n}` }),
      ];
    }
    case 'invalid_format': {
      // A regex check names its format through its message; built-in formats (email, url…) through `format`.
      const key = issue.format === 'regex' ? (IS_KEY.test(issue.message) ? issue.message : undefined) : issue.format;
      if (!key) return [makeProblem(path, 'format', { zh: '格式不正确', en: 'has an invalid format' })];
      const text = FORMATS[key] ?? { zh: `格式应为 ${key}`, en: `must be in the format ${key}` };
      return [makeProblem(path, `format.${key}`, text)];
    }
    case 'not_multiple_of':
      return [makeProblem(path, 'multiple-of', { zh: `应为 ${issue.divisor} 的整数倍`, en: `must be a multiple of ${issue.divisor}` })];
    case 'invalid_union':
      if (missing) return [makeProblem(path, 'required', { zh: '必填', en: 'is required' })];
      return [makeProblem(path, 'type', { zh: '不符合任何允许的形式', en: 'does not match any allowed form' })];
    case 'invalid_key':
    case 'invalid_element':
      return issue.issues.flatMap((inner) => fromIssue({ ...inner, path: [...path, ...inner.path] } as Issue, root, hasRoot));
    case 'custom': {
      // A refine that names a format (`{ message: 'calendar-date' }`) reads like a format problem.
      if (FORMATS[issue.message]) return [makeProblem(path, `format.${issue.message}`, FORMATS[issue.message])];
      if (IS_KEY.test(issue.message)) return [makeProblem(path, issue.message, { zh: '不符合规则', en: `breaks the rule "${issue.message}"` })];
      return [makeProblem(path, 'invalid', { zh: '值无效', en: issue.message || 'is invalid' })];
    }
    default:
      return [makeProblem(path, 'invalid', { zh: '值无效', en: 'is invalid' })];
  }
}

/**
 * Zod issues → problems. Pass the input that was parsed so a missing field reads "required" rather
 * than "must be a string" (zod does not keep the input in its issues by default).
 */
export function problemsFromIssues(issues: readonly Issue[], input?: unknown): Problem[] {
  const hasRoot = input !== undefined;
  return issues.flatMap((issue) => fromIssue(issue, input, hasRoot));
}

/** Parse with a zod schema; on failure, the problems. */
export function parseWithProblems<S extends z.ZodMiniType>(
  schema: S,
  input: unknown,
): { ok: true; value: z.output<S> } | { ok: false; problems: Problem[] } {
  const r = schema.safeParse(input);
  return r.success ? { ok: true, value: r.data as z.output<S> } : { ok: false, problems: problemsFromIssues(r.error.issues, input) };
}

/** One line per problem: `path  rule  message`; with 'both', the English line follows the Chinese one. */
export function formatProblems(problems: readonly Problem[], lang: Lang | 'both' = 'zh'): string {
  const langs: Lang[] = lang === 'both' ? ['zh', 'en'] : [lang];
  return problems
    .map((p) => langs.map((l, i) => (i === 0 ? `${p.path || '(root)'}  ${p.rule}  ${p.message[l]}` : `    ${p.message[l]}`)).join('\n'))
    .join('\n');
}
