/**
 * The twin with its HTTP API, brought to a point of the example cycle where every route has something real
 * to act on, and a digest of everything the twin stores (the table, the documents bucket, the SES inbox)
 * to show that a request changed nothing. For the API's integration suites (authorization, bad input).
 *
 * The cycle as the county `yanping` lives it, through the API only: in April it uploads a small PDF through
 * the presigned form, has it checked and submits its implementation plan with it; on 3 November it submits
 * its self-assessment report (with the same document as evidence); on 10 November at noon Beijing the
 * review has opened and round 1 waits for the city's decision.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { validatePlan } from '../../core/plan/validate';
import { atLocalTime } from '../../core/time';
import { canonicalJson, startCycle } from '../../core/use-cases/cycle';
import { loadTwinAssembly } from '../../local/assembly';
import { usersFromPlan, type UserSeed } from '../../local/api/users';
import { freePort } from '../../local/services';
import { exampleSelfAssessment } from '../../local/scenario';
import { portalOriginFor, startTwin, type Twin } from '../../local/twin';

const checked = validatePlan(JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8')));
if (!checked.ok) throw new Error('example plan invalid');
export const plan = checked.plan;

export const CYCLE = plan.cycleId;
export const UNIT = 'yanping';
export const OTHER_UNIT = 'jianyang';
/** A well-formed unit id that is not in the plan. */
export const NO_SUCH_UNIT = 'no-such-unit';
export const REVIEWED = 'self-assessment-report';
/** Noon on the first day of the review (Beijing): the self-assessment is in, round 1 awaits a decision. */
export const MATRIX_TIME = '2016-11-10T12:00:00+08:00';

/** A minimal but real PDF: file-type recognises it by its magic bytes. */
export const PDF_BYTES = Buffer.from(
  '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n' +
    'trailer\n<< /Root 1 0 R >>\n%%EOF\n',
  'latin1',
);

export interface ApiCall {
  method: string;
  /** Path and query, already encoded. */
  path: string;
  /** A bearer token; none: no Authorization header. */
  token?: string;
  /** An object is sent as JSON (with `content-type: application/json` unless headers say otherwise); a string or bytes as they are. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface ErrorBody {
  error: { code: string; message: string; problems?: Array<{ path: string; rule: string; message: string }>; details?: unknown };
  requestId: string;
}

export async function callApi(twin: Twin, call: ApiCall): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
  let body: string | Uint8Array | undefined;
  if (typeof call.body === 'string' || call.body instanceof Uint8Array) body = call.body;
  else if (call.body !== undefined) {
    body = JSON.stringify(call.body);
    headers['content-type'] = 'application/json';
  }
  if (call.token !== undefined) headers.authorization = `Bearer ${call.token}`;
  Object.assign(headers, call.headers);
  const res = await fetch(`${twin.endpoints.api}${call.path}`, { method: call.method, headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Fails with the answer in the message (status and body) unless the status is the one expected. */
export function expectStatus(answer: ApiAnswer, status: number | ((s: number) => boolean), what: string): void {
  const ok = typeof status === 'number' ? answer.status === status : status(answer.status);
  if (!ok) throw new Error(`${what}: answered ${answer.status} ${answer.text.slice(0, 600)}`);
}

// ---- The state digest ---------------------------------------------------------------------------------

const sha256 = (lines: readonly string[]) => createHash('sha256').update(lines.join('\n')).digest('hex');

export interface StateDigest {
  /** Hashes and counts: what two digests are compared on. */
  dynamodb: string;
  items: number;
  s3: string;
  objects: number;
  inbox: number;
}

export interface StateSnapshot {
  digest: StateDigest;
  /** Every item and object as a sorted canonical line, to say what changed when a digest differs. */
  lines: { dynamodb: string[]; s3: string[] };
}

export interface StateProbe {
  snapshot(): Promise<StateSnapshot>;
  /** Throws, naming what was added and removed, unless the state is what `before` recorded. */
  expectUnchanged(before: StateSnapshot, what: string): Promise<void>;
  close(): void;
}

/** Reads the twin's stores over the wire with the SDK (DynamoDB Local, the S3 emulator) and the SES emulator's store. */
export function stateProbe(twin: Twin): StateProbe {
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const dynamodb = new DynamoDBClient({ endpoint: twin.endpoints.dynamodb, region: 'us-east-1', credentials });
  const s3 = new S3Client({ endpoint: twin.endpoints.s3, region: 'us-east-1', credentials, forcePathStyle: true });
  const table = twin.assembly.table.name;
  const bucket = twin.assembly.bucket.name;

  const scan = async () => {
    const items: Record<string, AttributeValue>[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await dynamodb.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items.map((i) => canonicalJson(i)).sort();
  };
  const list = async () => {
    const objects: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      for (const o of page.Contents ?? []) objects.push(canonicalJson({ key: o.Key, etag: o.ETag, size: o.Size }));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return objects.sort();
  };

  const snapshot = async (): Promise<StateSnapshot> => {
    const [items, objects, inbox] = await Promise.all([scan(), list(), twin.inbox()]);
    return {
      digest: { dynamodb: sha256(items), items: items.length, s3: sha256(objects), objects: objects.length, inbox: inbox.length },
      lines: { dynamodb: items, s3: objects },
    };
  };

  return {
    snapshot,
    async expectUnchanged(before, what) {
      const after = await snapshot();
      if (canonicalJson(after.digest) === canonicalJson(before.digest)) return;
      const diff = (a: string[], b: string[]) => ({ added: b.filter((x) => !a.includes(x)), removed: a.filter((x) => !b.includes(x)) });
      throw new Error(
        `${what} changed the stored state:\n${JSON.stringify(
          { before: before.digest, after: after.digest, dynamodb: diff(before.lines.dynamodb, after.lines.dynamodb), s3: diff(before.lines.s3, after.lines.s3) },
          null,
          2,
        ).slice(0, 4000)}`,
      );
    },
    close() {
      dynamodb.destroy();
      s3.destroy();
    },
  };
}

// ---- The twin at the review ---------------------------------------------------------------------------

export interface ApiTwin {
  twin: Twin;
  /** The checked upload of `yanping` (a PDF), evidence in its self-assessment. */
  uploadId: string;
  probe: StateProbe;
  close(): Promise<void>;
}

/** What the browser does with the presigned POST form: every field in order, the file last. */
async function postForm(form: { url: string; fields: Record<string, string> }, bytes: Uint8Array, fileName: string, type: string) {
  const body = new FormData();
  for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
  body.append('file', new Blob([bytes], { type }), fileName);
  return fetch(form.url, { method: 'POST', body });
}

/**
 * Starts the twin with the API and the plan's users and plays `yanping`'s year: `until: 'review'` (the
 * default) up to `MATRIX_TIME` (about 20 s on one core: synthesis and the stand-ins, then seven months of
 * reminders on the simulated clock); `until: 'april'` stops once the implementation plan is in (about 10 s).
 */
export async function startApiTwin(
  opts: {
    until?: 'april' | 'review';
    /**
     * Also serve a built portal on a free port, with the app synthesized for its origin: the folder
     * web/e2e/browser.ts buildPortal returned (the test's own build), or true for web/dist.
     */
    portal?: boolean | string;
    /** Who can sign in. @default usersFromPlan(plan) */
    users?: UserSeed[];
  } = {},
): Promise<ApiTwin> {
  const dataDir = mkdtempSync(join(tmpdir(), 'twin-api-matrix-'));
  let twin: Twin | undefined;
  let probe: StateProbe | undefined;
  const close = async () => {
    probe?.close();
    await twin?.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const portalPort = opts.portal ? await freePort() : undefined;
    twin = await startTwin({
      dataDir,
      startAt: atLocalTime(plan.phases[0].opens, '00:00').toMillis(),
      mode: { kind: 'simulated' },
      users: opts.users ?? usersFromPlan(plan),
      assembly: await loadTwinAssembly(portalPort ? { context: { portalOrigin: portalOriginFor(portalPort) } } : {}),
      ...(portalPort ? { portal: { port: portalPort, ...(typeof opts.portal === 'string' ? { dir: opts.portal } : {}) } } : {}),
    });
    const t = twin;
    const county = await t.tokenFor(UNIT);
    const unitPath = `/cycles/${CYCLE}/units/${UNIT}`;
    await t.clock.track(() => startCycle(t.ctx, { plan, startedBy: 'city-admin' }));
    await t.clock.runUntil(Date.parse('2016-04-05T10:00:00+08:00'));

    const formRes = await callApi(t, {
      method: 'POST', path: `${unitPath}/uploads`, token: county,
      body: { fileName: '实施方案.pdf', contentType: 'application/pdf', size: PDF_BYTES.length },
    });
    expectStatus(formRes, 201, 'create-upload');
    const form = formRes.json as { uploadId: string; url: string; fields: Record<string, string> };
    const posted = await postForm(form, PDF_BYTES, '实施方案.pdf', 'application/pdf');
    if (posted.status >= 300) throw new Error(`the S3 emulator refused the form: ${posted.status} ${await posted.text()}`);
    const checkRes = await callApi(t, { method: 'POST', path: `${unitPath}/uploads/${form.uploadId}/check`, token: county });
    expectStatus(checkRes, 200, 'check-upload');
    if ((checkRes.json as { status: string }).status !== 'checked') throw new Error(`the upload was not accepted: ${checkRes.text}`);
    const plan1 = await callApi(t, {
      method: 'POST', path: `${unitPath}/deliverables/implementation-plan/versions`, token: county,
      body: { narrative: '延平区创建工作实施方案', documents: [form.uploadId] },
    });
    expectStatus(plan1, 201, 'submit implementation-plan');
    if (opts.until === 'april') {
      probe = stateProbe(t);
      return { twin: t, uploadId: form.uploadId, probe, close };
    }

    await t.clock.runUntil(Date.parse('2016-11-03T10:00:00+08:00'));
    const selfAssessment = exampleSelfAssessment(plan);
    selfAssessment.scores[0] = { ...selfAssessment.scores[0], evidence: [form.uploadId] };
    const report = await callApi(t, {
      method: 'POST', path: `${unitPath}/deliverables/${REVIEWED}/versions`, token: county,
      body: { narrative: '延平区自评报告', selfAssessment },
    });
    expectStatus(report, 201, 'submit self-assessment-report');

    await t.clock.runUntil(Date.parse(MATRIX_TIME));
    if (!(await t.ctx.repo.getWaitToken(CYCLE, UNIT, 'review', '1'))) throw new Error('review round 1 of yanping is not waiting for a decision');
    probe = stateProbe(t);
    return { twin: t, uploadId: form.uploadId, probe, close };
  } catch (error) {
    await close();
    throw error;
  }
}
