import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { MEDIA_PATH, type MediaType } from '../../../model/record.js';

import { cachedJson } from '../../cache/search-cache.js';
import { peaksFor } from '../../db/waveforms.js';
import { searchMedia } from '../../search/media-search.js';
import { isAuthenticated } from '../../auth/caller.js';
import type { AppEnv } from '../../types.js';
import { deadLinkFilter } from './dead-links.js';
import { baseUrlOf, checkSearchRules } from './request.js';
import { ErrorSchema, MAX_ANONYMOUS_PAGE_SIZE, searchQuerySchemaOf, searchResponseSchemaOf } from './schema.js';

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
      400: { description: 'A parameter is invalid; `detail` names it.', content: { 'application/json': { schema: ErrorSchema } } },
      401: {
        description: `\`page_size\` above ${MAX_ANONYMOUS_PAGE_SIZE} without an API key.`,
        content: { 'application/json': { schema: ErrorSchema } },
      },
      503: { description: 'The search engine is unavailable.', content: { 'application/json': { schema: ErrorSchema } } },
    },
  });
  app.openapi(route, async (c) => {
    const params = c.req.valid('query');
    checkSearchRules(c.req.url);
    const config = c.get('config');
    const deadLinks = deadLinkFilter(c, `${mediaType} search ${JSON.stringify(params)}`, params.filter_dead);
    return cachedJson(c, { mediaType, route: 'search', params, kind: 'search' }, async () => {
      const body = await searchMedia(mediaType, params, {
        engine: c.get('engine'),
        indexPrefix: config.INDEX_PREFIX,
        baseUrl: baseUrlOf(c.req.url),
        authenticated: isAuthenticated(c.get('caller')),
        peaksFor: (ids) => peaksFor(c.get('db')(), ids),
        links: deadLinks.links,
      });
      deadLinks.done();
      return body;
    }) as never;
  });
  return app;
}

