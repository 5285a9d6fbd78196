import 'aws-sdk-client-mock-vitest/extend';
import { MessageRejected, SESClient, SESServiceException, SendEmailCommand } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EmailRejectedError, decodeTagValue, encodeTagValue, formatSource, makeSesMailer } from '../../core/adapters/ses/mailer';
import { EmailOutcomeUnknownError, TransientError } from '../../core/errors';
import type { OutgoingEmail } from '../../core/ports';

const ses = mockClient(SESClient);
const client = new SESClient({ region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });

const email: OutgoingEmail = {
  from: '南平市打传办 <noreply@nanping.example.cn>',
  to: ['yanping-office@nanping.example.cn'],
  cc: ['yanping-leader@nanping.example.cn'],
  subject: '【提醒】请于11月10日前提交自评报告',
  text: '延平区打传办：请按时提交。',
  html: '<p>延平区打传办：请按时提交。</p>',
};

beforeEach(() => {
  ses.reset();
});

describe('makeSesMailer', () => {
  it('sends UTF-8 subject and bodies, To/Cc, the configuration set and an RFC 2047 sender name', async () => {
    // Prepare
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    const mailer = makeSesMailer({ client, configurationSet: 'cycle-mail' });

    // Act
    const result = await mailer.send(email);

    // Assess
    expect(result).toEqual({ messageId: 'ses-1' });
    expect(ses).toHaveReceivedCommandExactlyOnceWith(SendEmailCommand, {
      Source: `=?UTF-8?B?${Buffer.from('南平市打传办').toString('base64')}?= <noreply@nanping.example.cn>`,
      Destination: { ToAddresses: ['yanping-office@nanping.example.cn'], CcAddresses: ['yanping-leader@nanping.example.cn'] },
      Message: {
        Subject: { Data: '【提醒】请于11月10日前提交自评报告', Charset: 'UTF-8' },
        Body: {
          Text: { Data: '延平区打传办：请按时提交。', Charset: 'UTF-8' },
          Html: { Data: '<p>延平区打传办：请按时提交。</p>', Charset: 'UTF-8' },
        },
      },
      ConfigurationSetName: 'cycle-mail',
    });
  });

  it('leaves out an empty Cc and a missing configuration set', async () => {
    // Prepare
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-2' });

    // Act
    await makeSesMailer({ client }).send({ ...email, from: 'noreply@nanping.example.cn', cc: [] });

    // Assess
    const input = ses.commandCalls(SendEmailCommand)[0].args[0].input;
    expect(input.Source).toBe('noreply@nanping.example.cn');
    expect(input.Destination).toEqual({ ToAddresses: ['yanping-office@nanping.example.cn'] });
    expect(input).not.toHaveProperty('ConfigurationSetName');
  });

  it.each([
    ['Throttling', 400, 'Maximum sending rate exceeded.'],
    ['ThrottlingException', 400, 'Rate exceeded'],
    ['ServiceUnavailable', 503, 'Service unavailable'],
    ['SomethingElse', 400, 'Maximum sending rate exceeded.'],
  ])('maps %s (%i) to TransientError', async (name, httpStatusCode, message) => {
    // Prepare
    ses.on(SendEmailCommand).rejects(new SESServiceException({ name, $fault: 'client', message, $metadata: { httpStatusCode } }));

    // Act
    const sending = makeSesMailer({ client }).send(email);

    // Assess
    await expect(sending).rejects.toBeInstanceOf(TransientError);
  });

  it.each([
    ['Throttling', 400, 'Maximum sending rate exceeded.'],
    ['ThrottlingException', 400, 'Rate exceeded'],
  ])('treats %s (%i) as not sent: a plain TransientError, not an unknown outcome', async (name, httpStatusCode, message) => {
    // Prepare
    ses.on(SendEmailCommand).rejects(new SESServiceException({ name, $fault: 'client', message, $metadata: { httpStatusCode } }));
    // Act
    const error = await makeSesMailer({ client }).send(email).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(TransientError);
    expect(error).not.toBeInstanceOf(EmailOutcomeUnknownError);
  });

  it('treats a refused connection as not sent', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' }));
    const error = await makeSesMailer({ client }).send(email).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(error).not.toBeInstanceOf(EmailOutcomeUnknownError);
  });

  it.each([
    ['a 5xx', new SESServiceException({ name: 'InternalFailure', $fault: 'server', message: 'internal', $metadata: { httpStatusCode: 500 } })],
    ['a 503', new SESServiceException({ name: 'ServiceUnavailable', $fault: 'server', message: 'unavailable', $metadata: { httpStatusCode: 503 } })],
    ['a timeout', Object.assign(new Error('socket timed out'), { name: 'TimeoutError' })],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
  ])('treats %s as an unknown outcome: the email may have gone out (retried, claim kept)', async (_what, failure) => {
    // Prepare
    ses.on(SendEmailCommand).rejects(failure);
    // Act
    const error = await makeSesMailer({ client }).send(email).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(EmailOutcomeUnknownError);
    expect(error).toMatchObject({ name: 'TransientError' });
  });

  it.each([
    ['MessageRejected', 'Email address is not verified. The following identities failed the check in region US-EAST-1: office@county.example.cn'],
    ['MailFromDomainNotVerifiedException', 'MAIL FROM domain not verified'],
    ['ConfigurationSetDoesNotExistException', 'Configuration set does not exist'],
    ['AccountSendingPausedException', 'Sending paused for this account'],
    ['Throttling', 'Daily message quota exceeded.'],
  ])('treats %s as refused for good: EmailRejectedError', async (name, message) => {
    ses.on(SendEmailCommand).rejects(new SESServiceException({ name, $fault: 'client', message, $metadata: { httpStatusCode: 400 } }));
    await expect(makeSesMailer({ client }).send(email)).rejects.toMatchObject({ name: 'EmailRejectedError', details: { cause: name } });
  });

  it('maps MessageRejected to EmailRejectedError (502)', async () => {
    // Prepare
    ses.on(SendEmailCommand).rejects(new MessageRejected({ message: 'Email address is not verified.', $metadata: { httpStatusCode: 400 } }));

    // Act
    const sending = makeSesMailer({ client }).send(email);

    // Assess
    await expect(sending).rejects.toBeInstanceOf(EmailRejectedError);
    await expect(sending).rejects.toMatchObject({ name: 'EmailRejectedError', status: 502, details: { cause: 'MessageRejected' } });
  });
});

describe('message tags', () => {
  it('sends tags as SES Tags, values encoded to [A-Za-z0-9_-], and leaves out empty ones', async () => {
    // Prepare
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-3' });

    // Act
    await makeSesMailer({ client }).send({ ...email, tags: { cycleId: 'nanping-2016', unitId: '延平区', kind: 'phase-opened', note: '' } });

    // Assess
    expect(ses.commandCalls(SendEmailCommand)[0].args[0].input.Tags).toEqual([
      { Name: 'cycleId', Value: 'nanping-2016' },
      { Name: 'unitId', Value: '_E5_BB_B6_E5_B9_B3_E5_8C_BA' },
      { Name: 'kind', Value: 'phase-opened' },
    ]);
  });

  it('leaves Tags out when there are none', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-4' });
    await makeSesMailer({ client }).send(email);
    expect(ses.commandCalls(SendEmailCommand)[0].args[0].input).not.toHaveProperty('Tags');
  });

  it.each(['nanping-2016', 'a_b', 'self-assessment-report#D-3', 'office@county.example.cn', '南平 市', '_41', '%_#'])(
    'encodes %s to SES-safe characters and back',
    (value) => {
      const encoded = encodeTagValue(value);
      expect(encoded).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(decodeTagValue(encoded)).toBe(value);
    },
  );

  it('keeps slugs unchanged', () => {
    expect(encodeTagValue('nanping-2016')).toBe('nanping-2016');
    expect(encodeTagValue('a_b')).toBe('a_5Fb');
  });
});

describe('formatSource', () => {
  it.each([
    ['a@b.cn', 'a@b.cn'],
    ['<a@b.cn>', 'a@b.cn'],
    ['Nanping Office <a@b.cn>', 'Nanping Office <a@b.cn>'],
    ['"Office, Nanping" <a@b.cn>', '"Office, Nanping" <a@b.cn>'],
    ['市打传办 <a@b.cn>', '=?UTF-8?B?5biC5omT5Lyg5Yqe?= <a@b.cn>'],
  ])('%s -> %s', (from, expected) => {
    expect(formatSource(from)).toBe(expected);
  });
});
