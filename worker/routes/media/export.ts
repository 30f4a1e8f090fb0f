/**
 * `GET /v1/{images,audio}/export/` (issue #18, API keys only): every matching work as
 * NDJSON in the result shape, from Postgres in identifier order (worker/export/stream.ts),
 * gzip-compressed when the client accepts it, metered per key per UTC day
 * (`EXPORT_ROWS_PER_DAY`, `X-Export-Rows-Remaining`).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { MEDIA_PATH, type MediaType } from '../../../model/record.js';
import { mediaResult } from '../../../model/result.js';
import { exportedToday } from '../../db/export.js';
import { createDb } from '../../db/neon-config.js';
import type { Database } from '../../db/media.js';
import { ApiError } from '../../errors.js';
import { EXPORT_ROWS_PER_RESPONSE, exportStream } from '../../export/stream.js';
import { licensesAsked } from '../../search/query.js';
import type { AppEnv } from '../../types.js';
import { baseUrlOf } from './request.js';
import { ERRORS, errorResponse, exportQuerySchemaOf, resultSchemaOf } from './schema.js';

/** Rows a key may export per UTC day unless `EXPORT_ROWS_PER_DAY` says otherwise. */
export const DEFAULT_EXPORT_ROWS_PER_DAY = 1_000_000;

export function registerExport(app: OpenAPIHono<AppEnv>, mediaType: MediaType) {
  const plural = MEDIA_PATH[mediaType];
  const trailer = z
    .object({
      export: z.object({
        status: z.enum(['complete', 'budget_exhausted', 'partial', 'error']),
        rows: z.number().int(),
        last_id: z.string().nullable().optional(),
        resume_after: z.string().nullable().optional(),
        detail: z.string().optional(),
      }),
    })
    .openapi(`${mediaType === 'image' ? 'Image' : 'Audio'}ExportTrailer`);
  const route = createRoute({
    method: 'get',
    path: `/${plural}/export/`,
    operationId: `${mediaType}_export`,
    tags: [plural],
    summary: `Export ${plural} (API keys)`,
    description: `Every matching ${mediaType === 'image' ? 'image' : 'track'} as NDJSON (one result per line, the search result shape), in identifier order, ending with one trailer line \`{"export": {"status": …}}\`: \`complete\`, \`partial\` (a response sends at most \`EXPORT_ROWS_PER_RESPONSE\` rows, ${EXPORT_ROWS_PER_RESPONSE} by default: continue at once with \`after=resume_after\`), \`budget_exhausted\` (the key's daily row budget is spent: resume tomorrow with \`after=resume_after\`) or \`error\` (resume with \`after=resume_after\`). A stream without a trailer was cut: resume after the last id received. Sent gzip-compressed when \`Accept-Encoding\` allows it. \`X-Export-Rows-Remaining\`: the key's budget left today when the export started.`,
    security: [{ bearer: [] }],
    request: { query: exportQuerySchemaOf(mediaType) },
    responses: {
      200: {
        description: 'NDJSON: results, then the trailer line.',
        headers: {
          'X-Export-Rows-Remaining': {
            schema: { type: 'integer' },
            description: 'Rows the key may still export today (UTC) as the export started.',
          },
        },
        content: {
          'application/x-ndjson': {
            schema: z.union([resultSchemaOf(mediaType), trailer]),
            example: {
              export: {
                status: 'budget_exhausted',
                rows: 1000,
                resume_after: '4bc43a04-ef46-4544-a0c1-63c63f56e276',
                detail:
                  "This key's daily export budget (1000 rows) is spent. Resume tomorrow (UTC) with after=4bc43a04-ef46-4544-a0c1-63c63f56e276.",
              },
            },
          },
        },
      },
      400: ERRORS.invalidParameter,
      401: errorResponse('Exports need an API key.', { detail: 'Exports need an API key (Authorization: Bearer <token>).' }),
      429: errorResponse("The key's daily export budget is spent.", {
        detail: "This key's daily export budget (1000000 rows) is spent; it renews at 00:00 UTC.",
      }),
      503: ERRORS.databaseUnavailable,
    },
  });
  // The document describes `route`; the handler is bound to a twin whose 200 names no
  // content type: @hono/zod-openapi types `application/x-ndjson` (an `application/…json`
  // that is not JSON) as a response no value can have, and a route with a body-less
  // status lets the handler return a plain Response (it needs `encodeBody`).
  app.openAPIRegistry.registerPath(route);
  const served = { ...route, hide: true, responses: { ...route.responses, 200: { description: route.responses[200].description } } };
  app.openapi(served, async (c) => {
    const params = c.req.valid('query');
    const application = c.get('caller')?.application;
    if (!application) throw new ApiError('unauthorized_client', 'Exports need an API key (Authorization: Bearer <token>).');
    const config = c.get('config');
    const budget = config.EXPORT_ROWS_PER_DAY ?? DEFAULT_EXPORT_ROWS_PER_DAY;
    const remaining = Math.max(0, budget - (await exportedToday(c.get('db')(), application.client_id)));
    c.header('X-Export-Rows-Remaining', String(remaining));
    if (remaining === 0)
      throw new ApiError('throttled', `This key's daily export budget (${budget} rows) is spent; it renews at 00:00 UTC.`);
    const baseUrl = baseUrlOf(c.req.url);
    const log = c.get('log');
    const sensitivity = params.unstable__include_sensitive_results;
    const body = exportStream({
      mediaType,
      filter: {
        licenses: licensesAsked(params),
        source: params.source,
        excludedSource: params.excluded_source,
        category: params.category,
        includeSensitive: params.mature || sensitivity,
      },
      after: params.after ?? null,
      clientId: application.client_id,
      budget,
      maxRows: config.EXPORT_ROWS_PER_RESPONSE ?? EXPORT_ROWS_PER_RESPONSE,
      open: () => {
        const conn = createDb(config.DATABASE_URL, {
          wsProxy: config.NEON_WS_PROXY,
          max: 1,
          connectionTimeoutMillis: 5000,
          onError: (err) => log.warn('export connection error', { error: err.message }),
        });
        return { db: conn.db as unknown as Database, close: conn.close };
      },
      serialize: (record) => mediaResult(mediaType, record, { baseUrl, fieldsMatched: [], sensitivity }),
      onError: (err) => log.error('export failed', { error: err.message }),
    });
    // Cloudflare rewrites `Accept-Encoding` on the way in; `cf.clientAcceptEncoding` keeps what the client sent.
    const accepted = (c.req.raw.cf?.clientAcceptEncoding as string | undefined) ?? c.req.header('accept-encoding') ?? '';
    const gzip = /\bgzip\b/i.test(accepted);
    const headers = new Headers(c.res.headers);
    headers.set('Content-Type', 'application/x-ndjson; charset=UTF-8');
    headers.set('Cache-Control', 'private, no-store');
    headers.set('Vary', 'Accept-Encoding, Authorization');
    if (gzip) headers.set('Content-Encoding', 'gzip');
    // `manual`: the body is already compressed; the runtime must not encode it again
    // (`c.body` cannot say so).
    const stream = gzip ? body.pipeThrough(new CompressionStream('gzip')) : body;
    return new Response(stream, { status: 200, headers, encodeBody: 'manual' });
  });
  return app;
}
