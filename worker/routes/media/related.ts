import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { MEDIA_PATH, type MediaType } from '../../../model/record.js';
import { ApiError } from '../../errors.js';
import { RELATED_PAGE_SIZE, relatedMedia } from '../../search/related.js';
import { cachedJson } from '../../cache/search-cache.js';
import type { AppEnv } from '../../types.js';
import { baseUrlOf, checkSearchRules } from './request.js';
import { ErrorSchema, IdParamSchema, MAX_ANONYMOUS_PAGE_SIZE, searchQuerySchemaOf, searchResponseSchemaOf } from './schema.js';

export function registerRelated(app: OpenAPIHono<AppEnv>, mediaType: MediaType) {
  const plural = MEDIA_PATH[mediaType];
  const route = createRoute({
    method: 'get',
    path: `/${plural}/{identifier}/related/`,
    operationId: `${mediaType}_related`,
    tags: [plural],
    summary: `${mediaType === 'image' ? 'Images' : 'Audio tracks'} related to one`,
    description:
      `Up to ${RELATED_PAGE_SIZE} ${plural} sharing title words or tags with the given one, most similar first. ` +
      'Never the work itself, never mature works. One page: `page_count` is 1 and `page_size` 10. ' +
      'Search parameters are validated here too (§2.3) but do not filter the results.',
    request: { params: IdParamSchema, query: searchQuerySchemaOf(mediaType) },
    responses: {
      200: {
        description: 'The related works.',
        content: {
          'application/json': {
            schema: searchResponseSchemaOf(mediaType),
            example: { result_count: 0, page_count: 1, page_size: RELATED_PAGE_SIZE, page: 1, results: [] },
          },
        },
      },
      400: {
        description: 'A search parameter is invalid; `detail` names it.',
        content: { 'application/json': { schema: ErrorSchema, example: { detail: { page: ['A valid integer is required.'] } } } },
      },
      401: {
        description: `\`page_size\` above ${MAX_ANONYMOUS_PAGE_SIZE} without an API key.`,
        content: {
          'application/json': { schema: ErrorSchema, example: { detail: `Ensure this value is less than or equal to ${MAX_ANONYMOUS_PAGE_SIZE}.` } },
        },
      },
      404: {
        description: `No ${mediaType === 'image' ? 'image' : 'audio track'} in the index has this identifier, or it is not a lowercase UUID v4.`,
        content: { 'application/json': { schema: ErrorSchema, example: { detail: 'Not found.' } } },
      },
      503: {
        description: 'The search engine is unavailable.',
        content: { 'application/json': { schema: ErrorSchema, example: { detail: 'The search engine is unavailable. Try again shortly.' } } },
      },
    },
  });
  app.openapi(route, async (c) => {
    const { identifier } = c.req.valid('param');
    const params = c.req.valid('query');
    checkSearchRules(c.req.url);
    return cachedJson(c, { mediaType, route: `related:${identifier}`, params, kind: 'related' }, async () => {
      const body = await relatedMedia(mediaType, identifier, {
        engine: c.get('engine'),
        indexPrefix: c.get('config').INDEX_PREFIX,
        baseUrl: baseUrlOf(c.req.url),
        // §2.3: `peaks=true` adds the field; no peaks are stored yet, so `[]` (as search does).
        peaks: mediaType === 'audio' && 'peaks' in params && params.peaks ? [] : undefined,
      });
      // The original answered 500 "Could not find items." here (§7.2 quirk).
      if (!body) throw ApiError.notFound();
      return body;
    }) as never;
  });
  return app;
}
