/**
 * Request-level rules shared by the media routes.
 */
import { ApiError } from '../../errors.js';
import { MAX_ANONYMOUS_PAGE_SIZE } from './schema.js';

/** Scheme + host of the request: the base of every hyperlink in results (§2.6). */
export function baseUrlOf(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
}

/**
 * Anonymous callers get at most 20 results a page; more is a 401 (not a 400) so that
 * clients know an API key lifts the limit (§3.2). Keys arrive with the auth issue.
 */
export function enforceAnonymousPageSize(pageSize: number | null): void {
  if (pageSize !== null && pageSize > MAX_ANONYMOUS_PAGE_SIZE) {
    throw new ApiError('unauthorized_page_size', `Ensure this value is less than or equal to ${MAX_ANONYMOUS_PAGE_SIZE}.`);
  }
}
