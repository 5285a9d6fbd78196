/**
 * The one place the CDK app reads context (cdk.json "context", `-c key=value`, or buildApp(context)).
 * Everything else in infra/ receives an InfraConfig and never touches node.tryGetContext.
 */
import * as z from 'zod/mini';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';

const RETENTION_DAYS = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number');

/** `-c key=value` arrives as a string; cdk.json and buildApp() pass real numbers. */
const days = z.pipe(
  z.union([z.number(), z.string().check(z.regex(/^\d+$/))]),
  z.transform((v) => Number(v)),
).check(z.refine((v) => RETENTION_DAYS.includes(v), { message: `logRetentionDays must be one of ${RETENTION_DAYS.join(', ')}` }));

/** A positive whole number; `-c key=value` arrives as a string. */
const positive = (key: string) =>
  z.pipe(
    z.union([z.number(), z.string().check(z.regex(/^\d+$/))]),
    z.transform((v) => Number(v)),
  ).check(z.refine((v) => Number.isInteger(v) && v > 0, { message: `${key} must be a whole number above 0` }));

/** Scheme, host and optional port only: what a browser sends as Origin (CORS compares it exactly). */
const ORIGIN =
  /^(https:\/\/[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?|http:\/\/(localhost|127\.0\.0\.1):\d{1,5})$/;

/** A DNS host name in lower case, at least two labels. */
const HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;

export const infraConfigSchema = z.object({
  /** Deployment stage; prefixes every physical name so stages can share an account. */
  stage: z._default(z.string().check(z.regex(/^[a-z][a-z0-9-]{0,15}$/, { message: 'stage: lowercase slug, max 16' })), 'dev'),
  /** The verified SES identity (domain or address) the functions send from. */
  emailIdentity: z._default(z.string().check(z.minLength(3), z.maxLength(254)), 'example.cn'),
  /** Name of the SES configuration set the stateless stack creates (default `<stage>-cycle-mail`); every email function uses it. */
  sesConfigurationSet: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/))),
  logRetentionDays: z._default(days, 365),
  /**
   * A second origin the HTTP API's CORS and the bucket's upload CORS allow, besides the deployed portal's own
   * (PortalStack.origin): a portal served elsewhere, such as the twin's (`npm start`) or Vite's dev server.
   * An https:// origin, or http://localhost:PORT / http://127.0.0.1:PORT for a portal on a developer's machine.
   * Default: `https://<portalDomainName>` when that is set (CORS then allows the portal alone), else Vite's.
   */
  portalOrigin: z._default(
    z.string().check(z.regex(ORIGIN, { message: 'portalOrigin: an origin such as https://portal.example.cn (no path, no trailing slash), or http://localhost:PORT' })),
    'http://localhost:5173',
  ),
  /**
   * The portal's own host name (e.g. `portal.nanping.example.cn`), served by the distribution with
   * `portalCertificateArn`. Unset: the distribution's generated `*.cloudfront.net` name.
   */
  portalDomainName: z.optional(
    z.string().check(z.regex(HOST, { message: 'portalDomainName: a lower-case host name such as portal.example.cn' })),
  ),
  /** The ACM certificate for portalDomainName; CloudFront takes certificates from us-east-1 only. */
  portalCertificateArn: z.optional(
    z.string().check(
      z.regex(/^arn:aws:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/, {
        message: 'portalCertificateArn: an ACM certificate ARN in us-east-1 (CloudFront uses no other region)',
      }),
    ),
  ),
  /** Steady requests per second the API's stage accepts across all routes (API Gateway throttling). */
  apiRateLimit: z._default(positive('apiRateLimit'), 50),
  /** Requests the stage accepts in a burst above the rate. */
  apiBurstLimit: z._default(positive('apiBurstLimit'), 100),
}).check(
  z.refine((c) => (c.portalDomainName === undefined) === (c.portalCertificateArn === undefined), {
    message: 'portalDomainName and portalCertificateArn go together: a custom domain needs its certificate, and a certificate its domain',
  }),
);

export type InfraConfig = {
  stage: string;
  emailIdentity: string;
  sesConfigurationSet?: string;
  logRetentionDays: RetentionDays;
  portalOrigin: string;
  portalDomainName?: string;
  portalCertificateArn?: string;
  apiRateLimit: number;
  apiBurstLimit: number;
};

const KEYS = [
  'stage',
  'emailIdentity',
  'sesConfigurationSet',
  'logRetentionDays',
  'portalOrigin',
  'portalDomainName',
  'portalCertificateArn',
  'apiRateLimit',
  'apiBurstLimit',
] as const;

/** Reads and validates the app's context; throws with every problem listed when a value is invalid. */
export function readConfig(node: Node): InfraConfig {
  const raw: Record<string, unknown> = {};
  for (const key of KEYS) {
    const value = node.tryGetContext(key);
    if (value !== undefined && value !== '') raw[key] = value;
  }
  if (raw.portalOrigin === undefined && typeof raw.portalDomainName === 'string') {
    raw.portalOrigin = `https://${raw.portalDomainName}`;
  }
  const parsed = infraConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`Invalid infra context: ${problems}`);
  }
  return { ...parsed.data, logRetentionDays: parsed.data.logRetentionDays as RetentionDays };
}

/** A physical name for this stage, e.g. `dev-YearlyCycle`. */
export const stageName = (config: Pick<InfraConfig, 'stage'>, name: string): string => `${config.stage}-${name}`;
