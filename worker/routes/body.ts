/**
 * Request bodies of the auth routes: JSON or form-encoded, at most 64 KiB.
 */
import type { Context } from 'hono';
import { ApiError } from '../errors.js';

export const MAX_BODY_BYTES = 64 * 1024;

export async function readFields(c: Context, opts: { json: boolean }): Promise<Record<string, unknown>> {
  const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  const declared = Number(c.req.header('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) throw new ApiError('payload_too_large', `Request body too large (${MAX_BODY_BYTES} bytes at most).`);
  const text = await c.req.text();
  if (new TextEncoder().encode(text).length > MAX_BODY_BYTES) {
    throw new ApiError('payload_too_large', `Request body too large (${MAX_BODY_BYTES} bytes at most).`);
  }
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
