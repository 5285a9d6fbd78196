/**
 * The pieces the HTTP API's schemas are made of. Every object is strict (an unknown field is an error, so a
 * county cannot send a status, a unit, a timestamp or the city's scores), every string and array has a limit,
 * and text that can reach an email header is single-line.
 */
import * as z from 'zod/mini';
import { localDate, slug } from '../../core/plan/schema';

export { localDate, slug };

/** A lone UTF-16 surrogate: not a character, and nothing downstream (DynamoDB, email, Excel) can store it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const wellFormed = z.refine<string>((s) => !LONE_SURROGATE.test(s), { message: 'unicode' });

/**
 * Characters no text of ours may hold, as they reach email subjects, receipts and download headers:
 * C0 controls but tab and line breaks, DEL, C1 controls (NEL included), the line and paragraph separators
 * (U+2028/U+2029: a line break to many clients), and the bidirectional formatting characters (U+061C,
 * U+200E/U+200F, U+202A–U+202E, U+2066–U+2069) that make `invoice\u202Efdp.exe` show as `invoiceexe.pdf`.
 */
const INVISIBLE = '\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';
// Patterns, not refinements, so that the OpenAPI document states them.
const noInvisible = z.regex(new RegExp(`^[^${INVISIBLE}]*$`), { message: 'no-control-characters' });
const noTab = z.regex(/^[^\t]*$/, { message: 'no-control-characters' });

/**
 * Single-line text (no CR/LF anywhere, even at the ends: it may reach an email subject or a header; no tab
 * and nothing of INVISIBLE), then trimmed.
 */
export const line = (max: number) =>
  z.string().check(z.regex(/^[^\r\n]*$/, { message: 'single-line' }), noInvisible, noTab, wellFormed, z.trim(), z.minLength(1), z.maxLength(max));

/** Free text: line breaks and tabs allowed, nothing of INVISIBLE. */
export const text = (max: number) => z.string().check(z.maxLength(max), noInvisible, wellFormed);

export const uuid = z.string().check(z.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, { message: 'uuid' }));

/** A positive integer that arrives as a path segment. */
export const pathInt = (max: number) =>
  z.pipe(
    z.string().check(z.regex(/^[1-9]\d{0,5}$/, { message: 'positive-integer' })),
    z.transform((s) => Number(s)),
  ).check(z.lte(max));

/** Points: 0 to 1,000 in half-point steps. */
export const points = z.number().check(z.gte(0), z.lte(1000), z.multipleOf(0.5));

export const unitParams = z.strictObject({ cycleId: slug, unitId: slug });
export const deliverableParams = z.strictObject({ cycleId: slug, unitId: slug, deliverableId: slug });
export const versionParams = z.strictObject({ cycleId: slug, unitId: slug, deliverableId: slug, version: pathInt(9999) });
