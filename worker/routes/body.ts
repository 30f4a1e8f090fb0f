/**
 * Request bodies: at most 64 KiB on every route, counted while the body streams (a
 * chunked body has no Content-Length to trust), and the auth and report routes' field
 * reader (JSON or form-encoded).
 */
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from '../errors.js';

export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Stops reading at the first byte over the limit (413); a body within it is buffered
 * once, so handlers read it as usual.
 */
export const limitBody = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ApiError('payload_too_large', `Request body too large (${MAX_BODY_BYTES} bytes at most).`);
  },
});

export async function readFields(c: Context, opts: { json: boolean }): Promise<Record<string, unknown>> {
  const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  const text = await c.req.text();
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  if (opts.json && type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new ApiError('validation', `JSON parse error - ${(err as Error).message}`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new ApiError('validation', 'JSON parse error - expected an object.');
    }
    return parsed as Record<string, unknown>;
  }
  throw new ApiError(
    'unsupported_media_type',
    `Unsupported media type "${type || 'none'}" in request. Send ${opts.json ? 'application/json or ' : ''}application/x-www-form-urlencoded.`,
  );
}
