/**
 * One link check: a HEAD request to a media URL, redirects not followed (a 3xx is the
 * answer, §4.5), with the link checker's User-Agent. Never throws.
 */
import { checkTarget } from '../media/safe-fetch.js';
import { LINK_USER_AGENT } from './liveness.js';

/**
 * Whether a URL may be checked: http(s), no credentials, and no loopback, private or
 * link-local address unless the configuration allows them (the thumbnail proxy's rules).
 */
export function fetchable(url: string, allowPrivate: boolean): boolean {
  try {
    checkTarget(url, allowPrivate);
    return true;
  } catch {
    return false;
  }
}

export type HeadOutcome = { status: number } | { failure: 'timeout' | 'network' };

export async function headStatus(url: string, signal: AbortSignal, fetcher: typeof fetch = fetch): Promise<HeadOutcome> {
  try {
    const res = await fetcher(url, { method: 'HEAD', redirect: 'manual', signal, headers: { 'User-Agent': LINK_USER_AGENT } });
    await res.body?.cancel().catch(() => {});
    return { status: res.status };
  } catch (err) {
    const name = (err as Error).name;
    return { failure: signal.aborted || name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network' };
  }
}

/**
 * Runs `task` over `items`, at most `limit` at a time, in order; once `signal` aborts no
 * further item is started (the ones in flight see the same signal).
 */
export async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length && !signal?.aborted) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}
