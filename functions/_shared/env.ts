/**
 * The one module that reads process.env. Parsed at cold start: a missing variable fails loudly there,
 * not on the first request that needs it.
 */
import * as z from 'zod/mini';
import type { Capabilities } from '../../core/capabilities';

/** Exported for tools that must name every variable (the bundle benchmark's stand-in environment). */
export const envSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  UNIT_STATE_MACHINE_ARN: z.optional(z.string().check(z.minLength(1))),
  CYCLE_STATE_MACHINE_ARN: z.optional(z.string().check(z.minLength(1))),
  SES_CONFIGURATION_SET: z.optional(z.string().check(z.minLength(1))),
  /** The documents bucket (uploads land under incoming/, checked copies live under documents/). */
  DOCUMENTS_BUCKET: z.optional(z.string().check(z.minLength(1))),
});

export type Env = z.infer<typeof envSchema>;
export type EnvName = keyof Env;

export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new Error(`missing or invalid environment variables: ${names}`);
  }
  return parsed.data;
}

/**
 * The variables a function's capabilities imply, as its bind helpers set them (test/infra checks the
 * template against this). A stopped execution's ARN is built from its state machine's.
 */
export function envNamesFor(caps: Capabilities): EnvName[] {
  const names = new Set<EnvName>();
  if (caps.table) names.add('TABLE_NAME');
  if (caps.email) names.add('SES_CONFIGURATION_SET');
  if (caps.startUnitCycle || caps.stopUnitCycle) names.add('UNIT_STATE_MACHINE_ARN');
  if (caps.startYearlyCycle) names.add('CYCLE_STATE_MACHINE_ARN');
  if (caps.documents) names.add('DOCUMENTS_BUCKET');
  return [...names].sort();
}

/**
 * Those of them missing at cold start. SES_CONFIGURATION_SET is not required here: the mailer works without
 * one (tests, the operator's script) and the stack always sets it for an email function.
 */
export function missingEnv(env: Env, caps: Capabilities): EnvName[] {
  return envNamesFor(caps).filter((n) => n !== 'SES_CONFIGURATION_SET' && !env[n]);
}
