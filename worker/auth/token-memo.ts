/**
 * Per-isolate memo of token lookups, so a keyed client's requests do not each open a
 * database connection. Keyed by the token's digest (the raw token is never held).
 *
 * A hit is trusted for at most TOKEN_MEMO_MS and never past the token's expiry; an
 * unknown token is remembered briefly too, so a flood of forged tokens cannot turn
 * into a flood of queries. A verification in this isolate forgets the client at once;
 * in other isolates the change shows within TOKEN_MEMO_MS.
 */
import type { Application } from '../db/api-keys.js';

export const TOKEN_MEMO_MS = 30_000;
export const UNKNOWN_TOKEN_MEMO_MS = 5_000;
const MAX_ENTRIES = 10_000;

const memo = new Map<string, { application: Application | null; until: number }>();

/** `undefined` when not memoised (look it up), else the application or null. */
export function recallToken(tokenHash: string, now = Date.now()): Application | null | undefined {
  const entry = memo.get(tokenHash);
  if (!entry) return undefined;
  if (entry.until <= now) {
    memo.delete(tokenHash);
    return undefined;
  }
  return entry.application;
}

export function rememberToken(tokenHash: string, found: { application: Application; expiresAt: number } | null, now = Date.now()): void {
  const until = found ? Math.min(now + TOKEN_MEMO_MS, found.expiresAt) : now + UNKNOWN_TOKEN_MEMO_MS;
  memo.delete(tokenHash);
  memo.set(tokenHash, { application: found?.application ?? null, until });
  if (memo.size > MAX_ENTRIES) memo.delete(memo.keys().next().value!);
}

/** After a change to the application (verification): its tokens are looked up again. */
export function forgetClient(clientId: string): void {
  for (const [hash, entry] of memo) if (entry.application?.client_id === clientId) memo.delete(hash);
}
