/**
 * Query-string parameter types with Openverse's parsing rules (§2.2): the last of a
 * repeated parameter wins, an empty value counts as absent, strings are trimmed, and
 * error messages are DRF's, word for word.
 */
import { z } from '@hono/zod-openapi';

const lastValue = (v: unknown) => (Array.isArray(v) ? v[v.length - 1] : v);
const absentIfEmpty = (v: unknown) => (v === '' ? undefined : v);

/** Free text; `truncate` cuts silently (as `q` does), `max` refuses longer values. */
export function textParam(opts: { max?: number; truncate?: number; description: string; example?: string }) {
  return z
    .preprocess((v) => absentIfEmpty(lastValue(v)), z.string().optional())
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const trimmed = value.trim();
      if (!trimmed) {
        ctx.addIssue({ code: 'custom', message: 'This field may not be blank.' });
        return z.NEVER;
      }
      if (opts.max !== undefined && trimmed.length > opts.max) {
        ctx.addIssue({ code: 'custom', message: `Ensure this field has no more than ${opts.max} characters.` });
        return z.NEVER;
      }
      return opts.truncate ? trimmed.slice(0, opts.truncate) : trimmed;
    })
    .openapi({ type: 'string', description: opts.description, example: opts.example, maxLength: opts.max });
}

/** Integers as DRF reads them: `5` and `5.0` are 5; bounds give DRF's messages. */
export function intParam(opts: { min: number; max: number; default: number; description: string }) {
  return z
    .preprocess((v) => absentIfEmpty(lastValue(v)), z.string().optional())
    .transform((value, ctx) => {
      if (value === undefined) return opts.default;
      if (value.length > 1000) {
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
