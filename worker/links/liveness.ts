/**
 * The liveness rules of dead-link filtering (§4.5) in one place: which recorded
 * statuses count as live, how long each is cached, and when the background checker
 * should look again. Pure: no I/O.
 */

/** Recorded by the background checker when a host gave no answer within `HEAD_TIMEOUT_MS`, or none at all. */
export const NO_ANSWER = -1;

/**
 * Recorded by a search whose HEAD request could not connect (DNS, refused, reset): not a
 * verdict, since the fault may be ours, so it counts as live; it spares the next searches
 * the same failing request, and the background checker replaces it with a real verdict.
 */
export const UNCONFIRMED = 0;

/**
 * 200 is live; so are 403 and 429: the host blocks or throttles our checker, and the
 * media is most likely there for a browser (§4.5). Everything else (3xx, 404, 410,
 * 5xx, no answer) is dead: redirects are not followed, as in the reference.
 */
const LIVE_STATUSES = new Set([200, 403, 429]);

export function isLive(status: number): boolean {
  return LIVE_STATUSES.has(status) || status === UNCONFIRMED;
}

const MINUTE = 60;
const DAY = 86_400;

/**
 * KV TTL (seconds) of a recorded status, as §4.5: 200 → 30 days, no answer → 30 minutes,
 * any other status → 120 days. An unconfirmed failure is kept as long as a no answer.
 */
export function statusTtlSeconds(status: number): number {
  if (status === 200) return 30 * DAY;
  if (status === NO_ANSWER || status === UNCONFIRMED) return 30 * MINUTE;
  return 120 * DAY;
}

/** A status is re-checked in the background when it expires within this long (or within half its TTL). */
export const REFRESH_AHEAD_SECONDS = 6 * 60 * 60;

/** Whether the background checker should re-check a status expiring at `expires` (epoch seconds). */
export function dueForRecheck(status: number, expires: number, nowSeconds: number): boolean {
  if (status === UNCONFIRMED) return true;
  return expires - nowSeconds < Math.min(statusTtlSeconds(status) / 2, REFRESH_AHEAD_SECONDS);
}

/** The reference's HEAD timeout; on the request path the per-request budget may end it sooner. */
export const HEAD_TIMEOUT_MS = 2000;

export const LINK_USER_AGENT = 'EdgeverseLinkValidation/0.1 (+https://github.com/edgeverse)';

/** Request-path defaults; each has an environment variable (worker/env.ts). */
export const LINK_CHECK_DEFAULTS = {
  /** Time budget of a search's one round of HEAD checks (ms). */
  budgetMs: 1000,
  /** HEAD requests in flight at once (a Worker keeps at most 6 connections open). */
  concurrency: 6,
  /** HEAD requests a search may make; the first window of a 20-result page holds 40. */
  maxPerRequest: 40,
  /** HEAD requests one run of the background checker may make. */
  prewarmMaxChecks: 200,
} as const;
