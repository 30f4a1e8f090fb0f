/**
 * Parameter and response schemas of the media routes: the contract (§3, §5), shared by
 * the route definitions, the OpenAPI document and the tests.
 */
import { z } from '@hono/zod-openapi';
import { IDENTIFIER_PATTERN, type MediaType } from '../../../model/record.js';
import { intParam, textParam } from './params.js';

/** Highest page anyone may request (`MAX_PAGINATION_DEPTH`). */
export const MAX_PAGE = 20;
export const MAX_ANONYMOUS_PAGE_SIZE = 20;
export const MAX_AUTHED_PAGE_SIZE = 500;
/** `q` longer than this is cut silently (§3.1). */
export const MAX_QUERY_LENGTH = 200;

export const SearchQuerySchema = z.object({
  q: textParam({
    truncate: MAX_QUERY_LENGTH,
    description:
      'Search query over titles, tags and descriptions. Quoted phrases match exactly. Longer than 200 characters is cut to 200.',
    example: 'dog',
  }),
  page: intParam({ min: 1, max: MAX_PAGE, default: 1, description: 'Page number, 1 to 20.' }),
  page_size: intParam({
    min: 1,
    max: MAX_AUTHED_PAGE_SIZE,
    default: 20,
    description: 'Results per page: at most 20 for anonymous callers (401 above), 500 with an API key.',
  }),
});

export type SearchQuery = z.infer<typeof SearchQuerySchema>;

export const IdParamSchema = z.object({
  identifier: z
    .string()
    .regex(IDENTIFIER_PATTERN)
    .openapi({
      param: { name: 'identifier', in: 'path' },
      description: 'The media identifier: a lowercase UUID v4.',
      example: '4bc43a04-ef46-4544-a0c1-63c63f56e276',
    }),
});

export const TagSchema = z.object({ name: z.string(), accuracy: z.number().nullable() }).openapi('Tag');

const common = {
  id: z.string().openapi({ example: '4bc43a04-ef46-4544-a0c1-63c63f56e276' }),
  title: z.string().nullable(),
  indexed_on: z.string().openapi({ description: 'When the work was added to the catalog (ISO 8601, UTC).' }),
  foreign_landing_url: z.string().nullable(),
  url: z.string().nullable(),
  creator: z.string().nullable(),
  creator_url: z.string().nullable(),
  license: z.string().openapi({ example: 'by-sa' }),
  license_version: z.string().nullable(),
  license_url: z.string(),
  provider: z.string().nullable(),
  source: z.string().nullable(),
  category: z.string().nullable(),
};

export const ImageResultSchema = z
  .object({
    ...common,
    filesize: z.number().int().nullable(),
    filetype: z.string().nullable(),
    tags: z.array(TagSchema),
    attribution: z.string(),
    fields_matched: z.array(z.string()),
    mature: z.boolean(),
    height: z.number().int().nullable(),
    width: z.number().int().nullable(),
    thumbnail: z.string(),
    detail_url: z.string(),
    related_url: z.string(),
  })
  .strict()
  .openapi('Image');

export const AudioSetSchema = z
  .object({
    title: z.string().nullable(),
    foreign_landing_url: z.string().nullable(),
    creator: z.string().nullable(),
    creator_url: z.string().nullable(),
    url: z.string().nullable(),
    filesize: z.number().int().nullable(),
    filetype: z.string().nullable(),
  })
  .openapi('AudioSet');

export const AudioResultSchema = z
  .object({
    ...common,
    genres: z.array(z.string()).nullable(),
    filesize: z.number().int().nullable(),
    filetype: z.string().nullable(),
    tags: z.array(TagSchema),
    alt_files: z.array(z.unknown()).nullable(),
    attribution: z.string(),
    fields_matched: z.array(z.string()),
    mature: z.boolean(),
    audio_set: AudioSetSchema.nullable(),
    duration: z.number().int().nullable().openapi({ description: 'Milliseconds.' }),
    bit_rate: z.number().int().nullable(),
    sample_rate: z.number().int().nullable(),
    thumbnail: z.string().nullable(),
    detail_url: z.string(),
    related_url: z.string(),
    waveform: z.string(),
    peaks: z.array(z.number()).optional(),
  })
  .strict()
  .openapi('Audio');

export function resultSchemaOf(mediaType: MediaType) {
  return mediaType === 'image' ? ImageResultSchema : AudioResultSchema;
}

export function searchResponseSchemaOf(mediaType: MediaType) {
  return z
    .object({
      result_count: z.number().int().openapi({ description: 'Matching works, capped at 10000.' }),
      page_count: z.number().int().openapi({ description: 'Pages available, capped at 20.' }),
      page_size: z.number().int(),
      page: z.number().int(),
      results: z.array(resultSchemaOf(mediaType)),
    })
    .openapi(mediaType === 'image' ? 'ImageSearch' : 'AudioSearch');
}

export const ErrorSchema = z
  .object({
    detail: z.union([z.string(), z.record(z.string(), z.array(z.string()))]),
  })
  .openapi('Error', { example: { detail: { page: ['Ensure this value is less than or equal to 20.'] } } });
