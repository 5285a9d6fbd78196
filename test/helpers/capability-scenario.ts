/**
 * A year of the Nanping 2016 cycle driven through every function's own handler (makeHandler), each with a
 * context whose ports record what every call needed (core/capabilities.ts: table read or write, email,
 * starting, stopping or answering unit executions, documents by prefix). Nothing is refused here, so one
 * run lists every need of every function; the tests compare them with the functions' declarations
 * (test/unit/capabilities.test.ts) and with their synthesized roles (test/infra/stacks.test.ts).
 *
 * Set TABLE_NAME, UNIT_STATE_MACHINE_ARN, CYCLE_STATE_MACHINE_ARN and DOCUMENTS_BUCKET before this module loads: handler modules
 * build their Lambda context at import (cold start).
 */
import { readFileSync } from 'node:fs';
import type { Context as LambdaContext } from 'aws-lambda';
import { makeMemoryDocumentStore } from '../../core/adapters/memory/documents';
import { makeMemoryMailer } from '../../core/adapters/memory/mailer';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import { makeMemoryWorkflow } from '../../core/adapters/memory/workflow';
import { observePorts, type PortCall } from '../../core/capabilities';
import { planSchema } from '../../core/plan/schema';
import { makeContext, type Context } from '../../core/use-cases/context';
import { startCycle } from '../../core/use-cases/cycle';
import type { FunctionName } from '../../functions/capabilities';
import { ROUTES } from '../../functions/routes';
import { exampleSelfAssessment } from '../../local/scenario';
import { planCopy } from './plans';

export const NANPING_JSON = JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8'));
const NANPING = planSchema.parse(NANPING_JSON);
const CYCLE = 'nanping-2016';
const REPORT = 'self-assessment-report';
const BINJIANG_JSON = JSON.parse(readFileSync(new URL('../../plans/binjiang-streets-2026-example.json', import.meta.url), 'utf8'));
/** A plan whose forwarding falls in 2027, a year the holiday data does not have yet (registering it warns the city office). */
export const INTO_2027_JSON = { ...BINJIANG_JSON, forwardToProvince: { on: '2027-01-05' } };
const SES_BOUNCE = JSON.parse(readFileSync(new URL('../fixtures/ses/bounce-event.json', import.meta.url), 'utf8'));

const lambda = { functionName: 'capabilities', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as LambdaContext;
type Handler = (event: unknown, context: LambdaContext) => Promise<unknown>;
type HandlerModule = { makeHandler: (ctx?: Context) => Handler };

/** The memory adapters of one run, a clock, and what each function's calls needed. */
export function makeWorld(startIso: string) {
  const clock = { t: Date.parse(startIso), now() { return this.t; } };
  const ports = { repo: makeMemoryRepository(), mailer: makeMemoryMailer(), workflow: makeMemoryWorkflow(), documents: makeMemoryDocumentStore() };
  const calls = new Map<FunctionName, PortCall[]>();
  /** The operator's script (start a cycle): not a function, nothing recorded. */
  const admin = makeContext({ ...ports, clock });
  /** One warm context per function, recording its calls. */
  const contexts = new Map<FunctionName, Context>();
  const contextOf = (name: FunctionName) => {
    let ctx = contexts.get(name);
    if (!ctx) {
      calls.set(name, calls.get(name) ?? []);
      ctx = makeContext({ ...observePorts(ports, (c) => calls.get(name)!.push(c)), clock });
      contexts.set(name, ctx);
    }
    return ctx;
  };
  const handlerOf = async (name: FunctionName): Promise<Handler> => {
    const mod = (await import(`../../functions/${name}/handler.ts`)) as HandlerModule;
    return mod.makeHandler(contextOf(name));
  };
  return { clock, ports, calls, admin, contextOf, handlerOf, at: (iso: string) => (clock.t = Date.parse(iso)) };
}
export type World = ReturnType<typeof makeWorld>;

/** Runs a task (or SNS) function's handler with its input as Step Functions (or SNS) would. */
export async function runTask<T = any>(w: World, name: FunctionName, input: unknown): Promise<T> {
  return (await (await w.handlerOf(name))(input, lambda)) as T;
}

type Claims = Record<string, string>;
const claims = (username: string, groups: string): Claims => ({
  sub: `sub-${username}`, token_use: 'access', client_id: 'client', username, 'cognito:groups': groups,
  iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Test1234', exp: '4102444800', iat: '1478570400',
});
export const CITY = claims('city-a', '[city-office]');
export const countyOf = (unitId: string) => claims(`${unitId}-staff`, `[unit-${unitId}]`);
export const inspectorOf = (groupId: string) => claims(groupId, `[inspector-${groupId}]`);

/** Calls an API function's handler with an API Gateway payload 2.0 event for its route; fails unless 2xx. */
export async function callApi<T = any>(
  w: World,
  name: FunctionName,
  req: { params?: Record<string, string>; body?: unknown; claims?: Claims } = {},
): Promise<T> {
  const route = ROUTES.find((r) => r.function === name)!;
  const rawPath = route.path.replace(/\{(\w+)\}/g, (_m, p: string) => req.params?.[p] ?? '');
  const body = req.body === undefined ? undefined : JSON.stringify(req.body);
  const event = {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath,
    rawQueryString: '',
    headers: { host: 'api.example.cn', ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(req.params ? { pathParameters: req.params } : {}),
    requestContext: {
      requestId: `req-${name}`,
      routeKey: `${route.method} ${route.path}`,
      http: { method: route.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      ...(req.claims ? { authorizer: { jwt: { claims: req.claims, scopes: null } } } : {}),
    },
    ...(body ? { body } : {}),
    isBase64Encoded: false,
  };
  const res = (await (await w.handlerOf(name))(event, lambda)) as { statusCode: number; body?: string };
  if (res.statusCode >= 300) throw new Error(`${name} answered ${res.statusCode}: ${res.body}`);
  return JSON.parse(res.body ?? 'null') as T;
}

import { tinyPdf } from './files';
export { tinyPdf };

/**
 * The year, in the order the state machines and the offices drive it: every function of the app runs at
 * least once, on the paths that touch the most ports (a bounce, an extension, an upload, a returned review).
 */
export async function runYear(): Promise<World> {
  const w = makeWorld('2016-03-31T16:00:00Z');
  const unit = (unitId: string) => ({ cycleId: CYCLE, unitId });
  const report = (unitId: string) => ({ ...unit(unitId), deliverableId: REPORT });
  await startCycle(w.admin, { plan: NANPING_JSON, startedBy: 'city-admin' });
  await startCycle(w.admin, { plan: INTO_2027_JSON, startedBy: 'city-admin' });

  // The city office checks a plan and starts one more cycle from the portal (its execution is not run here).
  await callApi(w, 'validate-plan', { body: NANPING_JSON, claims: CITY });
  await callApi(w, 'start-cycle', { body: planCopy(NANPING_JSON, { cycleId: 'nanping-2016-b', title: '南平市2016年创建工作（第二轮）' }), claims: CITY });

  // The yearly cycles start; the one reaching 2027 mails the city office a calendar warning.
  await runTask(w, 'register-cycle', { cycleId: INTO_2027_JSON.cycleId, executionName: INTO_2027_JSON.cycleId });
  const registered = await runTask(w, 'register-cycle', { cycleId: CYCLE, executionName: CYCLE });
  await runTask(w, 'start-unit-workflows', { cycleId: CYCLE, executionName: CYCLE, schedule: registered.schedule, cursor: null });

  // A notice, its bounce, the city office's fix.
  w.at('2016-04-01T01:00:00Z');
  await runTask(w, 'send-unit-notice', { ...unit('yanping'), notice: { kind: 'phase-opened', phase: 'mobilisation' } });
  await runTask(w, 'record-email-event', {
    Records: [{ EventSource: 'aws:sns', Sns: { MessageId: 'sns-1', TopicArn: 'arn:aws:sns:us-east-1:0:dev-cycle-mail-events', Message: JSON.stringify(SES_BOUNCE) } }],
  });
  const bounced = SES_BOUNCE.bounce.bouncedRecipients[0].emailAddress.toLowerCase();
  await callApi(w, 'fix-contact', { body: { email: bounced }, claims: CITY });

  // The ladder's top: a 通报批评 drafted for the city office to confirm (the portal's decision comes later).
  w.at('2016-08-05T01:00:00Z');
  await runTask(w, 'send-unit-notice', { ...unit('jianyang'), notice: { kind: 'escalation', deliverableId: 'progress-report-1', level: 3 } });

  // An extension restarts a unit's execution.
  w.at('2016-11-03T07:00:00Z');
  await callApi(w, 'grant-extension', { params: report('songxi'), body: { lastDay: '2016-11-16', reason: '县领导班子调整' }, claims: CITY });

  // A county uploads, checks, previews and submits while its review step waits.
  w.at('2016-11-07T02:00:00Z');
  const county = countyOf('jianyang');
  const pdf = tinyPdf();
  const form = await callApi(w, 'create-upload', { params: unit('jianyang'), body: { fileName: '台账.pdf', contentType: 'application/pdf', size: pdf.length }, claims: county });
  w.ports.documents.putObject(form.key, pdf);
  await callApi(w, 'check-upload', { params: { ...unit('jianyang'), uploadId: form.uploadId }, claims: county });
  const selfAssessment = exampleSelfAssessment(NANPING);
  await callApi(w, 'preview-self-assessment', { params: report('jianyang'), body: { selfAssessment }, claims: county });
  await runTask(w, 'prepare-review-step', { ...unit('jianyang'), step: 'await-submission', round: 1 });
  await runTask(w, 'await-submission', { ...unit('jianyang'), round: 1, taskToken: 't-sub-1' });
  await callApi(w, 'submit-deliverable', { params: report('jianyang'), body: { documents: [form.uploadId], selfAssessment }, claims: county });
  // A restarted wait finds the version already in and completes its own token.
  await runTask(w, 'await-submission', { ...unit('jianyang'), round: 1, taskToken: 't-sub-1b' });

  // The city office reviews: returned, rectification, outcome.
  w.at('2016-11-10T01:00:00Z');
  await runTask(w, 'request-review', { ...unit('jianyang'), round: 1, version: 1, taskToken: 't-rev-1' });
  w.at('2016-11-11T02:00:00Z');
  await callApi(w, 'decide-review', { params: { ...unit('jianyang'), round: '1' }, body: { outcome: 'returned', reason: '台账不完整' }, claims: CITY });
  // A restarted review task finds the decision made and completes its own token.
  await runTask(w, 'request-review', { ...unit('jianyang'), round: 1, version: 1, taskToken: 't-rev-1b' });
  await runTask(w, 'issue-rectification', { ...unit('jianyang'), round: 1 });
  await runTask(w, 'record-outcome', { ...unit('jianyang'), outcome: 'rectification-missed' });

  // What the portal reads.
  await callApi(w, 'get-health');
  await callApi(w, 'get-openapi');
  await callApi(w, 'get-me', { claims: county });
  await callApi(w, 'get-unit-overview', { params: unit('jianyang'), claims: county });
  await callApi(w, 'list-submissions', { params: unit('jianyang'), claims: county });
  await callApi(w, 'get-submission-version', { params: { ...report('jianyang'), version: '1' }, claims: county });
  await callApi(w, 'get-receipt', { params: { ...report('jianyang'), version: '1' }, claims: county });
  await callApi(w, 'get-dashboard', { params: { cycleId: CYCLE }, claims: CITY });
  await callApi(w, 'list-cycles', { claims: county });
  const { messages } = await callApi(w, 'list-unit-messages', { params: unit('jianyang'), claims: county });
  const notice = (messages as Array<{ messageId: string; notice: boolean }>).find((m) => m.notice);
  if (!notice) throw new Error('jianyang received no notice to sign for');
  await callApi(w, 'sign-notice', { params: { ...unit('jianyang'), messageId: notice.messageId }, claims: county });
  await callApi(w, 'list-unit-audit', { params: unit('jianyang'), claims: CITY });
  // The directory (通讯录): the city office reads it and corrects a unit's office address.
  const { units } = await callApi(w, 'list-directory', { params: { cycleId: CYCLE }, claims: CITY });
  const version = (units as Array<{ unitId: string; version: number }>).find((u) => u.unitId === 'jianyang')!.version;
  await callApi(w, 'edit-unit-contacts', { params: unit('jianyang'), body: { version, office: { email: 'dcb@jianyang.example.cn' } }, claims: CITY });
  const { proposals } = await callApi(w, 'list-proposals', { params: { cycleId: CYCLE }, claims: CITY });
  const proposal = (proposals as Array<{ proposalId: string; unit: { unitId: string } }>).find((p) => p.unit.unitId === 'jianyang');
  if (!proposal) throw new Error('the ladder drafted no 通报批评 for jianyang');
  await callApi(w, 'decide-proposal', { params: { ...unit('jianyang'), proposalId: proposal.proposalId }, body: { action: 'confirm' }, claims: CITY });

  // 上报确认: every unit gets its outcome; the request, the list unconfirmed past the forwarding date (rung 1 to the
  // office's leader), the wait, the confirmation (it completes the waiting task), a restarted wait; 通报表扬.
  for (const u of NANPING.units.filter((x) => x.id !== 'jianyang')) await runTask(w, 'record-outcome', { ...unit(u.id), outcome: 'qualified' });
  w.at('2016-11-28T01:00:00Z');
  await runTask(w, 'request-list-confirmation', { cycleId: CYCLE });
  w.at('2016-12-02T01:00:00Z');
  await runTask(w, 'prepare-confirmation-wait', { cycleId: CYCLE, startedAt: '2016-03-31T16:00:00.000Z' });
  await runTask(w, 'await-list-confirmation', { cycleId: CYCLE, taskToken: 't-conf-1' });
  await callApi(w, 'get-forwarding', { params: { cycleId: CYCLE }, claims: CITY });
  await callApi(w, 'confirm-forwarding', { params: { cycleId: CYCLE }, body: { note: '名单经核对无误' }, claims: CITY });
  await runTask(w, 'await-list-confirmation', { cycleId: CYCLE, taskToken: 't-conf-1b' });
  await callApi(w, 'issue-commendation', { params: { cycleId: CYCLE }, body: { units: ['yanping'], text: '创建工作扎实，成效显著。' }, claims: CITY });

  // The year ends: the documents, then the email that lists them.
  await runTask(w, 'generate-year-documents', { cycleId: CYCLE });
  await runTask(w, 'forward-to-province', { cycleId: CYCLE });
  // The city office downloads the documents the forwarding stored.
  await callApi(w, 'list-cycle-documents', { params: { cycleId: CYCLE }, claims: CITY });
  await runTask(w, 'close-cycle', { cycleId: CYCLE });

  // The district's cycle (INTO_2027_JSON): a street registers its roster, the draw at its window, the sample read.
  const street = { cycleId: INTO_2027_JSON.cycleId, unitId: 'puyan' };
  const communities = ['东冠社区', '江二社区', '星民村'].map((name) => ({
    name, kind: name.endsWith('村') ? 'village' : 'community', takingPart: true, contact: { name: '联系人', telephone: '0571-8770-3001' },
  }));
  w.at('2026-05-20T01:00:00Z');
  await callApi(w, 'put-unit-roster', { params: street, body: { version: 0, communities }, claims: countyOf('puyan') });
  await callApi(w, 'get-unit-roster', { params: street, claims: countyOf('puyan') });
  await callApi(w, 'get-roster-version', { params: { ...street, version: '1' }, claims: CITY });
  w.at('2026-09-07T01:00:00Z');
  await runTask(w, 'draw-inspection-sample', { ...street, windowId: 'cross-check' });
  await callApi(w, 'get-unit-sample', { params: street, claims: CITY });
  // The group's result of one sampled community and the score sheet, recorded by the city office (issue 10 item 4).
  const inWindow = { ...street, windowId: 'cross-check' };
  const { communities: sampled } = await callApi(w, 'get-inspection-results', { params: inWindow, claims: countyOf('puyan') });
  const first = (sampled as Array<{ name: string }>)[0]!.name;
  // The group's own inspector (group-changhe inspects puyan) lists what it inspects and records a result too.
  await callApi(w, 'list-inspections', { params: { cycleId: street.cycleId }, claims: inspectorOf('group-changhe') });
  await callApi(w, 'put-inspection-result', { params: inWindow, body: { version: 0, community: first, passed: true }, claims: inspectorOf('group-changhe') });
  await callApi(w, 'put-inspection-result', { params: inWindow, body: { version: 1, community: first, passed: false, notes: '台账缺失' }, claims: CITY });
  const { rubric } = await callApi(w, 'get-inspection-score', { params: inWindow, claims: CITY });
  const items = (rubric as Array<{ id: string; kind: string }>).map((i) => ({ itemId: i.id, ...(i.kind === 'veto' ? { veto: 'passed' } : {}) }));
  await callApi(w, 'put-inspection-score', { params: inWindow, body: { version: 0, items }, claims: CITY });
  // Its forwarding as an execution started before GenerateYearDocuments existed runs it: straight to
  // ForwardToProvince, which makes the documents of so small a plan itself (core/use-cases/year-documents.ts).
  w.at('2027-01-05T01:00:00Z');
  await runTask(w, 'forward-to-province', { cycleId: INTO_2027_JSON.cycleId });
  return w;
}
