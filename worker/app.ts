/**
 * Builds the API: middleware, the resource sub-apps, the OpenAPI document and the one
 * error mapper.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { appendTrailingSlash } from 'hono/trailing-slash';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { cors } from 'hono/cors';
import { etag } from 'hono/etag';
import { HTTPException } from 'hono/http-exception';
import { resolveCaller } from './auth/caller.js';
import { PUBLIC_CACHE_CONTROL } from './cache/policy.js';
import { ApiError, errorResponse } from './errors.js';
import { rateLimit } from './ratelimit/middleware.js';
import { createAuthApp } from './routes/auth/index.js';
import { createChangesApp } from './routes/changes/index.js';
import { registerInternal } from './routes/internal.js';
import { registerLegacy } from './routes/legacy.js';
import { redact } from './middleware/logger.js';
import { services } from './middleware/services.js';
import { limitBody } from './routes/body.js';
import { registerDocs } from './routes/docs.js';
import { registerHealthcheck } from './routes/health.js';
import { createMediaApp } from './routes/media/index.js';
import { createAllSearchApp } from './routes/search/index.js';
import type { AppEnv } from './types.js';
import { validationHook } from './validation.js';

export const API_VERSION = '0.1.0';

const etagMiddleware = etag();
const corsMiddleware = cors({ origin: '*', allowMethods: ['DELETE', 'GET', 'OPTIONS', 'PATCH', 'POST', 'PUT'], maxAge: 86_400 });

/**
 * SQLSTATEs that say the server cannot serve any query right now, whatever the query:
 * class 08 (connection exception), class 53 (insufficient resources, e.g. too many
 * connections) and 57P01–57P05 (shutting down, crashed, starting up or in recovery —
 * "the database system is starting up" is 57P03 —, database dropped, session timeout).
 */
const OUTAGE_SQLSTATE = /^(08|53|57P0)/;

/**
 * A query that failed without a Postgres error code never reached the database
 * (connection refused, dropped, timed out), and one refused with an outage code was
 * never run: both are an outage (503), not a bug (500).
 */
function isDatabaseUnreachable(err: Error): boolean {
  if (!(err instanceof DrizzleQueryError)) return false;
  const code = (err.cause as { code?: unknown } | undefined)?.code;
  return !(typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) || OUTAGE_SQLSTATE.test(code);
}
export const OPENAPI_PATH = '/v1/openapi.json';

export type OpenApiDocument = ReturnType<OpenAPIHono<AppEnv>['getOpenAPI31Document']>;

/**
 * The OpenAPI 3.1 document of an app made by `createApp`, with no `servers` (the route
 * names the request's origin). The typed client's types (client/schema.d.ts) are
 * generated from exactly this (scripts/client-generate.ts), without a running server.
 */
export function openApiDocumentOf(app: OpenAPIHono<AppEnv>): OpenApiDocument {
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Edgeverse API',
      version: API_VERSION,
      description:
        'Search openly licensed images and audio. Wire-compatible with the Openverse API v1: same paths, parameters, response fields and error shapes.',
      // OpenAPI 3.1's SPDX `identifier`, which the generator's 3.0 types lack.
      license: { name: 'MIT', identifier: 'MIT' } as { name: string },
    },
    servers: [],
  });
}

export function createApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use('*', services);
  // Before anything reads a body: every route, counted while streaming.
  app.use('*', limitBody);
  // Any origin may call the API (§2.5); preflights are answered before rate limiting.
  // A plain OPTIONS (no Access-Control-Request-Method) is not a preflight: routes answer it.
  app.use('*', (c, next) =>
    c.req.method === 'OPTIONS' && !c.req.header('access-control-request-method') ? next() : corsMiddleware(c, next),
  );
  // Strong ETags and 304 for a matching If-None-Match; thumbnails and exports stream instead.
  app.use('*', async (c, next) => (/\/(?:thumb|export)\/$/.test(c.req.path) ? next() : etagMiddleware(c, next)));
  app.use('*', resolveCaller);
  app.use('*', rateLimit);
  // Legacy paths have no trailing slash: matched before the slash-appending middleware.
  registerLegacy(app);
  registerInternal(app);
  // `/v1/images?q=dog` → 301 `/v1/images/?q=dog`, as Django's APPEND_SLASH does (§1.3).
  app.use('*', appendTrailingSlash());

  registerHealthcheck(app);
  registerDocs(app);
  // Sub-apps carry their full resource paths (`/images/…`): a `/` route mounted under a
  // prefix would lose the trailing slash the contract requires.
  app.route('/v1', createMediaApp('image'));
  app.route('/v1', createMediaApp('audio'));
  app.route('/v1', createAllSearchApp());
  app.route('/v1', createAuthApp());
  app.route('/v1', createChangesApp());

  // Generating the document costs ~15 ms of CPU and 125 KB: it is built once per app
  // (per isolate), on first use, and its text kept for the last origin asked (production
  // has one; `servers` names it). Shared caches keep it too.
  let openApiDocument: OpenApiDocument | undefined;
  let openApiText: { origin: string; text: string } | undefined;
  app.get(OPENAPI_PATH, (c) => {
    const origin = new URL(c.req.url).origin;
    if (openApiText?.origin !== origin) {
      openApiDocument ??= openApiDocumentOf(app);
      openApiText = { origin, text: JSON.stringify({ ...openApiDocument, servers: [{ url: origin }] }) };
    }
    return c.body(openApiText.text, 200, { 'Content-Type': 'application/json', 'Cache-Control': PUBLIC_CACHE_CONTROL.openapi });
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An access token from `POST /v1/auth_tokens/token/`.',
  });

  app.notFound((c) => c.json({ detail: 'Not found.' }, 404));

  app.onError((err, c) => {
    if (err instanceof ApiError) return errorResponse(c, err);
    // Hono's own request errors (e.g. a malformed JSON body): their status, JSON body.
    if (err instanceof HTTPException && err.status < 500) return c.json({ detail: err.message || 'Bad request.' }, err.status);
    if (isDatabaseUnreachable(err)) {
      c.get('log')?.error('database unreachable', { error: String((err as { cause?: Error }).cause?.message ?? err.message) });
      return errorResponse(c, new ApiError('database_unavailable', 'The database is unavailable. Try again shortly.'));
    }
    const log = c.get('log');
    const detail = { error: err.message, name: err.name };
    if (log) log.error('unhandled error', detail);
    else console.error(JSON.stringify({ level: 'error', msg: 'unhandled error', ...redact(detail) }));
    return c.json({ detail: 'An internal server error occurred.', request_id: c.get('requestId') ?? null }, 500);
  });

  return app;
}
