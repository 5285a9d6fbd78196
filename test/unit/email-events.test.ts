/**
 * Bounces and complaints: the use case against in-memory adapters (marks, one city notice per incident,
 * suppression until fixed), then the record-email-event handler with a real SES event inside an SNS event
 * and SES mocked (aws-sdk-client-mock).
 */
import { readFileSync } from 'node:fs';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import type { Context as LambdaContext } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { makeMemoryMailer } from '../../core/adapters/memory/mailer';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import { makeMemoryWorkflow } from '../../core/adapters/memory/workflow';
import { encodeTagValue, makeSesMailer } from '../../core/adapters/ses/mailer';
import type { Message } from '../../core/notifier/notifier';
import { makeContext, type Context } from '../../core/use-cases/context';
import { startCycle } from '../../core/use-cases/cycle';
import { fixContact, recordEmailEvent, type EmailEvent } from '../../core/use-cases/email-events';
import { makeHandler as makeRecordEmailEvent } from '../../functions/record-email-event/handler';

vi.hoisted(() => {
  process.env.TABLE_NAME ??= 'unit-test';
  process.env.AWS_REGION ??= 'us-east-1';
});

const planJson = JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8'));
const sesBounce = JSON.parse(readFileSync(new URL('../fixtures/ses/bounce-event.json', import.meta.url), 'utf8'));
const OFFICE = 'yanping-office@nanping.example.cn';
const LEADER = 'yanping-leader@nanping.example.cn';
const CITY = planJson.city.email as string;

async function setup() {
  const clock = { t: Date.parse('2016-04-01T02:00:00Z'), now() { return this.t; } };
  const repo = makeMemoryRepository();
  const mailer = makeMemoryMailer();
  const ctx: Context = makeContext({ repo, mailer, workflow: makeMemoryWorkflow(), clock });
  await startCycle(ctx, { plan: planJson, startedBy: 'city-admin' });
  mailer.sent.length = 0;
  return { clock, repo, mailer, ctx };
}

const bounce = (over: Partial<EmailEvent> = {}): EmailEvent => ({
  type: 'bounce',
  bounceType: 'Permanent',
  bounceSubType: 'General',
  messageId: 'ses-msg-1',
  at: '2016-04-01T01:00:05.123Z',
  recipients: [{ email: 'Yanping-Office@nanping.example.cn', detail: '5.1.1 smtp; 550 user unknown' }],
  tags: { cycleId: 'nanping-2016', unitId: 'yanping', kind: 'phase-opened' },
  ...over,
});

const noticeTo = (to: string, cc: string[] = [], milestone = 'test'): Message => ({
  cycleId: 'nanping-2016',
  unitId: 'yanping',
  kind: 'phase-opened',
  milestone,
  recipient: to,
  email: { from: 'noreply@nanping.example.cn', to, cc, subject: '通知', text: '正文', html: '<p>正文</p>' },
});

describe('recordEmailEvent', () => {
  it('marks a permanently bounced address (lower case) and tells the city office once, naming the address and reason', async () => {
    // Prepare
    const { repo, mailer, ctx } = await setup();

    // Act
    const outcome = await recordEmailEvent(ctx, bounce());

    // Assess
    expect(outcome).toEqual({ action: 'marked', reason: 'bounce', contacts: [{ email: OFFICE, newlyMarked: true, cityNotice: 'sent' }] });
    expect(await repo.getContactStatus(OFFICE.toUpperCase())).toEqual({
      email: OFFICE,
      status: 'undeliverable',
      reason: 'bounce',
      detail: 'Permanent/General: 5.1.1 smtp; 550 user unknown',
      since: '2016-04-01T01:00:05.123Z',
      messageId: 'ses-msg-1',
      cycleId: 'nanping-2016',
      unitId: 'yanping',
    });
    expect(mailer.sent).toHaveLength(1);
    const [notice] = mailer.sent;
    expect(notice).toMatchObject({ to: [CITY], cc: [], tags: { cycleId: 'nanping-2016', unitId: 'yanping', kind: 'contact-undeliverable' } });
    expect(notice.subject).toBe('【南平市打传办】邮箱无法送达，请更正通讯录：延平区打传办');
    expect(notice.text).toContain(`延平区打传办邮箱 ${OFFICE} 的邮件未能送达`);
    expect(notice.text).toContain('永久退信');
    expect(notice.text).toContain('请核实并更正通讯录中的邮箱地址');
    expect(notice.html).toContain('550 user unknown');
    expect((await repo.listMessages('nanping-2016')).map((m) => [m.kind, m.milestone, m.recipient, m.status])).toEqual([
      ['contact-undeliverable', `${OFFICE}#2016-04-01T01:00:05.123Z`, CITY, 'sent'],
    ]);
    expect((await repo.listAudit('nanping-2016')).filter((a) => a.action === 'mark-undeliverable')).toHaveLength(1);
  });

  it('sends one city notice for the same event delivered twice, and for a second bounce of the same address', async () => {
    const { mailer, ctx } = await setup();

    await recordEmailEvent(ctx, bounce());
    const again = await recordEmailEvent(ctx, bounce());
    const later = await recordEmailEvent(ctx, bounce({ messageId: 'ses-msg-2', at: '2016-04-02T01:00:00.000Z' }));

    expect(mailer.sent).toHaveLength(1);
    expect(again).toEqual({ action: 'marked', reason: 'bounce', contacts: [{ email: OFFICE, newlyMarked: false, cityNotice: 'already-sent' }] });
    expect(later.action === 'marked' && later.contacts[0]).toEqual({ email: OFFICE, newlyMarked: false, cityNotice: 'already-sent' });
  });

  it('marks a complaint the same way, with its own reason', async () => {
    const { repo, mailer, ctx } = await setup();

    const outcome = await recordEmailEvent(ctx, {
      type: 'complaint', messageId: 'ses-msg-3', at: '2016-04-01T03:00:00.000Z',
      recipients: [{ email: LEADER, detail: 'abuse' }], tags: { cycleId: 'nanping-2016', unitId: 'yanping' },
    });

    expect(outcome).toMatchObject({ action: 'marked', reason: 'complaint' });
    expect(await repo.getContactStatus(LEADER)).toMatchObject({ status: 'undeliverable', reason: 'complaint', detail: 'complaint: abuse' });
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0].subject).toContain('延平区分管领导');
    expect(mailer.sent[0].text).toContain('举报为垃圾邮件');
  });

  it.each([
    ['a transient bounce', bounce({ bounceType: 'Transient', bounceSubType: 'MailboxFull' }), 'transient-bounce'],
    ['an undetermined bounce', bounce({ bounceType: 'Undetermined' }), 'transient-bounce'],
    ['a delivery delay', bounce({ type: 'other', bounceType: undefined }), 'not-a-failure'],
  ] as const)('only reports %s: no mark, no email', async (_name, event, reason) => {
    const { repo, mailer, ctx } = await setup();

    const outcome = await recordEmailEvent(ctx, event);

    expect(outcome).toEqual({ action: 'ignored', reason });
    expect(await repo.getContactStatus(OFFICE)).toBeNull();
    expect(mailer.sent).toHaveLength(0);
  });

  it('still marks an address when the email carried no cycle tag, and tells nobody', async () => {
    const { repo, mailer, ctx } = await setup();

    const outcome = await recordEmailEvent(ctx, bounce({ tags: {} }));

    expect(outcome).toMatchObject({ contacts: [{ email: OFFICE, newlyMarked: true, cityNotice: 'no-cycle' }] });
    expect((await repo.getContactStatus(OFFICE))?.status).toBe('undeliverable');
    expect(mailer.sent).toHaveLength(0);
  });
});

describe('not mailing an undeliverable address until fixed', () => {
  it('suppresses a notice to a marked address: nothing reaches the mailer and no ledger entry is written', async () => {
    // Prepare
    const { repo, mailer, ctx } = await setup();
    await recordEmailEvent(ctx, bounce());
    mailer.sent.length = 0;

    // Act
    const result = await ctx.notifier.send(noticeTo(OFFICE));

    // Assess
    expect(result).toBe('suppressed');
    expect(mailer.sent).toHaveLength(0);
    expect((await repo.listMessages('nanping-2016')).filter((m) => m.kind === 'phase-opened')).toEqual([]);
  });

  it('drops a marked address from Cc and sends to the others, with the cycle tags', async () => {
    const { mailer, ctx } = await setup();
    await recordEmailEvent(ctx, bounce());
    mailer.sent.length = 0;

    const result = await ctx.notifier.send(noticeTo(LEADER, [OFFICE, 'other@nanping.example.cn']));

    expect(result).toBe('sent');
    expect(mailer.sent.map((m) => ({ to: m.to, cc: m.cc, tags: m.tags }))).toEqual([
      { to: [LEADER], cc: ['other@nanping.example.cn'], tags: { cycleId: 'nanping-2016', unitId: 'yanping', kind: 'phase-opened' } },
    ]);
  });

  it('sends again after the city office fixed the address, and records who fixed it', async () => {
    const { clock, repo, mailer, ctx } = await setup();
    await recordEmailEvent(ctx, bounce());
    expect(await ctx.notifier.send(noticeTo(OFFICE))).toBe('suppressed');
    mailer.sent.length = 0;
    clock.t = Date.parse('2016-04-03T02:00:00Z');

    const fixed = await fixContact(ctx, { email: 'YANPING-office@nanping.example.cn', fixedBy: 'city-admin' });
    const again = await fixContact(ctx, { email: OFFICE, fixedBy: 'city-admin' });
    const result = await ctx.notifier.send(noticeTo(OFFICE));

    expect(fixed).toMatchObject({ fixed: true, status: { email: OFFICE, status: 'fixed', fixedBy: 'city-admin', fixedAt: '2016-04-03T02:00:00.000Z' } });
    expect(again).toEqual({ fixed: false });
    expect(result).toBe('sent');
    expect(mailer.sent.map((m) => m.to)).toEqual([[OFFICE]]);
    expect((await repo.listAudit('nanping-2016')).filter((a) => a.action === 'fix-contact')).toEqual([
      {
        cycleId: 'nanping-2016', unitId: 'yanping', at: '2016-04-03T02:00:00.000Z', actor: 'city-admin', role: 'city', action: 'fix-contact',
        what: { email: OFFICE, reason: 'bounce', since: '2016-04-01T01:00:05.123Z' },
      },
    ]);
  });

  it('after a fix, a late copy of the old bounce changes nothing; a new bounce marks again and tells the city office again', async () => {
    const { clock, mailer, ctx } = await setup();
    await recordEmailEvent(ctx, bounce());
    clock.t = Date.parse('2016-04-03T02:00:00Z');
    await fixContact(ctx, { email: OFFICE, fixedBy: 'city-admin' });
    mailer.sent.length = 0;

    const late = await recordEmailEvent(ctx, bounce());
    const fresh = await recordEmailEvent(ctx, bounce({ messageId: 'ses-msg-9', at: '2016-04-05T01:00:00.000Z' }));

    expect(late).toMatchObject({ contacts: [{ newlyMarked: false, cityNotice: 'already-fixed' }] });
    expect(fresh).toMatchObject({ contacts: [{ newlyMarked: true, cityNotice: 'sent' }] });
    expect(mailer.sent).toHaveLength(1);
    expect(await ctx.notifier.send(noticeTo(OFFICE, [], 'after-second-bounce'))).toBe('suppressed');
  });
});

describe('record-email-event handler', () => {
  const ses = mockClient(SESClient);
  const lambda = { functionName: 'test', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as LambdaContext;
  const snsEvent = (...messages: unknown[]) => ({
    Records: messages.map((m, i) => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:cn-north-1:123456789012:dev-cycle-mail-events:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55',
      Sns: {
        Type: 'Notification',
        MessageId: `95df01b4-ee98-5cb9-9903-4c221d41eb5${i}`,
        TopicArn: 'arn:aws:sns:cn-north-1:123456789012:dev-cycle-mail-events',
        Subject: null,
        Message: typeof m === 'string' ? m : JSON.stringify(m),
        Timestamp: '2016-04-01T01:00:06.000Z',
        SignatureVersion: '1',
        Signature: 'EXAMPLE',
        SigningCertUrl: 'https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-example.pem',
        UnsubscribeUrl: 'https://sns.cn-north-1.amazonaws.com.cn/?Action=Unsubscribe',
        MessageAttributes: {},
      },
    })),
  });

  beforeEach(() => {
    ses.reset();
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-city-1' });
  });

  async function handlerCtx() {
    const s = await setup();
    const ctx = makeContext({
      repo: s.repo,
      mailer: makeSesMailer({ client: new SESClient({}), configurationSet: 'dev-cycle-mail' }),
      workflow: makeMemoryWorkflow(),
      clock: s.clock,
    });
    return { ...s, ctx, handler: makeRecordEmailEvent(ctx) };
  }

  it('marks the bounced address and mails the city office once through SES, tagged, even when SNS delivers twice', async () => {
    // Prepare
    const { repo, handler } = await handlerCtx();
    const event = snsEvent(sesBounce);

    // Act
    const first = await handler(event, lambda);
    const second = await handler(event, lambda);

    // Assess
    expect(first).toEqual([{ action: 'marked', reason: 'bounce', contacts: [{ email: OFFICE, newlyMarked: true, cityNotice: 'sent' }] }]);
    expect(second).toEqual([{ action: 'marked', reason: 'bounce', contacts: [{ email: OFFICE, newlyMarked: false, cityNotice: 'already-sent' }] }]);
    expect(await repo.getContactStatus(OFFICE)).toMatchObject({
      status: 'undeliverable',
      since: '2016-04-01T01:00:05.123Z',
      messageId: sesBounce.mail.messageId,
      detail: expect.stringContaining('550 5.1.1'),
    });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(ses.commandCalls(SendEmailCommand)[0].args[0].input).toMatchObject({
      Destination: { ToAddresses: [CITY] },
      ConfigurationSetName: 'dev-cycle-mail',
      Tags: [
        { Name: 'cycleId', Value: 'nanping-2016' },
        { Name: 'unitId', Value: 'yanping' },
        { Name: 'kind', Value: 'contact-undeliverable' },
      ],
      Message: { Subject: { Data: '【南平市打传办】邮箱无法送达，请更正通讯录：延平区打传办', Charset: 'UTF-8' } },
    });
  });

  it('decodes encoded tag values', async () => {
    const { repo, handler } = await handlerCtx();
    const tagged = { ...sesBounce, mail: { ...sesBounce.mail, tags: { ...sesBounce.mail.tags, cycleId: [encodeTagValue('nanping-2016')], unitId: [encodeTagValue('延平')] } } };

    await handler(snsEvent(tagged), lambda);

    expect(await repo.getContactStatus(OFFICE)).toMatchObject({ cycleId: 'nanping-2016', unitId: '延平' });
  });

  it('logs and skips a transient bounce, a delivery delay, a message that is not JSON and one that is not an SES event', async () => {
    const { repo, handler } = await handlerCtx();
    const transient = { ...sesBounce, bounce: { ...sesBounce.bounce, bounceType: 'Transient', bounceSubType: 'MailboxFull' } };
    const delay = { eventType: 'DeliveryDelay', mail: sesBounce.mail, deliveryDelay: { delayType: 'TransientCommunicationFailure', timestamp: '2016-04-01T02:00:00Z' } };

    const results = await handler(snsEvent(transient, delay, 'not json', { hello: 'world' }), lambda);

    expect(results).toEqual([
      { action: 'ignored', reason: 'transient-bounce' },
      { action: 'ignored', reason: 'not-a-failure' },
    ]);
    expect(await repo.getContactStatus(OFFICE)).toBeNull();
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('rethrows a throttled send as TransientError (Lambda retries the event) after keeping the mark', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }));
    const { repo, handler } = await handlerCtx();

    await expect(handler(snsEvent(sesBounce), lambda)).rejects.toMatchObject({ name: 'TransientError' });
    expect((await repo.getContactStatus(OFFICE))?.status).toBe('undeliverable');
  });

  it('refuses an input that is not an SNS event', async () => {
    const { handler } = await handlerCtx();
    await expect(handler({ cycleId: 'nanping-2016' }, lambda)).rejects.toMatchObject({ name: 'InvalidTaskInputError' });
  });
});
