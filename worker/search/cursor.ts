/**
 * Cursor paging (issue #18): opaque, signed tokens that continue a key holder's search
 * past the page-20 window.
 *
 * - A browse (no `q`, no field search) is ordered by a sort key then `id`; its cursor
 *   holds the last result's keys, and the next page is the same query filtered to what
 *   comes after them (a keyset), so a walk reaches every matching work.
 * - A text search has no keyset (its ranking score is not filterable): its cursor holds
 *   the next page number, and the walk ends where the engine stops ranking
 *   (`maxTotalHits`, `MAX_RESULT_WINDOW` results).
 *
 * A cursor is bound to its media type, its query (every parameter but `cursor` and
 * `page`) and the served generation, and signed (HMAC-SHA256): a malformed, forged or
 * foreign cursor, or one sent with another query, is a 400 naming `cursor`; one from an
 * older generation (a refresh, update, rollback or moderation since) is a 410.
 */
import type { MediaType } from '../../model/record.js';
import { ApiError } from '../errors.js';

/** Where a walk continues: after a browse's last keys, or at a text search's page. */
export type CursorPosition = { n: number } & ({ after: [number, string] } | { page: number });

interface Payload {
  v: 1;
  m: MediaType;
  g: string;
  b: string;
  p: CursorPosition;
}

/** What a cursor must match to be accepted. */
export interface CursorBinding {
  mediaType: MediaType;
  generation: string;
  /** Digest of the query's parameters (`bindingOf`). */
  query: string;
}

const encoder = new TextEncoder();
// A fixed label so a key derived from another secret is used for cursors only.
const KEY_LABEL = 'edgeverse cursor v1';
const MAX_CURSOR_LENGTH = 1000;

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const raw = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(raw, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

async function hmacKey(secret: string): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const derived = new Uint8Array(await crypto.subtle.sign('HMAC', base, encoder.encode(KEY_LABEL)));
  return crypto.subtle.importKey('raw', derived, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

/** A digest of the parameters a cursor is bound to: all but `cursor` and `page`. */
export async function bindingOf(params: Record<string, unknown>): Promise<string> {
  const canonical = JSON.stringify(
    Object.keys(params)
      .filter((k) => k !== 'cursor' && k !== 'page' && params[k] !== undefined)
      .sort()
      .map((k) => [k, params[k]]),
  );
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(canonical)))).slice(0, 22);
}

const invalid = (message: string) => ApiError.validation({ cursor: [message] });

function isPosition(p: unknown): p is CursorPosition {
  const v = p as Record<string, unknown>;
  if (!v || !Number.isSafeInteger(v.n) || (v.n as number) < 1) return false;
  if ('page' in v) return Number.isSafeInteger(v.page) && (v.page as number) >= 1;
  const after = v.after as unknown[];
  return Array.isArray(after) && after.length === 2 && Number.isFinite(after[0]) && typeof after[1] === 'string';
}

/** Signs and opens the cursors of one request (the secret is the Worker's). */
export class CursorCodec {
  private key: Promise<CryptoKey>;

  constructor(secret: string) {
    this.key = hmacKey(secret);
  }

  async mint(binding: CursorBinding, position: CursorPosition): Promise<string> {
    const payload: Payload = { v: 1, m: binding.mediaType, g: binding.generation, b: binding.query, p: position };
    const body = encoder.encode(JSON.stringify(payload));
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await this.key, body));
    return `${base64url(body)}.${base64url(mac)}`;
  }

  /** The position a cursor continues from; 400 unless this API issued it for this query, 410 if its generation is gone. */
  async open(cursor: string, binding: CursorBinding): Promise<CursorPosition> {
    const [body64, mac64, extra] = cursor.length <= MAX_CURSOR_LENGTH ? cursor.split('.') : [];
    const body = body64 ? fromBase64url(body64) : null;
    const mac = mac64 ? fromBase64url(mac64) : null;
    if (!body || !mac || extra !== undefined) throw invalid('Malformed cursor: send the `next_cursor` of an earlier answer as it was.');
    if (!(await crypto.subtle.verify('HMAC', await this.key, mac, body))) throw invalid('This cursor was not issued by this API.');
    let payload: Payload;
    try {
      payload = JSON.parse(new TextDecoder().decode(body)) as Payload;
    } catch {
      throw invalid('Malformed cursor.');
    }
    if (payload.v !== 1 || !isPosition(payload.p)) throw invalid('Malformed cursor.');
    if (payload.m !== binding.mediaType) throw invalid(`This cursor belongs to a search of another media type (${payload.m}).`);
    if (payload.b !== binding.query) {
      throw invalid(
        'This cursor belongs to another query: send it with the same parameters as the search it came from (only `page` may differ).',
      );
    }
    if (payload.g !== binding.generation) {
      throw new ApiError(
        'gone',
        'The catalog changed since this cursor was issued (a refresh or update): start again from the first page.',
      );
    }
    return payload.p;
  }
}

/** Cursor paging of one request: where it resumes (none on a walk's first page), and how to mint the next cursor. */
export interface Walk {
  from?: CursorPosition;
  mint(position: CursorPosition): Promise<string>;
}

/** The walk of a key holder's search: the cursor sent (checked against `binding`), if any. */
export async function openWalk(secret: string, binding: CursorBinding, cursor: string | undefined): Promise<Walk> {
  const codec = new CursorCodec(secret);
  const from = cursor === undefined ? undefined : await codec.open(cursor, binding);
  return { from, mint: (position) => codec.mint(binding, position) };
}
