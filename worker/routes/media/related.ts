import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { MEDIA_PATH, type MediaType } from '../../../model/record.js';
import { ApiError } from '../../errors.js';
import { RELATED_PAGE_SIZE, relatedMedia } from '../../search/related.js';
import { cachedJson } from '../../cache/search-cache.js';
import type { AppEnv } from '../../types.js';
import { baseUrlOf } from './request.js';
import { ERRORS, IdParamSchema, searchQuerySchemaOf, searchResponseSchemaOf } from './schema.js';

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
      400: ERRORS.invalidParameter,
      401: ERRORS.pageSizeNeedsKey,
      404: ERRORS.notFound(
        `No ${mediaType === 'image' ? 'image' : 'audio track'} in the index has this identifier, or it is not a lowercase UUID v4.`,
      ),
      503: ERRORS.engineUnavailable,
    },
  });
  app.openapi(route, async (c) => {
    const { identifier } = c.req.valid('param');
    const params = c.req.valid('query');
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
    });
  });
  return app;
}
