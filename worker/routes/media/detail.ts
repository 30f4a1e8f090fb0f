import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { MEDIA_PATH, type MediaType } from '../../../model/record.js';
import { mediaResult } from '../../../model/result.js';
import { findRecord } from '../../db/media.js';
import { peaksFor } from '../../db/waveforms.js';
import { PUBLIC_CACHE_CONTROL } from '../../cache/policy.js';
import { ApiError } from '../../errors.js';
import type { AppEnv } from '../../types.js';
import { baseUrlOf } from './request.js';
import { ERRORS, IdParamSchema, resultSchemaOf, searchQuerySchemaOf } from './schema.js';

export function registerDetail(app: OpenAPIHono<AppEnv>, mediaType: MediaType) {
  const plural = MEDIA_PATH[mediaType];
  const route = createRoute({
    method: 'get',
    path: `/${plural}/{identifier}/`,
    operationId: `${mediaType}_detail`,
    tags: [plural],
    summary: `Get one ${mediaType === 'image' ? 'image' : 'audio track'}`,
    description: 'The record as stored, including mature works. Search parameters are validated here too (§2.3).',
    request: { params: IdParamSchema, query: searchQuerySchemaOf(mediaType) },
    responses: {
      200: { description: 'The record.', content: { 'application/json': { schema: resultSchemaOf(mediaType) } } },
      400: ERRORS.invalidParameter,
      401: ERRORS.pageSizeNeedsKey,
      404: ERRORS.notFound('No record has this identifier.'),
      503: ERRORS.databaseUnavailable,
    },
  });
  app.openapi(route, async (c) => {
    const { identifier } = c.req.valid('param');
    // A database outage surfaces as a 503 from the app's error mapper.
    const record = await findRecord(c.get('db')(), mediaType, identifier);
    if (!record) throw ApiError.notFound();
    c.header('Cache-Control', PUBLIC_CACHE_CONTROL.detail);
    const query = c.req.valid('query') as { peaks?: boolean };
    const peaks = mediaType === 'audio' && query.peaks ? ((await peaksFor(c.get('db')(), [identifier])).get(identifier) ?? []) : undefined;
    return c.json(mediaResult(mediaType, record, { baseUrl: baseUrlOf(c.req.url), peaks }), 200);
  });
  return app;
}
