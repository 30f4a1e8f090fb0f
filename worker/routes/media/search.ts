import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { MEDIA_PATH, type MediaType } from '../../../model/record.js';

import { isAuthenticated } from '../../auth/caller.js';
import { cachedJson, servedGeneration } from '../../cache/search-cache.js';
import { ApiError } from '../../errors.js';
import { bindingOf, openWalk } from '../../search/cursor.js';
import { searchMedia } from '../../search/media-search.js';
import type { AppEnv } from '../../types.js';
import { deadLinkFilter } from './dead-links.js';
import { searchContextOf } from './request.js';
import { ERRORS, searchResponseSchemaOf, searchRouteQuerySchemaOf } from './schema.js';

export function registerSearch(app: OpenAPIHono<AppEnv>, mediaType: MediaType) {
  const plural = MEDIA_PATH[mediaType];
  const route = createRoute({
    method: 'get',
    path: `/${plural}/`,
    operationId: `${mediaType}_search`,
    tags: [plural],
    summary: `Search ${plural}`,
    description: `Search openly licensed ${plural} by text. Results are ranked by relevance, then popularity.`,
    request: { query: searchRouteQuerySchemaOf(mediaType) },
    responses: {
      200: { description: 'A page of results.', content: { 'application/json': { schema: searchResponseSchemaOf(mediaType) } } },
      400: ERRORS.invalidParameter,
      401: ERRORS.pageSizeNeedsKey,
      410: ERRORS.cursorGone,
      503: ERRORS.engineUnavailable,
    },
  });
  app.openapi(route, async (c) => {
    const params = c.req.valid('query');
    const config = c.get('config');
    const authenticated = isAuthenticated(c.get('caller'));
    if (params.cursor !== undefined && !authenticated) throw new ApiError('unauthorized_client', 'A `cursor` needs an API key.');
    // Key holders walk with cursors (issue #18); checked before the engine is asked.
    const walk = authenticated
      ? await openWalk(
          config.CURSOR_SECRET ?? config.DATABASE_URL,
          { mediaType, generation: await servedGeneration(c, mediaType), query: await bindingOf(params) },
          params.cursor,
        )
      : undefined;
    const deadLinks = deadLinkFilter(c, `${mediaType} search ${JSON.stringify(params)}`, params.filter_dead);
    // Key holders' answers carry `next_cursor` (bound to the query and generation, not to
    // the key): cached apart from anonymous answers, shared between key holders.
    return cachedJson(c, { mediaType, route: authenticated ? 'search:keyed' : 'search', params, kind: 'search' }, async () => {
      const body = await searchMedia(mediaType, params, { ...searchContextOf(c, deadLinks.links), walk });
      deadLinks.done();
      return body;
    });
  });
  return app;
}
