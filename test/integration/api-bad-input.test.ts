/**
 * Bad input on every route, over the local gateway with the real handlers, generated with fast-check: an
 * authorized caller sends requests that break the route's schemas one way at a time (unknown fields, wrong
 * types, strings over their limit, line breaks in single-line text, control characters, numbers out of
 * range or fractional, impossible dates, malformed uuids, odd path segments, arrays over their limit,
 * bodies that are not JSON or not labelled as JSON, bodies over 512 KB, stray query parameters, a plan that
 * is not an object or whose cycle id, year or forwarding day is broken). Each is
 * refused with a 4xx carrying an error code, a 400 lists problems that name the field, and nothing stored
 * changes (the table, the documents bucket, the SES inbox). Then: a well-formed request the use case refuses
 * is answered in English when the caller asks for English, and in Chinese otherwise.
 *
 * The seed is fixed (fast-check prints it, with the counterexample, on failure); FC_SEED overrides it.
 */
import { readFileSync } from 'node:fs';
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLUG } from '../../core/plan/schema';
import { ROUTES, type RouteFunction } from '../../functions/routes';
import { MAX_BODY_BYTES } from '../../functions/_shared/api-handler';
import { exampleSelfAssessment } from '../../local/scenario';
import { CYCLE, REVIEWED, UNIT, callApi, plan, startApiTwin, type ApiAnswer, type ApiTwin, type ErrorBody } from '../helpers/api-twin';
import { planCopy } from '../helpers/plans';

const SEED = Number(process.env.FC_SEED ?? 20161110);
/** A plan the city may start: the example's, a year later (started only where a test means it to be). */
const NEXT_YEAR = planCopy(plan, { cycleId: 'nanping-2017', title: '南平市2017年创建工作', years: 1 });
/** Another office's plan (a district's): refused to Nanping's city office. */
const BINJIANG = JSON.parse(readFileSync(new URL('../../plans/binjiang-streets-2026-example.json', import.meta.url), 'utf8'));
const RUNS = 25;
type Route = (typeof ROUTES)[number];

// ---- The routes' inputs, as the schemas in functions/*/route.ts define them ------------------------

/** One field of a body: its kind, its limits, and a valid value to start from. */
type Field =
  | { kind: 'line'; max: number; valid: string }
  | { kind: 'text'; max: number; min?: 1; valid: string }
  | { kind: 'slug'; valid: string }
  | { kind: 'uuid'; valid: string }
  | { kind: 'int'; min: number; max: number; valid: number }
  | { kind: 'points'; valid: number }
  | { kind: 'date'; valid: string }
  | { kind: 'email'; valid: string }
  | { kind: 'enum'; values: readonly string[]; valid: string }
  | { kind: 'bool'; valid: boolean }
  | { kind: 'object'; fields: Record<string, Field & { optional?: boolean }> }
  /**
   * A plan file's JSON (POST /plans/validate, POST /cycles): the whole plan is the valid value; `fields` are
   * the ones broken here (the validator checks the rest; test/unit/plan-validate.test.ts). Without fields, a
   * plan whose content is wrong is not bad input: the check answers it with its problems.
   */
  | { kind: 'plan'; valid: unknown; fields?: Record<string, Field & { optional?: boolean }> }
  | { kind: 'array'; max: number; of: Field; valid: number };
type Spec = Field & { optional?: boolean };

const opt = <F extends Field>(f: F): F & { optional: true } => ({ ...f, optional: true });
const obj = (fields: Record<string, Spec>): Field => ({ kind: 'object', fields });
/** `valid` elements in the valid value (all alike). */
const arr = (of: Field, max: number, valid = 1): Field => ({ kind: 'array', of, max, valid });

type PathKind = 'slug' | 'uuid' | 'round' | 'version' | 'messageId' | 'proposalId';
const PARAM_KINDS: Record<string, PathKind> = { cycleId: 'slug', unitId: 'slug', deliverableId: 'slug', uploadId: 'uuid', round: 'round', version: 'version', messageId: 'messageId', proposalId: 'proposalId', windowId: 'slug' };
/** A well-formed notice id that names no notice of the unit. */
const NO_SUCH_NOTICE = 'f'.repeat(32);
/** A well-formed proposal id that names no proposal of the unit. */
const NO_SUCH_PROPOSAL = 'e'.repeat(32);

const selfAssessment = (uploadId: string): Field =>
  obj({
    narrative: { kind: 'text', max: 10000, min: 1, valid: '本县按照创建工作方案完成了各阶段工作。' },
    scores: arr(
      obj({
        itemId: { kind: 'slug', valid: 'leadership' },
        score: { kind: 'points', valid: 3.5 },
        evidence: opt(arr({ kind: 'uuid', valid: uploadId }, 20)),
        note: opt({ kind: 'text', max: 1000, valid: '见附件' }),
      }),
      200,
    ),
    roster: arr(obj({ name: { kind: 'line', max: 40, valid: '第一社区' }, created: { kind: 'bool', valid: true }, qualified: { kind: 'bool', valid: false } }), 1000, 3),
  });

/** The body of each route that takes one. */
const bodies = (uploadId: string): Partial<Record<RouteFunction, Field>> => ({
  'create-upload': obj({
    fileName: { kind: 'line', max: 120, valid: '自评报告附件.pdf' },
    contentType: { kind: 'line', max: 100, valid: 'application/pdf' },
    size: { kind: 'int', min: 1, max: 100 * 1024 * 1024, valid: 1234 },
  }),
  'preview-self-assessment': obj({ selfAssessment: selfAssessment(uploadId) }),
  'submit-deliverable': obj({
    narrative: opt({ kind: 'text', max: 10000, valid: '第二版' }),
    documents: opt(arr({ kind: 'uuid', valid: uploadId }, 30)),
    selfAssessment: opt(selfAssessment(uploadId)),
  }),
  'decide-review': obj({
    outcome: { kind: 'enum', values: ['approved', 'returned'], valid: 'returned' },
    reason: opt({ kind: 'text', max: 2000, valid: '请补充领导批示材料。' }),
    scores: opt(arr(obj({ itemId: { kind: 'slug', valid: 'leadership' }, score: { kind: 'points', valid: 3 }, reason: opt({ kind: 'line', max: 500, valid: '材料不全' }) }), 200)),
    rectificationLastDay: opt({ kind: 'date', valid: '2016-11-20' }),
    version: opt({ kind: 'int', min: 1, max: 9999, valid: 1 }),
  }),
  'grant-extension': obj({ lastDay: { kind: 'date', valid: '2016-06-15' }, reason: { kind: 'line', max: 500, valid: '因汛期影响，准予延期' } }),
  'fix-contact': obj({ email: { kind: 'email', valid: 'yanping-office@nanping.example.cn' } }),
  'decide-proposal': obj({ action: { kind: 'enum', values: ['confirm', 'withdraw'], valid: 'withdraw' }, reason: opt({ kind: 'line', max: 500, valid: '已说明原因' }) }),
  'validate-plan': { kind: 'plan', valid: NEXT_YEAR },
  'start-cycle': {
    kind: 'plan',
    valid: NEXT_YEAR,
    fields: {
      cycleId: { kind: 'slug', valid: NEXT_YEAR.cycleId },
      year: { kind: 'int', min: 2000, max: 2100, valid: NEXT_YEAR.year },
      forwardToProvince: obj({ on: { kind: 'date', valid: NEXT_YEAR.forwardToProvince.on } }),
    },
  },
  'confirm-forwarding': obj({ note: opt({ kind: 'line', max: 500, valid: '名单经核对无误' }) }),
  'issue-commendation': obj({ units: arr({ kind: 'slug', valid: 'yanping' }, 100), text: { kind: 'text', max: 2000, min: 1, valid: '创建工作扎实，成效显著。' } }),
  'edit-unit-contacts': obj({
    version: { kind: 'int', min: 0, max: 9999, valid: 0 },
    office: opt(contact('延平区打传办', 'dcb@yanping.example.cn')),
    leader: opt(contact('延平区分管领导', 'wang@yanping.example.cn')),
    reason: opt({ kind: 'line', max: 200, valid: '人员调整' }),
  }),
  // One row: names must be unique, so a valid roster of identical rows has one.
  'put-unit-roster': obj({
    version: { kind: 'int', min: 0, max: 9999, valid: 0 },
    communities: arr(
      obj({
        name: { kind: 'line', max: 60, valid: '水南社区' },
        kind: { kind: 'enum', values: ['community', 'village'], valid: 'community' },
        takingPart: { kind: 'bool', valid: true },
        contact: obj({ name: { kind: 'line', max: 60, valid: '陈水南' }, telephone: { kind: 'line', max: 24, valid: '0599-8601001' } }),
      }),
      600,
    ),
    reason: opt({ kind: 'line', max: 200, valid: '新增塔前村' }),
  }),
  // Inspection results and the score sheet (issue 10 item 4).
  'put-inspection-result': obj({
    version: { kind: 'int', min: 0, max: 9999, valid: 0 },
    community: { kind: 'line', max: 60, valid: '水南社区' },
    passed: { kind: 'bool', valid: false },
    notes: opt({ kind: 'text', max: 2000, valid: '宣传栏未更新' }),
    evidence: opt(arr({ kind: 'uuid', valid: uploadId }, 20)),
  }),
  'put-inspection-score': obj({
    version: { kind: 'int', min: 0, max: 9999, valid: 0 },
    items: arr(
      obj({
        itemId: { kind: 'slug', valid: 'leadership' },
        deduction: opt({ kind: 'points', valid: 1 }),
        bonus: opt({ kind: 'points', valid: 0 }),
        veto: opt({ kind: 'enum', values: ['passed', 'failed'], valid: 'passed' }),
        reason: opt({ kind: 'line', max: 500, valid: '材料不全' }),
      }),
      200,
    ),
  }),
});
/** A directory contact: a phone is a line whose characters are digits, spaces and + - ( ). */
function contact(name: string, email: string): Field {
  return obj({ name: opt({ kind: 'line', max: 60, valid: name }), email: { kind: 'email', valid: email }, phone: opt({ kind: 'line', max: 30, valid: '0599-8888888' }) });
}

function validValue(f: Field): unknown {
  switch (f.kind) {
    case 'object':
      return Object.fromEntries(Object.entries(f.fields).map(([k, v]) => [k, validValue(v)]));
    case 'array':
      return Array.from({ length: f.valid }, () => validValue(f.of));
    case 'plan':
      return structuredClone(f.valid);
    default:
      return f.valid;
  }
}

/** Every place a body can be broken: each field, each object (for unknown fields), each array's first element. */
interface Target {
  path: (string | number)[];
  field: Spec;
}
function targets(f: Spec, path: (string | number)[] = []): Target[] {
  const fields = f.kind === 'object' || f.kind === 'plan' ? (f.fields ?? {}) : {};
  const nested = f.kind === 'array' && f.valid > 0 ? targets(f.of, [...path, 0]) : Object.entries(fields).flatMap(([k, v]) => targets(v, [...path, k]));
  return [{ path, field: f }, ...nested];
}

/** `["selfAssessment","roster",0,"name"]` -> `selfAssessment.roster[0].name`, as the API names fields. */
const fieldName = (path: (string | number)[]) => path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '');

function setAt(root: unknown, path: (string | number)[], change: (parent: Record<string | number, unknown>, key: string | number) => void): unknown {
  const copy = structuredClone(root);
  let cur = copy as Record<string | number, unknown>;
  for (const p of path.slice(0, -1)) cur = cur[p] as Record<string | number, unknown>;
  change(cur, path.at(-1)!);
  return copy;
}

// ---- Invalid values ------------------------------------------------------------------------------

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
/** A JSON value of another type than `accepted` (null counts as another type: no field here is nullable). */
const wrongType = (accepted: string) =>
  fc
    .oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.string({ maxLength: 10 }), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }))
    .filter((v) => typeOf(v) !== accepted);

/** Printable, not blank: a string that is still too long once trimmed. */
const longText = (min: number) => fc.string({ unit: fc.constantFrom('a', '中', 'Z', '9', '-', '文'), minLength: min, maxLength: min + 40 });
/** The valid value with `inserted` somewhere strictly inside it (trimming does not remove it). */
const insideOf = (valid: string, inserted: fc.Arbitrary<string>) =>
  fc.tuple(fc.integer({ min: 1, max: valid.length - 1 }), inserted).map(([i, s]) => `${valid.slice(0, i)}${s}${valid.slice(i)}`);
const CONTROL = fc.constantFrom(...[...Array(9).keys(), 0x0b, 0x0c, ...Array.from({ length: 18 }, (_, i) => 0x0e + i), 0x7f].map((c) => String.fromCharCode(c)));
const notSlug = fc.oneof(
  fc.constantFrom('Yanping', 'yan ping', '-yanping', 'yan_ping', '延平', 'a'.repeat(41), 'yanping\n', 'yanping/x', '%', '...', '\u0000', ''),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 45 }).filter((s) => !SLUG.test(s)),
);
/** Chinese characters and full-width punctuation. */
const HAN = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const notUuid = (valid: string) =>
  fc.oneof(
    fc.constantFrom(valid.toUpperCase(), valid.replaceAll('-', ''), `${valid}0`, valid.slice(1), `{${valid}}`, 'not-a-uuid', '1', ''),
    fc.uuid().map((u) => u.toUpperCase()).filter((u) => /[A-F]/.test(u)),
    fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !UUID.test(s)),
  );
const notDate = fc.oneof(
  fc.constantFrom('2016-02-30', '2016-13-01', '2016-11-31', '2016-00-10', '2016-1-5', '16-11-15', '2016/11/15', '2016-11-15T00:00:00+08:00', ' 2016-11-15', '2016-11-15 ', '２０１６-11-15', ''),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.string({ maxLength: 12 }).filter((s) => !/^\d{4}-\d{2}-\d{2}$/.test(s)),
);
const notEmail = fc.oneof(
  fc.constantFrom('no-at-sign', 'a@', '@nanping.example.cn', 'a b@nanping.example.cn', 'a@b', 'a@b.cn\r\nBcc: x@y.cn', `${'a'.repeat(250)}@b.cn`, ''),
  fc.string({ maxLength: 30 }).filter((s) => !s.includes('@')),
);
const outOfRange = (min: number, max: number) =>
  fc.oneof(
    fc.integer({ min: -1e9, max: min - 1 }),
    fc.integer({ min: max + 1, max: max * 10 + 10 }),
    fc.constantFrom(1e300, -1e300, Number.MAX_SAFE_INTEGER + 2, -0.5),
    fc.double({ min, max, noNaN: true }).filter((d) => !Number.isInteger(d)),
  );
const notPoints = fc.oneof(
  fc.double({ min: -1e6, max: -0.5, noNaN: true }),
  fc.double({ min: 1000.5, max: 1e12, noNaN: true }),
  fc.constantFrom(1e300, 0.3, 1.25, 999.99),
  fc.integer({ min: 0, max: 999 }).map((n) => n + 0.1),
);

interface Broken {
  value: unknown;
  /** What was broken, for the test's message. */
  how: string;
}

/** Invalid values for one field (never one its schema accepts). */
function breakField(f: Spec): fc.Arbitrary<Broken>[] {
  const as = (how: string, a: fc.Arbitrary<unknown>) => a.map((value) => ({ value, how }));
  switch (f.kind) {
    case 'line':
      return [
        as('wrong type', wrongType('string')),
        as(`over ${f.max} characters`, longText(f.max + 1)),
        as('line break inside', insideOf(f.valid, fc.constantFrom('\n', '\r', '\r\n', 'x\ny'))),
        as('blank', fc.constantFrom('', ' ', '\t', '  \n  ')),
      ];
    case 'text':
      return [
        as('wrong type', wrongType('string')),
        as(`over ${f.max} characters`, longText(f.max + 1)),
        as('control character', insideOf(f.valid, CONTROL)),
        ...(f.min ? [as('empty', fc.constant(''))] : []),
      ];
    case 'slug':
      return [as('wrong type', wrongType('string')), as('not an identifier', notSlug)];
    case 'uuid':
      return [as('wrong type', wrongType('string')), as('not a uuid', notUuid(f.valid))];
    case 'int':
      return [as('wrong type', wrongType('number')), as('out of range or fractional', outOfRange(f.min, f.max)), as('number as a string', fc.constant(String(f.valid)))];
    case 'points':
      return [as('wrong type', wrongType('number')), as('negative, huge or not in half points', notPoints)];
    case 'date':
      return [as('wrong type', wrongType('string')), as('not a date', notDate)];
    case 'email':
      return [as('wrong type', wrongType('string')), as('not an address', notEmail)];
    case 'enum':
      return [as('wrong type', wrongType('string')), as('not one of the values', fc.string({ maxLength: 12 }).filter((s) => !f.values.includes(s)))];
    case 'bool':
      return [as('wrong type', wrongType('boolean')), as('boolean as a string', fc.constantFrom('true', 'false', 1, 0))];
    case 'object':
      return [as('wrong type', wrongType('object'))];
    case 'plan':
      // A null body counts as none, i.e. `{}`: a plan with every field missing, which the check answers.
      return [as('wrong type', wrongType('object').filter((v) => v !== null))];
    case 'array':
      return [
        as('wrong type', wrongType('array')),
        as(`over ${f.max} items`, fc.integer({ min: f.max + 1, max: f.max + 3 }).map((n) => Array.from({ length: n }, () => validValue(f.of)))),
      ];
  }
}

// ---- Requests ------------------------------------------------------------------------------------

interface BadRequest {
  how: string;
  method: string;
  path: string;
  token?: string;
  body?: string | Uint8Array;
  contentType?: string;
  /** The status it must get. */
  status: number;
  /** For a 400: one problem's path starts with this. */
  problemAt?: string;
}

interface RouteCase {
  route: Route;
  token: string | undefined;
  /** The token is the county's (`yanping`). */
  county: boolean;
  params: Record<string, string>;
  body?: Field;
}

const pathOf = (route: Route, params: Record<string, string>) => route.path.replace(/\{(\w+)\}/g, (_, n: string) => encodeURIComponent(params[n]));
/** A path segment the URL parser keeps as it is (dot segments would be resolved away, an empty one matches no route). */
const segmentSafe = (s: string) => {
  if (s === '' || s === '.' || s === '..') return false;
  try {
    encodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
};
/** Not 32 lower-case hex digits (a message or proposal id). */
const notHexId = fc.oneof(
  fc.constantFrom('F'.repeat(32), 'f'.repeat(31), 'f'.repeat(33), 'g'.repeat(32), `${'f'.repeat(31)} `, 'phase-opened'),
  fc.string({ maxLength: 40 }).filter((s) => !/^[0-9a-f]{32}$/.test(s)),
);
const notParam: Record<PathKind, fc.Arbitrary<string>> = {
  slug: notSlug,
  uuid: notUuid('3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f'),
  round: fc.oneof(fc.constantFrom('0', '-1', '1.5', '1e0', '01', 'one', '+1', ' 1', '0x1', '１', '6', '999999', '1000000'), fc.string({ maxLength: 8 }).filter((s) => !/^[1-5]$/.test(s))),
  version: fc.oneof(fc.constantFrom('0', '-1', '1.5', '1e3', '01', 'v1', '+1', '1 ', '10000', '1000000'), fc.string({ maxLength: 8 }).filter((s) => !/^[1-9]\d{0,3}$/.test(s))),
  messageId: notHexId,
  proposalId: notHexId,
};

function badRequests(c: RouteCase): fc.Arbitrary<BadRequest> {
  const { route } = c;
  const base = { method: route.method, token: c.token };
  const validBody = c.body && JSON.stringify(validValue(c.body));
  const withBody = route.method !== 'GET';
  const choices: fc.WeightedArbitrary<BadRequest>[] = [];

  // A path segment its schema refuses. The access check comes first: a county naming another unit is refused as such.
  const names = Object.keys(c.params);
  if (names.length) {
    const forbiddenIfUnit = c.county && (route.access === 'county' || route.access === 'unit');
    const arb = fc.constantFrom(...names).chain((name) =>
      notParam[PARAM_KINDS[name]].filter(segmentSafe).map((bad): BadRequest => {
        const forbidden = name === 'unitId' && forbiddenIfUnit;
        return {
          ...base, how: `path {${name}} = ${JSON.stringify(bad)}`, path: pathOf(route, { ...c.params, [name]: bad }),
          ...(withBody && validBody ? { body: validBody, contentType: 'application/json' } : {}),
          status: forbidden ? 403 : 400, problemAt: forbidden ? undefined : `path.${name}`,
        };
      }),
    );
    choices.push({ arbitrary: arb, weight: 3 });
  }

  // Query parameters: only the dashboard takes any (cursor, limit, filter); any other name is unknown.
  const taken = route.function === 'get-dashboard' ? ['cursor', 'limit', 'filter'] : route.function === 'list-directory' ? ['cursor', 'limit'] : [];
  const query = fc
    .tuple(fc.string({ minLength: 1, maxLength: 10 }), fc.string({ maxLength: 10 }))
    .filter(([k, v]) => segmentSafe(k) && segmentSafe(v || 'x') && !taken.includes(k))
    .map(([k, v]): BadRequest => ({
      ...base, how: `query ${JSON.stringify(k)}=${JSON.stringify(v)}`, path: `${pathOf(route, c.params)}?${encodeURIComponent(k)}=${encodeURIComponent(v)}`,
      ...(withBody && validBody ? { body: validBody, contentType: 'application/json' } : {}),
      status: 400, problemAt: 'query',
    }));
  choices.push({ arbitrary: query, weight: 1 });

  if (withBody) {
    const path = pathOf(route, c.params);
    const json = { ...base, path, contentType: 'application/json' };
    // Not JSON at all, labelled as JSON.
    const notJson = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => {
      try {
        JSON.parse(s);
        return false;
      } catch {
        return true;
      }
    });
    choices.push({ arbitrary: notJson.map((s): BadRequest => ({ ...json, how: `not JSON: ${JSON.stringify(s)}`, body: s, status: 400, problemAt: 'body' })), weight: 1 });
    // JSON, not labelled as JSON.
    const types = fc.constantFrom('text/plain', 'text/html', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', 'application/xml', 'image/png', 'json');
    choices.push({
      arbitrary: types.map((type): BadRequest => ({ ...base, path, how: `content-type ${type}`, body: validBody ?? '{"a":1}', contentType: type, status: 400, problemAt: 'body' })),
      weight: 1,
    });
    // Over the body limit (the gateway's own 10 MB limit is far above it).
    choices.push({
      arbitrary: fc.integer({ min: 1, max: 64 * 1024 }).map((extra): BadRequest => ({ ...json, how: `body of ${MAX_BODY_BYTES + extra} bytes`, body: JSON.stringify({ pad: 'x'.repeat(MAX_BODY_BYTES + extra) }), status: 413 })),
      weight: 1,
    });
    if (!c.body) {
      // A route that takes no body takes none ({}, [] and null count as none).
      const some = fc.jsonValue({ maxDepth: 2 }).filter((v) => v !== null && !(typeof v === 'object' && Object.keys(v).length === 0));
      choices.push({ arbitrary: some.map((v): BadRequest => ({ ...json, how: `a body: ${JSON.stringify(v).slice(0, 60)}`, body: JSON.stringify(v), status: 400, problemAt: 'body' })), weight: 2 });
    } else {
      const valid = validValue(c.body);
      const all = targets(c.body);
      // A field broken (the body itself, when it names no field: a plan whose content the validator answers).
      const fields = all.filter((t) => t.path.length > 0);
      const broken = fc.constantFrom(...(fields.length ? fields : all)).chain((t) =>
        fc.oneof(...breakField(t.field)).map((b): BadRequest => ({
          ...json, how: `${fieldName(t.path)}: ${b.how}: ${JSON.stringify(b.value)?.slice(0, 80)}`,
          body: JSON.stringify(t.path.length ? setAt(valid, t.path, (parent, key) => (parent[key] = b.value)) : b.value), status: 400, problemAt: fieldName(t.path),
        })),
      );
      choices.push({ arbitrary: broken, weight: 8 });
      // A required field left out.
      const required = all.filter((t) => t.path.length > 0 && !t.field.optional && typeof t.path.at(-1) === 'string');
      if (required.length) choices.push({
        arbitrary: fc.constantFrom(...required).map((t): BadRequest => ({
          ...json, how: `${fieldName(t.path)} left out`, body: JSON.stringify(setAt(valid, t.path, (parent, key) => delete parent[key])), status: 400, problemAt: fieldName(t.path),
        })),
        weight: 2,
      });
      // An unknown field, in any object.
      // A plan is strict too, but only where its fields are broken here (without, the check answers it).
      const objects = all.filter((t) => t.field.kind === 'object' || (t.field.kind === 'plan' && t.field.fields));
      const key = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'status', 'unitId', 'receivedAt', 'onTime', 'cityScore'), fc.string({ minLength: 1, maxLength: 12 }));
      const validAt = (path: (string | number)[]) => path.reduce<Record<string | number, unknown>>((o, p) => o[p] as Record<string | number, unknown>, valid as Record<string, unknown>);
      if (objects.length) choices.push({
        arbitrary: fc
          .tuple(fc.constantFrom(...objects), key, fc.jsonValue({ maxDepth: 1 }))
          .filter(([t, k]) => !Object.hasOwn(validAt(t.path), k))
          .map(([t, k, v]): BadRequest => ({
            ...json, how: `unknown field ${JSON.stringify(k)} in ${fieldName(t.path) || 'the body'}`,
            // defineProperty: `__proto__` becomes a field of the JSON, not the object's prototype.
            body: JSON.stringify(setAt(valid, [...t.path, k], (parent, name) => Object.defineProperty(parent, name, { value: v, enumerable: true }))),
            status: 400, problemAt: fieldName(t.path),
          })),
        weight: 3,
      });
    }
  }
  return fc.oneof(...choices);
}

// ---- The checks ----------------------------------------------------------------------------------

function assertRefused(res: ApiAnswer, req: BadRequest): void {
  const where = `${req.method} ${req.path.slice(0, 200)} (${req.how}): answered ${res.status} ${res.text.slice(0, 400)}`;
  expect(res.status, where).toBeGreaterThanOrEqual(400);
  expect(res.status, where).toBeLessThan(500);
  expect(res.status, where).toBe(req.status);
  const body = res.json as ErrorBody;
  expect(typeof body?.error?.code === 'string' && body.error.code.length > 0, where).toBe(true);
  expect(typeof body.error.message === 'string' && body.error.message.length > 0, where).toBe(true);
  if (res.status === 400) {
    expect(body.error.code, where).toBe('ValidationError');
    const problems = body.error.problems ?? [];
    expect(problems.length, where).toBeGreaterThan(0);
    for (const p of problems) {
      expect(Boolean(p.path) || Boolean(p.rule), where).toBe(true);
      expect(typeof p.message === 'string' && p.message.trim().length > 0, where).toBe(true);
    }
    if (req.problemAt) expect(problems.some((p) => p.path.startsWith(req.problemAt!)), `${where}: no problem at ${req.problemAt}`).toBe(true);
  }
}

const send = (api: ApiTwin, req: Omit<BadRequest, 'status' | 'how'>, headers: Record<string, string> = {}) =>
  callApi(api.twin, { method: req.method, path: req.path, token: req.token, body: req.body, headers: { ...(req.contentType ? { 'content-type': req.contentType } : {}), ...headers } });

describe('bad input on every route: a 4xx with an error code, problems that name the field, nothing stored', () => {
  let api: ApiTwin;
  const tokens: Record<'city' | 'county', string> = { city: '', county: '' };

  beforeAll(async () => {
    // Noon on 10 November: yanping's checked upload, implementation plan and self-assessment are in; round 1 waits.
    api = await startApiTwin();
    tokens.city = await api.twin.tokenFor('city');
    tokens.county = await api.twin.tokenFor(UNIT);
  });
  afterAll(async () => {
    await api?.close();
  });

  const caseFor = (route: Route): RouteCase => {
    const values: Record<string, string> = { cycleId: CYCLE, unitId: UNIT, deliverableId: REVIEWED, version: '1', round: '1', uploadId: api.uploadId, messageId: NO_SUCH_NOTICE, proposalId: NO_SUCH_PROPOSAL, windowId: 'cross-check' };
    const params = Object.fromEntries([...route.path.matchAll(/\{(\w+)\}/g)].map(([, n]) => [n, values[n]]));
    // The city on a unit's routes, so that a malformed unit id reaches the schema; the county on its own.
    const county = route.access === 'county' || route.access === 'signed-in';
    const token = route.access === 'public' ? undefined : county ? tokens.county : tokens.city;
    return { route, token, county, params, body: bodies(api.uploadId)[route.function] };
  };

  it.each(ROUTES.map((r, i) => [`${r.method} ${r.path} (${r.access})`, r, i] as const))('%s', async (_, route, i) => {
    // Prepare
    const c = caseFor(route);
    if (route.function === 'grant-extension') c.params.deliverableId = 'implementation-plan';
    const before = await api.probe.snapshot();
    // Act + Assess, per generated request
    await fc.assert(
      fc.asyncProperty(badRequests(c), async (req) => {
        assertRefused(await send(api, req), req);
      }),
      { seed: SEED + i, numRuns: RUNS },
    );
    // Assess: after the whole run (shrinking included), every store is as it was.
    await api.probe.expectUnchanged(before, `bad input on ${route.method} ${route.path}`);
  });

  it('a well-formed request the use case refuses is answered in English when asked, in Chinese by default', async () => {
    const pathTo = (fn: RouteFunction, params: Record<string, string> = {}) =>
      pathOf(ROUTES.find((r) => r.function === fn)!, { cycleId: CYCLE, unitId: UNIT, deliverableId: REVIEWED, version: '1', round: '1', uploadId: api.uploadId, messageId: NO_SUCH_NOTICE, proposalId: NO_SUCH_PROPOSAL, windowId: 'cross-check', ...params });
    const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);
    const json = (body: unknown) => ({ body: JSON.stringify(body), contentType: 'application/json' });
    const { county, city } = tokens;
    const upload = (how: string, body: unknown) => ({ how, method: 'POST', path: pathTo('create-upload'), token: county, ...json(body), status: 400 });
    const decide = (how: string, body: unknown, status: number, round = 1) => ({ how, method: 'PUT', path: pathTo('decide-review', { round: String(round) }), token: city, ...json(body), status });
    // Items whose English title is all English (one keeps 工商 in brackets, as the plan has it).
    const englishItems = plan.rubric.items.filter((i) => i.kind === 'standard' && !HAN.test(i.titleEn ?? '')).map((i) => i);
    const refused: fc.Arbitrary<Omit<BadRequest, 'problemAt'>> = fc.oneof(
      fc.tuple(word, fc.constantFrom(['text/html', 'html'], ['application/zip', 'zip'], ['image/gif', 'gif'], ['application/x-msdownload', 'exe'])).map(([w, [type, ext]]) =>
        upload('a type not on the allow-list', { fileName: `${w}.${ext}`, contentType: type, size: 100 }),
      ),
      word.map((w) => upload('a name that does not fit the type', { fileName: `${w}.docx`, contentType: 'application/pdf', size: 100 })),
      fc.integer({ min: 20 * 1024 * 1024 + 1, max: 100 * 1024 * 1024 }).map((size) => upload('a file over 20 MB', { fileName: 'big.pdf', contentType: 'application/pdf', size })),
      fc.uuid().filter((u) => UUID.test(u)).map((u) => ({ how: 'an unknown upload', method: 'POST', path: pathTo('check-upload', { uploadId: u }), token: county, status: 404 })),
      fc.tuple(fc.integer({ min: 2, max: 9999 }), fc.constantFrom<RouteFunction>('get-submission-version', 'get-receipt')).map(([v, fn]) => ({
        how: `version ${v}, which does not exist`, method: 'GET', path: pathTo(fn, { version: String(v) }), token: city, status: 404,
      })),
      fc.tuple(word.filter((w) => !plan.units.some((u) => u.id === w)), fc.constantFrom<RouteFunction>('get-unit-overview', 'list-submissions', 'list-unit-messages', 'list-unit-audit')).map(([w, fn]) => ({
        how: `a unit not in the plan (${w})`, method: 'GET', path: pathTo(fn, { unitId: w }), token: city, status: 404,
      })),
      fc.stringMatching(/^[0-9a-f]{32}$/).map((id) => ({ how: `a notice the unit never received (${id})`, method: 'POST', path: pathTo('sign-notice', { messageId: id }), token: county, status: 404 })),
      fc.stringMatching(/^[0-9a-f]{32}$/).map((id) => ({
        how: `a proposal the unit never had (${id})`, method: 'PUT', path: pathTo('decide-proposal', { proposalId: id }), token: city, ...json({ action: 'confirm' }), status: 404,
      })),
      fc.constant({ how: 'a withdrawal without a reason', method: 'PUT', path: pathTo('decide-proposal'), token: city, ...json({ action: 'withdraw' }), status: 400 }),
      fc.constant({ how: 'a contacts edit that changes no contact', method: 'PUT', path: pathTo('edit-unit-contacts'), token: city, ...json({ version: 0 }), status: 400 }),
      fc.integer({ min: 1, max: 9999 }).map((version) => ({
        how: `a contacts edit from version ${version}, which the unit never had`, method: 'PUT', path: pathTo('edit-unit-contacts'), token: city,
        ...json({ version, office: { email: 'dcb@yanping.example.cn' } }), status: 409,
      })),
      fc.constant({
        how: 'a roster naming a community twice', method: 'PUT', path: pathTo('put-unit-roster'), token: county, status: 400,
        // An ASCII name: the English answer quotes it, and must hold no Chinese.
        ...json({ version: 0, communities: [1, 2].map(() => ({ name: 'Shuinan', kind: 'community', takingPart: true, contact: { name: 'Chen', telephone: '0599-8601001' } })) }),
      }),
      fc.integer({ min: 1, max: 9999 }).map((version) => ({
        how: `a roster registered from version ${version}, which the unit never had`, method: 'PUT', path: pathTo('put-unit-roster'), token: county, status: 409,
        ...json({ version, communities: [{ name: 'Shuinan', kind: 'community', takingPart: true, contact: { name: 'Chen', telephone: '0599-8601001' } }] }),
      })),
      fc.constant({
        how: 'an inspection result for a unit its plan does not inspect', method: 'PUT', path: pathTo('put-inspection-result'), token: city, status: 404,
        ...json({ version: 0, community: 'Shuinan', passed: true }),
      }),
      word.filter((w) => w !== CYCLE).map((w) => ({ how: `a cycle that does not exist (${w})`, method: 'GET', path: pathTo('get-dashboard', { cycleId: w }), token: city, status: 404 })),
      fc.integer({ min: 2, max: 5 }).map((round) => decide(`review round ${round}, not started`, { outcome: 'approved' }, 404, round)),
      fc.constant(decide('a return without a reason', { outcome: 'returned' }, 400)),
      fc.constantFrom('2016-11-20', '2016-11-30').map((day) => decide('an approval with a rectification deadline', { outcome: 'approved', rectificationLastDay: day }, 400)),
      fc.integer({ min: 2, max: 9999 }).map((version) => decide(`a decision on version ${version}, not the one under review`, { outcome: 'approved', version }, 409)),
      word.filter((w) => !plan.rubric.items.some((i) => i.id === w)).map((w) => decide('a score for no item of the rubric', { outcome: 'approved', scores: [{ itemId: w, score: 1 }] }, 400)),
      fc.constantFrom(...englishItems).map((item) => decide('points taken off without a reason', { outcome: 'returned', reason: 'incomplete', scores: [{ itemId: item.id, score: item.maxPoints - 0.5 }] }, 400)),
      fc.constantFrom(...englishItems).map((item) => decide('more than the maximum', { outcome: 'approved', scores: [{ itemId: item.id, score: item.maxPoints + 1 }] }, 400)),
      fc.oneof(fc.constantFrom('2016-04-01', '2016-05-30', '2016-05-31'), fc.constantFrom('2016-12-01', '2017-01-15')).map((lastDay) => ({
        how: `an extension to ${lastDay}`, method: 'POST', path: pathTo('grant-extension', { deliverableId: 'implementation-plan' }), token: city, ...json({ lastDay, reason: 'flood' }), status: 400,
      })),
      fc.constant({
        how: 'a self-assessment on another deliverable', method: 'POST', path: pathTo('submit-deliverable', { deliverableId: 'implementation-plan' }), token: county,
        ...json({ selfAssessment: exampleSelfAssessment(plan) }), status: 400,
      }),
      fc.constantFrom('南平市2016年创建工作（修订）', '另一份计划').map((title) => ({
        how: 'another plan under the stored cycle id', method: 'POST', path: pathTo('start-cycle'), token: city, ...json({ ...plan, title }), status: 409,
      })),
      fc.constantFrom('2017-11-20', '2017-11-30').map((on) => ({
        how: `a plan forwarding on ${on}, in its review`, method: 'POST', path: pathTo('start-cycle'), token: city, ...json({ ...NEXT_YEAR, forwardToProvince: { on } }), status: 400,
      })),
      fc.constant({ how: "another office's plan", method: 'POST', path: pathTo('start-cycle'), token: city, ...json(BINJIANG), status: 403 }),
      // 上报确认 while units still have no outcome (the review is open), and 通报表扬 of a unit that has not qualified.
      fc.constant({ how: 'a confirmation of a list not final', method: 'PUT', path: pathTo('confirm-forwarding'), token: city, ...json({ note: '名单无误' }), status: 409 }),
      fc.constantFrom(...plan.units.map((u) => u.id)).map((id) => ({
        how: `a commendation of ${id}, not qualified`, method: 'POST', path: pathTo('issue-commendation'), token: city, ...json({ units: [id], text: '成效显著' }), status: 400,
      })),
      fc.uuid().filter((u) => UUID.test(u) && u !== api.uploadId).map((u) => ({
        how: 'a document never uploaded', method: 'POST', path: pathTo('submit-deliverable'), token: county, ...json({ documents: [u], selfAssessment: exampleSelfAssessment(plan) }), status: 400,
      })),
    );
    const english = fc.constantFrom('en', 'en-US', 'EN-gb', 'en-GB,en;q=0.9', 'fr-FR, en;q=0.8, zh-CN;q=0.5', 'de, en-US;q=0.7');
    const before = await api.probe.snapshot();
    await fc.assert(
      fc.asyncProperty(refused, english, async (req, acceptLanguage) => {
        // Act: the same request in English, then with no preference (zh-CN).
        const en = await send(api, req, { 'accept-language': acceptLanguage });
        const zh = await send(api, req);
        // Assess
        const where = `${req.how} (${acceptLanguage}): ${en.status} ${en.text.slice(0, 400)}`;
        expect([en.status, zh.status], where).toEqual([req.status, req.status]);
        const [e, z] = [en.json as ErrorBody, zh.json as ErrorBody];
        expect(e.error.code, where).toBe(z.error.code);
        expect([en.headers.get('content-language'), zh.headers.get('content-language')], where).toEqual(['en', 'zh-CN']);
        for (const text of [e.error.message, ...(e.error.problems ?? []).map((p) => p.message)]) {
          expect(text.trim().length, where).toBeGreaterThan(0);
          expect(text, where).not.toMatch(HAN);
        }
        for (const text of [z.error.message, ...(z.error.problems ?? []).map((p) => p.message)]) expect(text, where).toMatch(HAN);
        // The same problems, said in the other language.
        expect((e.error.problems ?? []).map((p) => [p.path, p.rule]), where).toEqual((z.error.problems ?? []).map((p) => [p.path, p.rule]));
      }),
      { seed: SEED, numRuns: 30 },
    );
    await api.probe.expectUnchanged(before, 'well-formed requests the use cases refuse');
  });

  // Found by this suite: the twin's gateway once collected query parameters in a plain object, so
  // `__proto__` vanished and the handler saw no query; API Gateway passes it as an ordinary key.
  it('a query parameter named __proto__ is refused like any other (the twin drops it)', async () => {
    const before = await api.probe.snapshot();
    for (const path of ['/me?__proto__=x', `/cycles/${CYCLE}/units/${UNIT}?__proto__`]) {
      const res = await callApi(api.twin, { method: 'GET', path, token: tokens.county });
      assertRefused(res, { how: 'query __proto__', method: 'GET', path, status: 400, problemAt: 'query' });
    }
    await api.probe.expectUnchanged(before, 'a query parameter named __proto__');
  });
});
