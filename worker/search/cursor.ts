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
import { FORGED, MALFORMED, SignedTokens, shortDigest } from '../auth/signed-token.js';
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

/** A digest of the parameters a cursor is bound to: all but `cursor` and `page`. */
export async function bindingOf(params: Record<string, unknown>): Promise<string> {
  const canonical = JSON.stringify(
    Object.keys(params)
      .filter((k) => k !== 'cursor' && k !== 'page' && params[k] !== undefined)
      .sort()
      .map((k) => [k, params[k]]),
  );
  return shortDigest(canonical);
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
  private tokens: SignedTokens;

  constructor(secret: string) {
    this.tokens = new SignedTokens(secret, 'cursor v1');
  }

  mint(binding: CursorBinding, position: CursorPosition): Promise<string> {
    const payload: Payload = { v: 1, m: binding.mediaType, g: binding.generation, b: binding.query, p: position };
    return this.tokens.sign(payload);
  }

  /** The position a cursor continues from; 400 unless this API issued it for this query, 410 if its generation is gone. */
  async open(cursor: string, binding: CursorBinding): Promise<CursorPosition> {
    const opened = await this.tokens.open(cursor);
    if (opened === MALFORMED) throw invalid('Malformed cursor: send the `next_cursor` of an earlier answer as it was.');
    if (opened === FORGED) throw invalid('This cursor was not issued by this API.');
    const payload = opened as Payload;
    if (payload?.v !== 1 || !isPosition(payload.p)) throw invalid('Malformed cursor.');
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
