/**
 * The SES mailer over the wire against aws-ses-v2-local, the SES client configured the way the twin does it:
 * by AWS_ENDPOINT_URL_SES, no endpoint in code.
 */
import { SESClient } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeSesMailer } from '../../core/adapters/ses/mailer';
import { startSesLocal, type SesLocal } from '../helpers/ses-local';

const ENV = ['AWS_ENDPOINT_URL_SES', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;
const saved: Partial<Record<(typeof ENV)[number], string | undefined>> = {};
let ses: SesLocal;

beforeAll(async () => {
  ses = await startSesLocal();
  for (const k of ENV) saved[k] = process.env[k];
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SES: ses.endpoint,
    AWS_REGION: 'cn-north-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
});
afterAll(async () => {
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await ses?.stop();
});
beforeEach(async () => {
  await ses.clear();
});

describe('SES mailer against aws-ses-v2-local', () => {
  it('delivers a Chinese UTF-8 email with To, Cc, subject, text and html', async () => {
    // Prepare
    const mailer = makeSesMailer({ client: new SESClient({}) });
    const email = {
      from: '南平市打传办 <noreply@nanping.example.cn>',
      to: ['yanping-office@nanping.example.cn'],
      // One Cc: the emulator's SES v1 SendEmail keeps only the first To/Cc/Bcc member (its schema lists member.1 only).
      cc: ['yanping-leader@nanping.example.cn'],
      subject: '【催办】延平区尚未提交《自评报告》',
      text: '延平区打传办：截至11月10日，贵单位尚未提交自评报告，请尽快提交。',
      html: '<p>延平区打传办：截至<b>11月10日</b>，贵单位尚未提交自评报告。</p>',
    };

    // Act
    const { messageId } = await mailer.send(email);
    const stored = await ses.emails();

    // Assess
    expect(messageId).not.toBe('');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      messageId,
      subject: email.subject,
      body: { text: email.text, html: email.html },
      destination: { to: email.to, cc: email.cc, bcc: [] },
    });
    expect(stored[0].from).toBe(`=?UTF-8?B?${Buffer.from('南平市打传办').toString('base64')}?= <noreply@nanping.example.cn>`);
  });

  it('sends without Cc', async () => {
    // Prepare
    const mailer = makeSesMailer({ client: new SESClient({}) });

    // Act
    await mailer.send({ from: 'noreply@nanping.example.cn', to: ['a@b.cn'], cc: [], subject: '回执', text: '已收到', html: '<p>已收到</p>' });

    // Assess
    const [stored] = await ses.emails();
    expect(stored.destination).toEqual({ to: ['a@b.cn'], cc: [], bcc: [] });
    expect(stored.subject).toBe('回执');
  });

  it('sends with the configuration set and message tags (what the twin does since every function names one)', async () => {
    // Prepare
    const mailer = makeSesMailer({ client: new SESClient({}), configurationSet: 'local-cycle-mail' });

    // Act
    const sending = mailer.send({
      from: 'noreply@nanping.example.cn', to: ['a@b.cn'], cc: [], subject: '通知', text: '正文', html: '<p>正文</p>',
      tags: { cycleId: 'nanping-2016', unitId: '延平', kind: 'phase-opened' },
    });

    // Assess: the emulator accepts it (it keeps neither the set nor the tags, and publishes no events)
    await expect(sending).resolves.toMatchObject({ messageId: expect.any(String) });
    expect(await ses.emails()).toHaveLength(1);
  });
});
