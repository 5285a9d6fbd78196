/**
 * Task handlers through their middy chain, with the SES and Step Functions clients mocked
 * (aws-sdk-client-mock) and the repository in memory: the exact email payload, named errors for bad
 * input and for throttling, a callback task completing its own token.
 */
import { readFileSync } from 'node:fs';
import { MessageRejected, SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { SFNClient, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import type { Context as LambdaContext } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import { makeMemoryWorkflow } from '../../core/adapters/memory/workflow';
import { makeSesMailer } from '../../core/adapters/ses/mailer';
import { makeSfnWorkflow } from '../../core/adapters/sfn/workflow';
import type { CycleRepository } from '../../core/ports';
import { makeMemoryDocumentStore } from '../../core/adapters/memory/documents';
import { makeContext } from '../../core/use-cases/context';
import { startCycle } from '../../core/use-cases/cycle';
import { submitDeliverable } from '../../core/use-cases/submissions';
import { planSchema } from '../../core/plan/schema';
import { exampleSelfAssessment } from '../../local/scenario';
import { makeHandler as makeAwaitSubmission } from '../../functions/await-submission/handler';
import { makeHandler as makeSendUnitNotice } from '../../functions/send-unit-notice/handler';
import { makeHandler as makeRecordOutcome } from '../../functions/record-outcome/handler';
import { makeHandler as makeForwardToProvince } from '../../functions/forward-to-province/handler';


// The handler modules read their environment at import (cold start): set it before they load.
vi.hoisted(() => {
  process.env.TABLE_NAME ??= 'unit-test';
  // forward-to-province stores the year's documents: its module builds the S3 store at import (cold start).
  process.env.DOCUMENTS_BUCKET ??= 'unit-test-documents';
  process.env.AWS_REGION ??= 'us-east-1';
});

const NANPING = planSchema.parse(JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8')));
const plan = JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8'));
const yanping = plan.units.find((u: { id: string }) => u.id === 'yanping');
const lambda = { functionName: 'test', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as LambdaContext;
const ses = mockClient(SESClient);
const sfn = mockClient(SFNClient);

async function seeded(nowIso: string): Promise<{ repo: CycleRepository; now: { t: number } }> {
  const repo = makeMemoryRepository();
  const now = { t: Date.parse(nowIso) };
  await startCycle(makeContext({ repo, mailer: makeSesMailer({ client: new SESClient({}) }), workflow: makeMemoryWorkflow(), clock: { now: () => now.t } }), {
    plan,
    startedBy: 'city-admin',
  });
  return { repo, now };
}

describe('send-unit-notice', () => {
  beforeEach(() => {
    ses.reset();
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
  });

  it('sends the phase-opening notice as UTF-8 text and HTML from the plan sender to the unit office, once', async () => {
    // Prepare
    const { repo, now } = await seeded('2016-04-01T01:00:00Z');
    const ctx = makeContext({ repo, mailer: makeSesMailer({ client: new SESClient({}), configurationSet: 'cycle-mail' }), workflow: makeMemoryWorkflow(), clock: { now: () => now.t } });
    const handler = makeSendUnitNotice(ctx);
    const input = { cycleId: 'nanping-2016', unitId: 'yanping', notice: { kind: 'phase-opened', phase: 'mobilisation' } };
    // Act
    const first = await handler(input, lambda);
    const second = await handler(input, lambda);
    // Assess
    expect(first).toEqual({ status: 'sent', messages: 1 });
    expect(second).toEqual({ status: 'already-sent', messages: 0 });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    const sent = ses.commandCalls(SendEmailCommand)[0].args[0].input;
    expect(sent).toMatchObject({
      Source: `=?UTF-8?B?${Buffer.from(plan.sender.name).toString('base64')}?= <${plan.sender.email}>`,
      Destination: { ToAddresses: [yanping.office.email] },
      ConfigurationSetName: 'cycle-mail',
      Message: {
        Subject: { Charset: 'UTF-8', Data: '【南平市打传办】关于开展“动员部署”阶段工作的通知' },
        Body: { Text: { Charset: 'UTF-8' }, Html: { Charset: 'UTF-8' } },
      },
    });
    expect(sent.Message!.Body!.Text!.Data).toContain('实施方案：2016年5月31日（星期二）23:59前（含）');
    expect(sent.Message!.Body!.Html!.Data).toContain(plan.portalUrl);
  });

  it('rejects an input it does not expect with InvalidTaskInputError naming each field, and sends nothing', async () => {
    const { repo, now } = await seeded('2016-04-01T01:00:00Z');
    const handler = makeSendUnitNotice(makeContext({ repo, mailer: makeSesMailer({ client: new SESClient({}) }), workflow: makeMemoryWorkflow(), clock: { now: () => now.t } }));
    const bad = { cycleId: 'nanping-2016', unitId: 'yanping', notice: { kind: 'phase-opened', phase: 'harvest' }, status: 'done' };
    const error = await handler(bad, lambda).catch((e) => e);
    expect(error.name).toBe('InvalidTaskInputError');
    expect(error.details.problems.map((p: { path: string; rule: string }) => `${p.path} ${p.rule}`)).toEqual(
      expect.arrayContaining(['status unknown-field']),
    );
    expect(error.message).toMatch(/status/);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('turns SES throttling into TransientError, the name the state machine retries on', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }));
    const { repo, now } = await seeded('2016-04-01T01:00:00Z');
    const handler = makeSendUnitNotice(makeContext({ repo, mailer: makeSesMailer({ client: new SESClient({}) }), workflow: makeMemoryWorkflow(), clock: { now: () => now.t } }));
    await expect(handler({ cycleId: 'nanping-2016', unitId: 'yanping', notice: { kind: 'phase-opened', phase: 'mobilisation' } }, lambda)).rejects.toMatchObject({
      name: 'TransientError',
    });
  });
});

describe('await-submission', () => {
  beforeEach(() => {
    sfn.reset();
    sfn.on(SendTaskSuccessCommand).resolves({});
  });

  it('stores its token and, when the report is already in, completes its own token with the version', async () => {
    const { repo, now } = await seeded('2016-11-07T02:00:00Z');
    const ctx = makeContext({
      repo,
      mailer: makeSesMailer({ client: new SESClient({}) }),
      workflow: makeSfnWorkflow({ client: new SFNClient({}) }),
      clock: { now: () => now.t },
    });
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-2' });
    await submitDeliverable(ctx, { cycleId: 'nanping-2016', unitId: 'yanping', deliverableId: 'self-assessment-report', submittedBy: 'yp', selfAssessment: exampleSelfAssessment(NANPING) });
    now.t = Date.parse('2016-11-10T01:00:00Z');
    const out = await makeAwaitSubmission(ctx)({ cycleId: 'nanping-2016', unitId: 'yanping', round: 1, taskToken: 'tok-1' }, lambda);
    expect(out).toEqual({ waiting: false, completed: 'completed' });
    expect(sfn.commandCalls(SendTaskSuccessCommand).map((c) => c.args[0].input)).toEqual([
      { taskToken: 'tok-1', output: JSON.stringify({ version: 1, onTime: true }) },
    ]);
    expect(await repo.getWaitToken('nanping-2016', 'yanping', 'submission', 'self-assessment-report')).toMatchObject({ token: 'tok-1', afterVersion: 0 });
  });
});

describe('a recipient SES refuses for good (MessageRejected), through the real adapter', () => {
  beforeEach(() => {
    ses.reset();
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-ok' });
    ses
      .on(SendEmailCommand, { Destination: { ToAddresses: [yanping.office.email], CcAddresses: [yanping.leader.email] } })
      .rejects(new MessageRejected({ message: `Email address is not verified: ${yanping.office.email}`, $metadata: { httpStatusCode: 400 } }));
    ses
      .on(SendEmailCommand, { Destination: { ToAddresses: [plan.province.email], CcAddresses: [plan.city.email] } })
      .rejects(new MessageRejected({ message: `Email address is not verified: ${plan.province.email}`, $metadata: { httpStatusCode: 400 } }));
  });

  it('record-outcome records; SendOutcomeNotice answers refused and the city office gets the report; forward-to-province goes on', async () => {
    // Prepare
    const { repo, now } = await seeded('2016-11-15T02:00:00Z');
    const ctx = makeContext({ repo, mailer: makeSesMailer({ client: new SESClient({}) }), workflow: makeMemoryWorkflow(), documents: makeMemoryDocumentStore(), clock: { now: () => now.t } });
    // Act
    const recorded = await makeRecordOutcome(ctx)({ cycleId: 'nanping-2016', unitId: 'yanping', outcome: 'qualified' }, lambda);
    const notice = await makeSendUnitNotice(ctx)({ cycleId: 'nanping-2016', unitId: 'yanping', notice: { kind: 'outcome' } }, lambda);
    now.t = Date.parse('2016-12-01T01:00:00Z');
    const forwarded = await makeForwardToProvince(ctx)({ cycleId: 'nanping-2016' }, lambda);
    // Assess
    expect(recorded).toEqual({ outcome: 'qualified', recorded: true, noticeAt: '2016-11-15T02:00:00Z' });
    expect(notice).toEqual({ status: 'refused', messages: 0 });
    expect(forwarded).toMatchObject({ qualified: ['yanping'], notice: 'refused' });
    const calls = ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Destination?.ToAddresses)).toEqual([[yanping.office.email], [plan.city.email], [plan.province.email], [plan.city.email]]);
    expect(calls[1].Message?.Subject?.Data).toBe('【南平市打传办】发送失败：致延平区的通知被邮件服务拒收');
    expect(calls[1].Message?.Body?.Text?.Data).toContain('Email address is not verified');
    expect(calls[3].Message?.Subject?.Data).toBe(`【南平市打传办】发送失败：致${plan.province.name}的通知被邮件服务拒收`);
  });
});
