/**
 * IAM identity-policy evaluation for the twin's gate: an explicit Deny wins, else an Allow must match the
 * action, the resource and every condition. pbac (MIT) does the matching (Action/NotAction, Resource/
 * NotResource with `*` and `?`, policy variables, its table of condition operators); the twin corrects
 * where pbac 0.3.2 is looser or different from IAM (each one has a test in test/unit/local-gate.test.ts):
 * - actions are case-insensitive in IAM; pbac compares them case-sensitively (both sides are lower-cased here);
 * - a single `"Action": "x"` (as CDK writes it) makes pbac throw: every element is made a list first;
 * - pbac reads only the FIRST key of a condition operator's block; IAM ANDs them all;
 * - a key missing from the request makes pbac compare against the key's own name; IAM: false, except for
 *   `...IfExists`, `Null` and negated operators (StringNotEquals, ArnNotLike, ...), which are then true;
 * - a negated operator with several values must differ from all of them (pbac: from any one);
 * - `Null` takes "true"/"false" strings in IAM (pbac only booleans).
 */
import PBAC from 'pbac';

export type ContextValue = string | string[];
export interface PolicyStatement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
  Sid?: string;
}
export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement | PolicyStatement[];
}
export interface AccessRequest {
  action: string;
  resource: string;
  /** Condition keys (`aws:CurrentTime`, `ses:FromAddress`, ...); looked up case-insensitively, as IAM does. */
  context?: Record<string, ContextValue>;
}

const list = (v: unknown): string[] | undefined => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).map(String));
const NEGATED = /^(StringNot|ArnNot|NumericNotEquals|DateNotEquals|NotIpAddress|BinaryNotEquals)/;

function normalise(doc: PolicyDocument): PolicyDocument {
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return {
    Version: doc.Version ?? '2012-10-17',
    Statement: statements.map((s) => {
      const out: PolicyStatement = { Effect: s.Effect };
      if (s.Sid !== undefined) out.Sid = s.Sid;
      if (s.Action !== undefined) out.Action = list(s.Action)!.map((a) => a.toLowerCase());
      if (s.NotAction !== undefined) out.NotAction = list(s.NotAction)!.map((a) => a.toLowerCase());
      if (s.Resource !== undefined) out.Resource = list(s.Resource);
      if (s.NotResource !== undefined) out.NotResource = list(s.NotResource);
      if (s.Condition !== undefined) out.Condition = s.Condition;
      return out;
    }),
  };
}

/** `{'aws:CurrentTime': x}` -> `{aws: {CurrentTime: x}}`, the shape pbac interpolates `${aws:username}` from. */
function nested(context: Record<string, ContextValue>): Record<string, Record<string, ContextValue>> {
  const out: Record<string, Record<string, ContextValue>> = {};
  for (const [key, value] of Object.entries(context)) {
    const i = key.indexOf(':');
    if (i < 0) continue;
    (out[key.slice(0, i)] ??= {})[key.slice(i + 1)] = value;
  }
  return out;
}

/** An evaluator over a role's policies (no policy: nothing is allowed, as IAM's implicit deny). */
export function policyEvaluator(documents: PolicyDocument[]): (request: AccessRequest) => boolean {
  const pbac = new PBAC(documents.map(normalise), { validateSchema: false });
  const operators = pbac.conditions as Record<string, (this: unknown, a: unknown, b: unknown) => unknown>;
  let flat: Map<string, ContextValue> = new Map();
  pbac.evaluateCondition = (condition: unknown): boolean => {
    if (!condition || typeof condition !== 'object') return true;
    return Object.entries(condition as Record<string, Record<string, unknown>>).every(([operator, block]) =>
      Object.entries(block).every(([key, raw]) => {
        const values = (Array.isArray(raw) ? raw : [raw]).map(String);
        const value = flat.get(key.toLowerCase());
        const base = operator.replace(/IfExists$/, '').replace(/^For(All|Any)Values:/, '');
        if (base === 'Null') return values.some((v) => (v === 'true') === (value === undefined));
        if (value === undefined) return operator.endsWith('IfExists') || operator.startsWith('ForAllValues:') || NEGATED.test(base);
        const test = operators[operator.startsWith('For') ? operator : base];
        if (typeof test !== 'function') return false; // an operator the twin cannot evaluate never allows
        if (operator.startsWith('For')) return Boolean(test.call(pbac, Array.isArray(value) ? value : [value], values));
        const positive = operators[base.replace(/Not/, '')];
        if (NEGATED.test(base) && typeof positive === 'function') return !values.some((v) => positive.call(pbac, value, v));
        return values.some((v) => test.call(pbac, value, v));
      }),
    );
  };
  return (request) => {
    const context = request.context ?? {};
    flat = new Map(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v]));
    return pbac.evaluate({ action: request.action.toLowerCase(), resource: request.resource, context: nested(context) }) === true;
  };
}
