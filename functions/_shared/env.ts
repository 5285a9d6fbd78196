/**
 * The one module that reads process.env. Parsed at cold start: a missing variable fails loudly there,
 * not on the first request that needs it.
 */
import * as z from 'zod/mini';

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

export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new Error(`missing or invalid environment variables: ${names}`);
  }
  return parsed.data;
}
