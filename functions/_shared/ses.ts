import { SESClient } from '@aws-sdk/client-ses';
import { makeSesMailer } from '../../core/adapters/ses/mailer';
import type { Env } from './env';

export const sesMailer = (env: Env) => makeSesMailer({ client: new SESClient({}), configurationSet: env.SES_CONFIGURATION_SET });
