/**
 * Request-level rules shared by the media routes.
 */
import type { Context } from 'hono';
import { isAuthenticated } from '../../auth/caller.js';
import { peaksFor } from '../../db/waveforms.js';
import { ApiError } from '../../errors.js';
import type { LinkVerdicts } from '../../search/live-window.js';
import type { SearchContext } from '../../search/media-search.js';
import type { AppEnv } from '../../types.js';
import { MAX_ANONYMOUS_PAGE_SIZE } from './schema.js';

/** Scheme + host of the request: the base of every hyperlink in results (§2.6). */
export function baseUrlOf(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
}

/** What a search-like route searches with: the request's engine, index prefix, origin, caller and stored peaks. */
export function searchContextOf(c: Context<AppEnv>, links?: LinkVerdicts): SearchContext {
  return {
    engine: c.get('engine'),
    indexPrefix: c.get('config').INDEX_PREFIX,
    baseUrl: baseUrlOf(c.req.url),
    authenticated: isAuthenticated(c.get('caller')),
    peaksFor: (ids) => peaksFor(c.get('db')(), ids),
    links,
  };
}

/**
 * Anonymous callers get at most 20 results a page; more is a 401 (not a 400) so that
 * clients know an API key lifts the limit (§3.2). Checked once, in the validation hook,
 * for every route that takes the search parameters (§2.3).
 */
export function enforcePageSize(pageSize: number | null, authenticated: boolean): void {
  if (!authenticated && pageSize !== null && pageSize > MAX_ANONYMOUS_PAGE_SIZE) {
    throw new ApiError('unauthorized_page_size', `Ensure this value is less than or equal to ${MAX_ANONYMOUS_PAGE_SIZE}.`);
  }
}

const DEPRECATED: Record<string, string> = { li: 'license', lt: 'license_type', pagesize: 'page_size', provider: 'source' };

/**
 * Rules across parameters, checked once every field is valid (§3.2 step 2): deprecated
 * names, then `source` with `excluded_source`. Raw query keys are used, so a parameter
 * present with an empty value still counts.
 */
export function checkSearchRules(url: string): void {
  const keys = new Set(new URL(url).searchParams.keys());
  const fields: Record<string, string[]> = {};
  for (const [old, successor] of Object.entries(DEPRECATED)) {
    if (keys.has(old)) fields[old] = [`Parameter '${old}' is deprecated in this release of the API. Use '${successor}' instead.`];
  }
  if (Object.keys(fields).length) throw ApiError.validation(fields);
  if (keys.has('source') && keys.has('excluded_source')) {
    throw ApiError.validation({
      non_field_errors: ["Cannot set both 'source' and 'excluded_source'. Use exactly one of these."],
    });
  }
}
