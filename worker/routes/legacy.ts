/**
 * Legacy paths of the Openverse API (§1.3): permanent redirects to their successors and
 * the discontinued `/v1/link/` shortener. Not part of the OpenAPI document.
 *
 * Mount this before `appendTrailingSlash()`: that middleware turns any 404 of a GET to
 * a path without a trailing slash into a redirect, and these paths have none, so the
 * JSON 404 for a bad legacy identifier would otherwise become a redirect to a 404.
 */
import type { Context, Hono } from 'hono';
import { IDENTIFIER_PATTERN } from '../../model/record.js';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../types.js';

/** Django's `RedirectView` answers every method with the redirect. */
function redirect(c: Context<AppEnv>, location: string) {
  return c.redirect(location, 301);
}

/**
 * The original reversed the successor's URL, which fails for anything but a lowercase
 * UUID v4 and answered 500; here that is a JSON 404.
 */
function identifierOrNotFound(value: string): string {
  if (!IDENTIFIER_PATTERN.test(value)) throw ApiError.notFound();
  return value;
}

const GONE = { error: 'Gone', reason: 'This API endpoint has been discontinued.' };

export function registerLegacy(app: Hono<AppEnv>) {
  // These match only without the trailing slash; the slashed forms fall through to 404.
  app.all('/v1/sources', (c) => redirect(c, '/v1/images/stats/'));
  app.all('/v1/recommendations/images/:identifier', (c) =>
    redirect(c, `/v1/images/${identifierOrNotFound(c.req.param('identifier'))}/related/`),
  );
  app.all('/v1/oembed', (c) => redirect(c, `/v1/images/oembed/${new URL(c.req.url).search}`));
  app.all('/v1/thumbs/:identifier', (c) => redirect(c, `/v1/images/${identifierOrNotFound(c.req.param('identifier'))}/thumb/`));

  // Django's APPEND_SLASH redirects every method here (§1.3), not only GET and HEAD.
  app.all('/v1/link', (c) => redirect(c, `/v1/link/${new URL(c.req.url).search}`));
  app.all('/v1/link/*', () => {
    throw new ApiError('gone', GONE.reason, undefined, GONE);
  });
  return app;
}
