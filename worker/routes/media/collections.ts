import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { MEDIA_PATH, type MediaType } from '../../../model/record.js';
import { cachedJson } from '../../cache/search-cache.js';
import { searchMedia } from '../../search/media-search.js';
import type { Collection } from '../../search/query.js';
import type { AppEnv } from '../../types.js';
import { deadLinkFilter } from './dead-links.js';
import { searchContextOf } from './request.js';
import { ERRORS, searchQuerySchemaOf, searchResponseSchemaOf } from './schema.js';

const segment = (name: string, description: string, example: string) =>
  z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name, in: 'path' }, description, example });

/**
 * Collection endpoints of the newer Openverse API: every work with a tag, from a source,
 * or by a creator at a source, newest first. The search filters apply on top.
 */
export function registerCollections(app: OpenAPIHono<AppEnv>, mediaType: MediaType) {
  const plural = MEDIA_PATH[mediaType];
  const query = searchQuerySchemaOf(mediaType);
  const responses = {
    200: { description: 'A page of the collection.', content: { 'application/json': { schema: searchResponseSchemaOf(mediaType) } } },
    400: ERRORS.invalidParameter,
    401: ERRORS.pageSizeNeedsKey,
    503: ERRORS.engineUnavailable,
  };
  const collections = [
    {
      path: `/${plural}/tag/{tag}/`,
      operationId: `${mediaType}_tag_collection`,
      summary: `${plural} with a tag`,
      params: z.object({ tag: segment('tag', 'The tag name (exact, case-insensitive).', 'nature') }),
    },
    {
      path: `/${plural}/source/{source}/`,
      operationId: `${mediaType}_source_collection`,
      summary: `${plural} from a source`,
      params: z.object({
        source: segment('source', 'The source, as `source_name` in `/stats/`.', mediaType === 'image' ? 'flickr' : 'jamendo'),
      }),
    },
    {
      path: `/${plural}/source/{source}/creator/{creator}/`,
      operationId: `${mediaType}_creator_collection`,
      summary: `${plural} by a creator at a source`,
      params: z.object({
        source: segment('source', 'The source, as `source_name` in `/stats/`.', mediaType === 'image' ? 'flickr' : 'jamendo'),
        creator: segment('creator', 'The creator name, exactly as in results.', 'Jane Doe'),
      }),
    },
  ];
  for (const def of collections) {
    const route = createRoute({
      method: 'get',
      path: def.path,
      operationId: def.operationId,
      tags: [plural],
      summary: def.summary,
      request: { params: def.params, query },
      responses,
    });
    app.openapi(route, async (c) => {
      const params = c.req.valid('query');
      const path = c.req.valid('param') as Collection;
      const collection: Collection = {
        tag: path.tag?.toLowerCase(),
        source: path.source?.toLowerCase(),
        creator: path.creator,
      };
      const route = `collection:${JSON.stringify(collection)}`;
      const deadLinks = deadLinkFilter(c, `${mediaType} ${route} ${JSON.stringify(params)}`, params.filter_dead);
      return cachedJson(c, { mediaType, route, params, kind: 'search' }, async () => {
        const body = await searchMedia(mediaType, params, { ...searchContextOf(c, deadLinks.links), collection });
        deadLinks.done();
        return body;
      });
    });
  }
}
