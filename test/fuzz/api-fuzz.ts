/**
 * Fuzzes the HTTP API on the twin: requests to every route (and to paths and methods that are none), from
 * every kind of caller (the city office, the county on its own unit and on another, no token, expired, for
 * another app, forged, an ID token, garbage), with valid and broken path segments, headers (content type,
 * language, Idempotency-Key: fresh, repeated, malformed) and bodies (valid, changed, not JSON, too large),
 * generated with fast-check from a seed. It counts answers by status, server errors (any 5xx), and
 * unexpected writes: any change of what the twin stores (the table, the documents bucket, the SES inbox)
 * by a request that was refused, a read, the preview, or an idempotent replay.
 *
 *   npm run fuzz -- --requests 10000 [--seed N] [--json]
 *
 * Prints `{"requests":…,"byStatus":{…},"serverErrors":0,"unexpectedWrites":0}` (with the seed and the first
 * failures) and exits 1 on any 5xx or unexpected write. test/integration/api-fuzz.test.ts runs it small.
 */
import { fileURLToPath } from 'node:url';
import * as fc from 'fast-check';
import { ROUTES, WRITE_ROUTES } from '../../functions/routes';
import { MAX_BODY_BYTES } from '../../functions/_shared/api-handler';
import { logger } from '../../functions/_shared/task-handler';
import { exampleSelfAssessment } from '../../local/scenario';
import { CYCLE, NO_SUCH_UNIT, OTHER_UNIT, PDF_BYTES, REVIEWED, UNIT, callApi, plan, startApiTwin, type ApiTwin, type StateSnapshot } from '../helpers/api-twin';
import { planCopy } from '../helpers/plans';

export interface FuzzReport {
  requests: number;
  byStatus: Record<string, number>;
  serverErrors: number;
  unexpectedWrites: number;
  seed: number;
  /** The first few server errors and unexpected writes, to replay by hand. */
  failures: Array<{ request: string; status: number; why: string }>;
}

type Route = (typeof ROUTES)[number];
/** The plan the city checks and starts: the example's a year later, so its execution waits instead of replaying 2016. */
const NEXT_YEAR = planCopy(plan, { cycleId: 'nanping-2017', title: '南平市2017年创建工作', years: 1 });
const IDENTITIES = ['city', 'own county', 'other county', 'no token', 'expired', 'wrong audience', 'forged', 'ID token', 'garbage'] as const;
type Identity = (typeof IDENTITIES)[number];

interface FuzzRequest {
  method: string;
  path: string;
  identity: Identity;
  headers: Record<string, string>;
  body?: string;
  /** For the report. */
  how: string;
}

// ---- Values -------------------------------------------------------------------------------------------

const UUID = fc.uuid().filter((u) => /^[0-9a-f-]+$/.test(u));
const badSegment = fc.oneof(
  fc.constantFrom('Yanping', 'yan ping', '-x', '%25', '..%2F', 'a'.repeat(41), '0', '-1', '1.5', '01', '１', 'null', '__proto__', '%E5%BB%B6'),
  fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s !== '.' && s !== '..'),
);

function segment(name: string, uploadId: string): fc.Arbitrary<string> {
  const valid: Record<string, fc.Arbitrary<string>> = {
    cycleId: fc.constantFrom(CYCLE, CYCLE, CYCLE, 'no-such-cycle'),
    unitId: fc.constantFrom(UNIT, UNIT, OTHER_UNIT, NO_SUCH_UNIT),
    deliverableId: fc.constantFrom(REVIEWED, REVIEWED, 'implementation-plan', 'progress-report-1', 'no-such-deliverable'),
    version: fc.constantFrom('1', '1', '2', '3', '9999'),
    round: fc.constantFrom('1', '1', '2', '5'),
    uploadId: fc.oneof(fc.constant(uploadId), UUID),
    // Well-formed notice ids that name no notice of the unit (a 404), so a 签收 never passes here.
    messageId: fc.stringMatching(/^[0-9a-f]{32}$/),
    // The same for proposal ids: a decision never passes here either.
    proposalId: fc.stringMatching(/^[0-9a-f]{32}$/),
    // The example plan inspects nobody: the inspection routes answer 404 on any window (and store nothing).
    windowId: fc.constantFrom('cross-check', 'no-such-window'),
  };
  return fc.oneof({ arbitrary: valid[name] ?? fc.constant('x'), weight: 9 }, { arbitrary: badSegment, weight: 1 });
}

/** A body its route takes, for the example cycle at the review. */
function validBody(route: Route, uploadId: string, n: number): unknown {
  switch (route.function) {
    case 'create-upload':
      return { fileName: `附件${n}.pdf`, contentType: 'application/pdf', size: PDF_BYTES.length };
    case 'preview-self-assessment':
      return { selfAssessment: exampleSelfAssessment(plan) };
    case 'submit-deliverable':
      return { narrative: `第${n}版`, documents: [uploadId], selfAssessment: exampleSelfAssessment(plan) };
    case 'decide-review':
      return n % 2 ? { outcome: 'approved', version: 1 } : { outcome: 'returned', reason: '请补充材料', rectificationLastDay: '2016-11-20' };
    case 'grant-extension':
      return { lastDay: '2016-11-15', reason: '因汛期影响，准予延期' };
    case 'fix-contact':
      return { email: 'yanping-office@nanping.example.cn' };
    case 'decide-proposal':
      return n % 2 ? { action: 'confirm' } : { action: 'withdraw', reason: '已说明原因' };
    case 'validate-plan':
      return n % 2 ? NEXT_YEAR : { ...NEXT_YEAR, forwardToProvince: { on: '2017-11-01' } };
    case 'start-cycle':
      return NEXT_YEAR;
    case 'confirm-forwarding':
      // At the review the list is not final: a 409 that writes nothing.
      return n % 2 ? {} : { note: `名单经核对无误（${n}）` };
    case 'issue-commendation':
      return { units: [n % 2 ? UNIT : OTHER_UNIT], text: `创建工作成效显著，予以通报表扬（${n}）。` };
    case 'edit-unit-contacts':
      // From the plan's version: the first is stored, later ones from it are conflicts (409).
      return { version: 0, office: { name: '延平区打传办', email: `dcb${n}@yanping.example.cn` } };
    default:
      return undefined;
  }
}

/** A body: the valid one, one changed a little, another JSON value, not JSON, or too large. */
type Body = { text?: string; how: string };
function body(route: Route, uploadId: string): fc.Arbitrary<Body> {
  const json = (v: unknown, how: string) => ({ text: JSON.stringify(v), how });
  const template = fc.nat(1000).map((n) => validBody(route, uploadId, n));
  const changed = fc.tuple(template, fc.string({ minLength: 1, maxLength: 10 }), fc.jsonValue({ maxDepth: 2 })).map(([v, k, x]) => {
    if (v === undefined || typeof v !== 'object') return json({ [k]: x }, 'a body where none is taken');
    const keys = Object.keys(v as object);
    const target = keys[k.length % keys.length];
    const copy: Record<string, unknown> = { ...(v as Record<string, unknown>) };
    if (k.length % 3 === 0) delete copy[target];
    else if (k.length % 3 === 1) copy[target] = x;
    else Object.defineProperty(copy, k, { value: x, enumerable: true });
    return json(copy, `changed ${k.length % 3 === 0 ? `without ${target}` : k.length % 3 === 1 ? `${target} = ${JSON.stringify(x)?.slice(0, 30)}` : `extra ${JSON.stringify(k)}`}`);
  });
  return fc.oneof(
    { arbitrary: template.map((v): Body => (v === undefined ? { how: 'no body' } : json(v, 'valid body'))), weight: 40 },
    { arbitrary: changed, weight: 30 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => json(v, 'any JSON')), weight: 10 },
    { arbitrary: fc.string({ maxLength: 30 }).map((s) => ({ text: s || '{', how: 'not JSON' })), weight: 5 },
    { arbitrary: fc.constant({ text: JSON.stringify({ pad: 'x'.repeat(MAX_BODY_BYTES + 10) }), how: 'over 512 KB' }), weight: 1 },
  );
}

const headers = fc.record(
  {
    'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/problem+json', 'text/plain', 'multipart/form-data; boundary=x'),
    'accept-language': fc.constantFrom('en', 'zh-CN', 'en-GB,en;q=0.9', 'fr', ''),
    // A small pool of keys, so that retries, replays and reuse with another body all happen.
    'idempotency-key': fc.oneof(
      { arbitrary: fc.constantFrom('k-1', 'k-2', 'k-3', '7d1f0c5e-1a2b-4c3d-8e9f-000000000001'), weight: 6 },
      { arbitrary: UUID, weight: 3 },
      // Malformed, but still a header a client can send (no control characters, Latin-1 at most).
      { arbitrary: fc.constantFrom('', 'a b', 'k'.repeat(129), 'caf\u00e9', '\u00a0k'), weight: 1 },
    ),
  },
  { requiredKeys: [] },
);

export function fuzzRequests(uploadId: string): fc.Arbitrary<FuzzRequest> {
  const onRoute = fc.constantFrom(...ROUTES).chain((route) => {
    const names = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, n]) => n);
    return fc
      .record({
        params: fc.tuple(...names.map((n) => segment(n, uploadId))),
        // Callers who get past the gateway more often: that is where the handlers' rules are.
        identity: fc.oneof({ arbitrary: fc.constantFrom<Identity>('city', 'own county'), weight: 4 }, { arbitrary: fc.constantFrom(...IDENTITIES), weight: 3 }),
        headers,
        // fetch cannot send a GET with a body (API Gateway would pass one on, and the handler refuse it).
        body: route.method === 'GET' ? fc.constant<Body>({ how: 'no body' }) : body(route, uploadId),
      })
      .map(({ params, identity, headers: h, body: b }): FuzzRequest => {
        let i = 0;
        const path = route.path.replace(/\{(\w+)\}/g, () => encodeURIComponent(params[i++]));
        const sent = { ...h };
        if (b.text === undefined) delete sent['content-type'];
        return { method: route.method, path, identity, headers: sent, body: b.text, how: `${route.function} as ${identity}, ${b.how}` };
      });
  });
  const offRoute = fc
    .tuple(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'), fc.constantFrom(...ROUTES), fc.constantFrom(...IDENTITIES), fc.constantFrom('', '/x', '/..', '?q=1'))
    .map(([method, route, identity, tail]): FuzzRequest => ({
      method,
      path: route.path.replace(/\{(\w+)\}/g, (_, n: string) => (n === 'unitId' ? UNIT : n === 'cycleId' ? CYCLE : '1')) + tail,
      identity,
      headers: {},
      how: `${method} ${route.path}${tail} as ${identity}`,
    }));
  return fc.oneof({ arbitrary: onRoute, weight: 19 }, { arbitrary: offRoute, weight: 1 });
}

// ---- The run ------------------------------------------------------------------------------------------

export async function runFuzz(
  api: ApiTwin,
  opts: { requests: number; seed: number; onProgress?: (done: number, report: FuzzReport) => void },
): Promise<FuzzReport> {
  const t = api.twin;
  const tokens: Record<Identity, string | undefined> = {
    city: await t.tokenFor('city'),
    'own county': await t.tokenFor(UNIT),
    'other county': await t.tokenFor(OTHER_UNIT),
    'no token': undefined,
    expired: await t.tokenFor(UNIT, { expired: true }),
    'wrong audience': await t.tokenFor(UNIT, { clientId: 'someone-else' }),
    forged: await t.tokenFor(UNIT, { signWithAnotherKey: true }),
    'ID token': await t.tokenFor(UNIT, { use: 'id' }),
    garbage: 'not.a.token',
  };
  const report: FuzzReport = { requests: 0, byStatus: {}, serverErrors: 0, unexpectedWrites: 0, seed: opts.seed, failures: [] };
  const fail = (r: FuzzRequest, status: number, why: string) => {
    if (report.failures.length < 20) report.failures.push({ request: `${r.method} ${r.path} (${r.how})`, status, why: why.slice(0, 1500) });
  };
  const writeRoutes = ROUTES.filter((r) => WRITE_ROUTES.has(r.function));
  const mayWrite = (r: FuzzRequest) => writeRoutes.some((w) => w.method === r.method && new RegExp(`^${w.path.replace(/\{\w+\}/g, '[^/]+')}$`).test(r.path));

  let before: StateSnapshot = await api.probe.snapshot();
  const all = fc.sample(fuzzRequests(api.uploadId), { seed: opts.seed, numRuns: opts.requests });
  for (const r of all) {
    let res;
    try {
      res = await callApi(t, { method: r.method, path: r.path, token: tokens[r.identity], body: r.body, headers: r.headers });
    } catch (error) {
      // The client could not send it (a header fetch refuses): the generator's fault, reported, not the API's.
      report.byStatus.unsent = (report.byStatus.unsent ?? 0) + 1;
      fail(r, 0, `not sent: ${(error as Error).message}`);
      continue;
    }
    report.requests++;
    report.byStatus[res.status] = (report.byStatus[res.status] ?? 0) + 1;
    if (res.status >= 500) {
      report.serverErrors++;
      fail(r, res.status, res.text);
    }
    // Whatever the request started (a workflow step after a submission or a decision) runs to quiet.
    await t.clock.runUntil(t.clock.now());
    const replayed = res.headers.get('idempotent-replayed') === 'true';
    const allowedWrite = res.status >= 200 && res.status < 300 && !replayed && mayWrite(r);
    if (allowedWrite) {
      before = await api.probe.snapshot();
    } else {
      try {
        await api.probe.expectUnchanged(before, `${r.method} ${r.path}`);
      } catch (error) {
        report.unexpectedWrites++;
        fail(r, res.status, (error as Error).message);
        before = await api.probe.snapshot();
      }
    }
    opts.onProgress?.(report.requests, report);
  }
  return report;
}

// ---- The command --------------------------------------------------------------------------------------

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The stand-ins are JVMs and emulators: on a loaded machine one may miss its start-up deadline; try again. */
async function startTwinPatiently(quiet: boolean): Promise<ApiTwin> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startApiTwin();
    } catch (error) {
      if (attempt === 5) throw error;
      if (!quiet) console.error(`the twin did not start (${(error as Error).message.slice(0, 120)}); trying again`);
    }
  }
}

async function main(args: string[]): Promise<number> {
  const requestCount = Number(argValue(args, '--requests') ?? 1000);
  const seed = Number(argValue(args, '--seed') ?? Date.now() % 2 ** 31);
  const json = args.includes('--json');
  if (!Number.isSafeInteger(requestCount) || requestCount < 1 || !Number.isSafeInteger(seed)) {
    console.error('usage: npm run fuzz -- --requests N [--seed N] [--json]');
    return 2;
  }
  // The handlers run in this process: their INFO lines ("request refused") would drown the report.
  logger.setLogLevel('ERROR');
  const started = performance.now();
  if (!json) console.error('starting the twin and playing yanping’s year up to the review…');
  const api = await startTwinPatiently(json);
  try {
    const report = await runFuzz(api, {
      requests: requestCount,
      seed,
      onProgress: (n, so) => {
        if (n % 250 === 0) console.error(`${Math.round((performance.now() - started) / 1000)} s: ${JSON.stringify({ ...so, failures: so.failures.length })}`);
      },
    });
    const { failures, ...figures } = report;
    if (json) console.log(JSON.stringify({ ...figures, ...(failures.length ? { failures } : {}) }));
    else {
      console.log(JSON.stringify(figures));
      for (const f of failures) console.log(`${f.status} ${f.request}\n  ${f.why.replaceAll('\n', '\n  ')}`);
      console.error(`${Math.round((performance.now() - started) / 1000)} s in all`);
    }
    return report.serverErrors === 0 && report.unexpectedWrites === 0 ? 0 : 1;
  } finally {
    await api.close();
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
