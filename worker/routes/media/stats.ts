import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { MEDIA_PATH, type MediaType } from '../../../model/record.js';
import { listVisibleSources, type SourceRow } from '../../db/sources.js';
import { PUBLIC_CACHE_CONTROL } from '../../cache/policy.js';
import { ApiError } from '../../errors.js';
import { sourceCounts } from '../../search/source-counts.js';
import type { AppEnv } from '../../types.js';
import { ERRORS, errorResponse, searchQuerySchemaOf } from './schema.js';

export const SourceStatsSchema = z
  .object({
    source_name: z.string().openapi({ description: 'The source identifier, as `source` in results and the `source` filter.' }),
    display_name: z.string(),
    source_url: z.string().nullable(),
    logo_url: z.string().nullable(),
    media_count: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'Works from this source in the index, mature ones included; null when there are none.' }),
  })
  .strict()
  .openapi('SourceStats');

const EXAMPLES = {
  image: [
    { source_name: 'flickr', display_name: 'Flickr', source_url: 'https://www.flickr.com', logo_url: null, media_count: 2500 },
    {
      source_name: 'wikimedia',
      display_name: 'Wikimedia Commons',
      source_url: 'https://commons.wikimedia.org',
      logo_url: null,
      media_count: 1200,
    },
  ],
  audio: [
    { source_name: 'freesound', display_name: 'Freesound', source_url: 'https://freesound.org', logo_url: null, media_count: 310 },
    { source_name: 'jamendo', display_name: 'Jamendo', source_url: 'https://www.jamendo.com', logo_url: null, media_count: 540 },
  ],
} satisfies Record<MediaType, z.infer<typeof SourceStatsSchema>[]>;

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function registerStats(app: OpenAPIHono<AppEnv>, mediaType: MediaType) {
  const plural = MEDIA_PATH[mediaType];
  const route = createRoute({
    method: 'get',
    path: `/${plural}/stats/`,
    operationId: `${mediaType}_stats`,
    tags: [plural],
    summary: `Sources of ${plural}, with counts`,
    description:
      `Every source of ${plural} that is not hidden, sorted by \`source_name\`, with the number of works the live index holds from it. ` +
      'A plain array, not paginated. Search parameters are validated here too (§2.3).',
    request: { query: searchQuerySchemaOf(mediaType) },
    responses: {
      200: {
        description: 'The sources.',
        content: { 'application/json': { schema: z.array(SourceStatsSchema), example: EXAMPLES[mediaType] } },
      },
      400: ERRORS.invalidParameter,
      401: ERRORS.pageSizeNeedsKey,
      503: errorResponse('The database or the search engine is unavailable.', {
        detail: 'The database is unavailable. Try again shortly.',
      }),
    },
  });
  app.openapi(route, async (c) => {
    const readSources = async (): Promise<SourceRow[]> => {
      try {
        return await listVisibleSources(c.get('db')(), mediaType);
      } catch (err) {
        c.get('log').error('stats: sources read failed', { error: (err as Error).message });
        throw new ApiError('database_unavailable', 'The database is unavailable. Try again shortly.');
      }
    };
    const [sources, counts] = await Promise.all([readSources(), sourceCounts(c.get('engine'), mediaType, c.get('config').INDEX_PREFIX)]);
    const body = sources
      .map((s) => ({
        source_name: s.provider_identifier,
        display_name: s.provider_name,
        source_url: s.domain_name,
        logo_url: s.logo_url,
        media_count: counts[s.provider_identifier] ?? null,
      }))
      .sort((a, b) => byCodePoint(a.source_name, b.source_name));
    c.header('Cache-Control', PUBLIC_CACHE_CONTROL.stats);
    return c.json(body, 200);
  });
  return app;
}
