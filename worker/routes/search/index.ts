/**
 * `/v1/search/`: one search over images and audio together (issue #20), an extension
 * of Edgeverse. Validated like the media searches (the same hook: the anonymous page
 * size, `source` with `excluded_source`, deprecated names).
 */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { cachedJson } from '../../cache/search-cache.js';
import { searchAllMedia } from '../../search/all-search.js';
import type { AppEnv } from '../../types.js';
import { mediaValidationHook } from '../../validation.js';
import { deadLinkFilter } from '../media/dead-links.js';
import { searchContextOf } from '../media/request.js';
import { AllSearchQuerySchema, AllSearchResponseSchema, ERRORS } from '../media/schema.js';

export function createAllSearchApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: mediaValidationHook });
  const route = createRoute({
    method: 'get',
    path: '/search/',
    operationId: 'search',
    tags: ['search'],
    summary: 'Search images and audio together',
    description:
      'One ranking over images and audio (an extension of Edgeverse): each result carries `media_type` and the fields of its kind, as in `/v1/images/` and `/v1/audio/`. The shared parameters apply to both; `aspect_ratio`, `size` and image categories narrow the images only, `length` and audio categories the audio only; `peaks` adds waveforms to audio results. `result_count` counts both.',
    request: { query: AllSearchQuerySchema },
    responses: {
      200: {
        description: 'A page of results of both media types.',
        content: { 'application/json': { schema: AllSearchResponseSchema } },
      },
      400: ERRORS.invalidParameter,
      401: ERRORS.pageSizeNeedsKey,
      503: ERRORS.engineUnavailable,
    },
  });
  app.openapi(route, async (c) => {
    const params = c.req.valid('query');
    const deadLinks = deadLinkFilter(c, `all search ${JSON.stringify(params)}`, params.filter_dead);
    return cachedJson(c, { mediaType: 'all', route: 'search', params, kind: 'search' }, async () => {
      const body = await searchAllMedia(params, searchContextOf(c, deadLinks.links));
      deadLinks.done();
      return body;
    });
  });
  return app;
}
