import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { MEDIA_PATH, type MediaType } from '../../../model/record.js';
import { liveIndexName } from '../../../model/search-index.js';
import { cachedJson } from '../../cache/search-cache.js';
import { MAX_SUGGESTIONS, suggest } from '../../search/suggest.js';
import type { AppEnv } from '../../types.js';
import { ERRORS, errorResponse, SuggestQuerySchema, SuggestResponseSchema } from './schema.js';

/** Completions of what is typed in a search box, from the titles and tags of the live index (issue #20). */
export function registerSuggest(app: OpenAPIHono<AppEnv>, mediaType: MediaType) {
  const plural = MEDIA_PATH[mediaType];
  const route = createRoute({
    method: 'get',
    path: `/${plural}/suggest/`,
    operationId: `${mediaType}_suggest`,
    tags: [plural],
    summary: `Suggest ${plural} searches`,
    description: `Up to ${MAX_SUGGESTIONS} completions of \`q\` drawn from the titles and tags of ${plural} every caller may see: the last word completed (typos tolerated: \`montain\` finds mountain), whole tags too. An extension of Edgeverse.`,
    request: { query: SuggestQuerySchema },
    responses: {
      200: { description: 'Completions, most likely first.', content: { 'application/json': { schema: SuggestResponseSchema } } },
      400: errorResponse('`q` is missing, empty or too long; `detail` names it.', { detail: { q: ['This field is required.'] } }),
      503: ERRORS.engineUnavailable,
    },
  });
  app.openapi(route, async (c) => {
    const { q } = c.req.valid('query');
    const index = liveIndexName(mediaType, c.get('config').INDEX_PREFIX);
    return cachedJson(c, { mediaType, route: 'suggest', params: { q }, kind: 'search' }, async () => ({
      suggestions: await suggest(c.get('engine'), [index], q!),
    }));
  });
  return app;
}
