import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { MEDIA_PATH, type MediaType } from '../../../model/record.js';

import { cachedJson } from '../../cache/search-cache.js';
import { searchMedia } from '../../search/media-search.js';
import type { AppEnv } from '../../types.js';
import { deadLinkFilter } from './dead-links.js';
import { searchContextOf } from './request.js';
import { ERRORS, searchQuerySchemaOf, searchResponseSchemaOf } from './schema.js';

export function registerSearch(app: OpenAPIHono<AppEnv>, mediaType: MediaType) {
  const plural = MEDIA_PATH[mediaType];
  const route = createRoute({
    method: 'get',
    path: `/${plural}/`,
    operationId: `${mediaType}_search`,
    tags: [plural],
    summary: `Search ${plural}`,
    description: `Search openly licensed ${plural} by text. Results are ranked by relevance, then popularity.`,
    request: { query: searchQuerySchemaOf(mediaType) },
    responses: {
      200: { description: 'A page of results.', content: { 'application/json': { schema: searchResponseSchemaOf(mediaType) } } },
      400: ERRORS.invalidParameter,
      401: ERRORS.pageSizeNeedsKey,
      503: ERRORS.engineUnavailable,
    },
  });
  app.openapi(route, async (c) => {
    const params = c.req.valid('query');
    const deadLinks = deadLinkFilter(c, `${mediaType} search ${JSON.stringify(params)}`, params.filter_dead);
    return cachedJson(c, { mediaType, route: 'search', params, kind: 'search' }, async () => {
      const body = await searchMedia(mediaType, params, searchContextOf(c, deadLinks.links));
      deadLinks.done();
      return body;
    });
  });
  return app;
}
