/**
 * Query-string parameter types with Openverse's parsing rules (§2.2): the last of a
 * repeated parameter wins, an empty value counts as absent, strings are trimmed, and
 * error messages are DRF's, word for word.
 */
import { z } from '@hono/zod-openapi';

const lastValue = (v: unknown) => (Array.isArray(v) ? v[v.length - 1] : v);
const absentIfEmpty = (v: unknown) => (v === '' ? undefined : v);

/**
 * No query parameter is read past this many characters: longer is a 400 naming the
 * field, so no parser, error message or engine query ever works on a huge value.
 */
export const MAX_PARAM_LENGTH = 1000;

export const tooLongMessage = (max: number) => `Ensure this field has no more than ${max} characters.`;

/** Adds the length issue and answers false when `value` is over `max`. */
export function withinLength(value: string, ctx: z.RefinementCtx, max = MAX_PARAM_LENGTH): boolean {
  if (value.length <= max) return true;
  ctx.addIssue({ code: 'custom', message: tooLongMessage(max) });
  return false;
}

/** Free text; `truncate` cuts silently (as `q` does), `max` refuses longer values. */
export function textParam(opts: { max?: number; truncate?: number; description: string; example?: string }) {
  return z
    .preprocess((v) => absentIfEmpty(lastValue(v)), z.string().optional())
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      if (!withinLength(value, ctx)) return z.NEVER;
      const trimmed = value.trim();
      if (!trimmed) {
        ctx.addIssue({ code: 'custom', message: 'This field may not be blank.' });
        return z.NEVER;
      }
      if (opts.max !== undefined && !withinLength(trimmed, ctx, opts.max)) return z.NEVER;
      return opts.truncate ? trimmed.slice(0, opts.truncate) : trimmed;
    })
    .openapi({ type: 'string', description: opts.description, example: opts.example, maxLength: opts.max ?? MAX_PARAM_LENGTH });
}

/** Integers as DRF reads them: `5` and `5.0` are 5; bounds give DRF's messages. */
export function intParam(opts: { min: number; max: number; default: number; description: string }) {
  return z
    .preprocess((v) => absentIfEmpty(lastValue(v)), z.string().optional())
    .transform((value, ctx) => {
      if (value === undefined) return opts.default;
      if (value.length > MAX_PARAM_LENGTH) {
        ctx.addIssue({ code: 'custom', message: 'String value too large.' });
        return z.NEVER;
      }
      const m = /^\s*([+-]?\d+)(?:\.0*)?\s*$/.exec(value);
      if (!m) {
        ctx.addIssue({ code: 'custom', message: 'A valid integer is required.' });
        return z.NEVER;
      }
      const n = Number(m[1]);
      if (n < opts.min) {
        ctx.addIssue({ code: 'custom', message: `Ensure this value is greater than or equal to ${opts.min}.` });
        return z.NEVER;
      }
      if (n > opts.max) {
        ctx.addIssue({ code: 'custom', message: `Ensure this value is less than or equal to ${opts.max}.` });
        return z.NEVER;
      }
      return n;
    })
    .openapi({
      type: 'integer',
      minimum: opts.min,
      maximum: opts.max,
      default: opts.default,
      description: opts.description,
    });
}

/** Reads a raw integer the way `intParam` would, or null (for the 401 page-size rule). */
export function rawInt(value: string | string[] | undefined): number | null {
  const v = lastValue(value);
  if (typeof v !== 'string') return null;
  const m = /^\s*([+-]?\d+)(?:\.0*)?\s*$/.exec(v);
  return m ? Number(m[1]) : null;
}

const TRUE_VALUES = new Set(['true', 'True', 'TRUE', 't', 'T', 'yes', 'Yes', 'YES', 'y', 'Y', 'on', 'On', 'ON', '1']);
const FALSE_VALUES = new Set(['false', 'False', 'FALSE', 'f', 'F', 'no', 'No', 'NO', 'n', 'N', 'off', 'Off', 'OFF', '0']);

/** Booleans in DRF's spellings; anything else is "Must be a valid boolean." */
export function boolParam(opts: { default: boolean; description: string }) {
  return z
    .preprocess((v) => absentIfEmpty(lastValue(v)), z.string().optional())
    .transform((value, ctx) => {
      if (value === undefined) return opts.default;
      if (!withinLength(value, ctx)) return z.NEVER;
      const v = value.trim();
      if (TRUE_VALUES.has(v)) return true;
      if (FALSE_VALUES.has(v)) return false;
      ctx.addIssue({ code: 'custom', message: 'Must be a valid boolean.' });
      return z.NEVER;
    })
    .openapi({ type: 'boolean', default: opts.default, description: opts.description });
}

/**
 * A comma-separated list, trimmed and lowercased, empty items dropped. With `allowed`,
 * every item must be one of them and `invalid(item)` words the error.
 */
export function listParam<T extends string>(opts: {
  description: string;
  allowed?: readonly T[];
  invalid?: (item: string) => string;
  example?: string;
}) {
  return z
    .preprocess((v) => absentIfEmpty(lastValue(v)), z.string().optional())
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      if (!withinLength(value, ctx)) return z.NEVER;
      const items = [
        ...new Set(
          value
            .split(',')
            .map((s) => s.trim().toLowerCase())
            .filter(Boolean),
        ),
      ];
      if (opts.allowed) {
        for (const item of items) {
          if (!(opts.allowed as readonly string[]).includes(item)) {
            ctx.addIssue({ code: 'custom', message: opts.invalid ? opts.invalid(item) : `Invalid value: ${item}.` });
            return z.NEVER;
          }
        }
      }
      return items.length ? (items as T[]) : undefined;
    })
    .openapi({
      type: 'string',
      description: opts.allowed ? `${opts.description} Comma-separated; one or more of: ${opts.allowed.join(', ')}.` : opts.description,
      example: opts.example,
    });
}

/** DRF's enum error (§3.1): `Invalid value: x. Allowed values: {'a', 'b'}`. */
export function enumError(allowed: readonly string[]) {
  return (item: string) => `Invalid value: ${item}. Allowed values: {${allowed.map((a) => `'${a}'`).join(', ')}}`;
}

/** A single choice (`unstable__sort_by`): DRF's `"x" is not a valid choice.` A `default` of undefined leaves it optional. */
export function choiceParam<T extends string, D extends T | undefined = T>(opts: {
  allowed: readonly T[];
  default: D;
  description: string;
  example?: T;
}) {
  return z
    .preprocess((v) => absentIfEmpty(lastValue(v)), z.string().optional())
    .transform((value, ctx): T | D => {
      if (value === undefined) return opts.default;
      if (!withinLength(value, ctx)) return z.NEVER;
      const v = value.trim();
      if (!(opts.allowed as readonly string[]).includes(v)) {
        ctx.addIssue({ code: 'custom', message: `"${v}" is not a valid choice.` });
        return z.NEVER;
      }
      return v as T;
    })
    .openapi({
      type: 'string',
      enum: [...opts.allowed],
      ...(opts.default === undefined ? {} : { default: opts.default }),
      ...(opts.example === undefined ? {} : { example: opts.example }),
      description: opts.description,
    });
}
