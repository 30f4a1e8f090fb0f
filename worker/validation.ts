/**
 * The one validation hook of every route: zod issues become Openverse's error shapes.
 * A malformed path identifier is a 404 (it matches no route in the original, §1.3);
 * an anonymous `page_size` over the limit is a 401 before any other error (§3.2).
 */
import type { OpenAPIHonoOptions } from '@hono/zod-openapi';
import { ApiError, type FieldErrors } from './errors.js';
import { rawInt } from './routes/media/params.js';
import { isAuthenticated } from './auth/caller.js';
import { enforcePageSize } from './routes/media/request.js';
import type { AppEnv } from './types.js';

export const validationHook: NonNullable<OpenAPIHonoOptions<AppEnv>['defaultHook']> = (result, c) => {
  // The 401 comes first, whether or not other parameters are valid.
  if (result.target === 'query') enforcePageSize(rawInt(c.req.queries('page_size')), isAuthenticated(c.get('caller')));
  if (result.success) return;
  if (result.target === 'param') throw ApiError.notFound();
  const fields: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : 'non_field_errors';
    (fields[key] ??= []).push(issue.message);
  }
  throw ApiError.validation(fields);
};
