/**
 * The one validation hook of every route: zod issues become Openverse's error shapes.
 * A malformed path identifier is a 404 (it matches no route in the original, §1.3);
 * an anonymous `page_size` over the limit is a 401 before any other error (§3.2).
 */
import type { OpenAPIHonoOptions } from '@hono/zod-openapi';
import { ApiError, type FieldErrors } from './errors.js';
import { rawInt } from './routes/media/params.js';
import { isAuthenticated } from './auth/caller.js';
import { checkSearchRules, enforcePageSize } from './routes/media/request.js';
import type { AppEnv } from './types.js';

export const validationHook: NonNullable<OpenAPIHonoOptions<AppEnv>['defaultHook']> = (result, c) => {
  // The 401 comes first, whether or not other parameters are valid.
  if (result.target === 'query') enforcePageSize(rawInt(c.req.queries('page_size')), isAuthenticated(c.get('caller')));
  if (result.success) return;
  if (result.target === 'param') throw ApiError.notFound();
  throw ApiError.validation(fieldErrors(result.error.issues));
};

/**
 * The hook of the media routes: every one of them validates the search parameters
 * (§2.3), so the rules across parameters (deprecated names, `source` with
 * `excluded_source`) run here too, once the fields themselves are valid (§3.2).
 */
export const mediaValidationHook: typeof validationHook = (result, c) => {
  validationHook(result, c);
  if (result.target === 'query') checkSearchRules(c.req.url);
};

function fieldErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of issues) {
    const key = issue.path.length ? String(issue.path[0]) : 'non_field_errors';
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}
