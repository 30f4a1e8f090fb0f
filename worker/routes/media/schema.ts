/**
 * Parameter and response schemas of the media routes: the contract (§3, §5), shared by
 * the route definitions, the OpenAPI document and the tests.
 */
import { z } from '@hono/zod-openapi';
import { COLOR_NAMES, colorNamesOf, type ColorName } from '../../../model/colors.js';
import { IDENTIFIER_PATTERN, type MediaType } from '../../../model/record.js';
import { SEARCH_LANGUAGE_CODES } from '../../../model/languages.js';
import { LICENSE_SLUGS, LICENSE_TYPES } from '../../../model/licenses.js';
import { ASPECT_RATIOS, AUDIO_CATEGORIES, IMAGE_CATEGORIES, LENGTHS, SIZES } from '../../../model/search-filters.js';
import { ALL_MEDIA_FACETS, AUDIO_FACETS, FACET_LIMIT, IMAGE_FACETS } from '../../search/facets.js';
import { boolParam, choiceParam, enumError, intParam, listParam, textParam } from './params.js';

/** Highest page anyone may request (`MAX_PAGINATION_DEPTH`). */
export const MAX_PAGE = 20;
export const MAX_ANONYMOUS_PAGE_SIZE = 20;
export const MAX_AUTHED_PAGE_SIZE = 500;
/** `q` longer than this is cut silently (§3.1). */
export const MAX_QUERY_LENGTH = 200;

export const SORT_FIELDS = ['relevance', 'indexed_on'] as const;
export const SORT_DIRECTIONS = ['desc', 'asc'] as const;

const fieldSearch = (field: string) =>
  textParam({
    max: MAX_QUERY_LENGTH,
    description: `Search the ${field} only. Ignored when \`q\` is given.`,
  });

/** `facets`: the facets a media type offers, each checked (an unknown name is a 400 naming `facets`). */
const facetsParam = (allowed: readonly string[]) =>
  listParam({
    description:
      'Add `facets` to the answer: for each facet listed, the number of matching works per value, over the whole result set (not the page), top `facet_limit` values by count. `creator` has by far the most distinct values: on a broad search over a large catalog it costs several times the search itself (the others little), so ask for it when it will be shown.',
    allowed,
    invalid: enumError(allowed),
    example: 'source,license_type',
  });

/**
 * `color` (images, issue #20): palette names or hex colours (`#369`, `#336699`; `#` sent
 * as `%23`), comma-separated; a hex colour stands for its nearest palette names. Parsed
 * to the names filtered on, so equal filters share a cache entry.
 */
const colorParam = (note = '') =>
  listParam({ description: '' })
    .transform((items, ctx) => {
      if (!items) return undefined;
      const names = new Set<ColorName>();
      for (const item of items) {
        const mapped = colorNamesOf(item);
        if (!mapped) {
          ctx.addIssue({
            code: 'custom',
            message: `Invalid value: ${item}. Use a colour name ({${COLOR_NAMES.map((n) => `'${n}'`).join(', ')}}) or a hex colour such as #336699.`,
          });
          return z.NEVER;
        }
        for (const n of mapped) names.add(n);
      }
      return [...names];
    })
    .openapi({
      type: 'string',
      description: `Only works whose dominant colours include one of these: palette names (${COLOR_NAMES.join(', ')}) or hex colours (\`#336699\` or \`#369\`, the \`#\` sent as \`%23\`), each standing for its nearest palette name (CIEDE2000; two when nearly equidistant). Comma-separated. Works whose colours are not computed yet match no colour.${note}`,
      example: 'red',
    });

const commonParams = {
  q: textParam({
    truncate: MAX_QUERY_LENGTH,
    description:
      'Search query over titles, tags and descriptions; every word must match. Quoted phrases match exactly. Longer than 200 characters is cut to 200.',
    example: 'dog',
  }),
  creator: fieldSearch('creator'),
  tags: fieldSearch('tag names'),
  title: fieldSearch('title'),
  license: listParam({
    description: 'Only these licences (case-insensitive).',
    allowed: LICENSE_SLUGS,
    invalid: (item) => `License '${item}' does not exist.`,
    example: 'by,cc0',
  }),
  license_type: listParam({
    description: 'Only licences in every listed group.',
    allowed: LICENSE_TYPES,
    invalid: (item) => `License type '${item}' does not exist.`,
    example: 'commercial',
  }),
  source: listParam({ description: 'Only these sources (see `/stats/`). Unknown sources match nothing.', example: 'flickr,wikimedia' }),
  excluded_source: listParam({ description: 'Leave out these sources. Cannot be combined with `source`.' }),
  extension: listParam({ description: 'Only these file extensions.', example: 'jpg' }),
  mature: boolParam({ default: false, description: 'Include works marked mature (sensitive).' }),
  unstable__include_sensitive_results: boolParam({
    default: false,
    description: 'Include sensitive results (the newer name of `mature`).',
  }),
  qa: boolParam({ default: false, description: 'Accepted for compatibility; the QA index is not served.' }),
  filter_dead: boolParam({ default: true, description: 'Drop results whose media URL is dead.' }),
  page: intParam({ min: 1, max: MAX_PAGE, default: 1, description: 'Page number, 1 to 20.' }),
  page_size: intParam({
    min: 1,
    max: MAX_AUTHED_PAGE_SIZE,
    default: 20,
    description: 'Results per page: at most 20 for anonymous callers (401 above), 500 with an API key.',
  }),
  unstable__sort_by: choiceParam({
    allowed: SORT_FIELDS,
    default: 'relevance',
    description: 'Sort by relevance or by date indexed. API keys only; anonymous callers get relevance.',
  }),
  unstable__sort_dir: choiceParam({
    allowed: SORT_DIRECTIONS,
    default: 'desc',
    description: 'Direction of the `indexed_on` sort. API keys only.',
  }),
  facet_limit: intParam({
    min: FACET_LIMIT.min,
    max: FACET_LIMIT.max,
    default: FACET_LIMIT.default,
    description: `Values per facet in \`facets\`, 1 to ${FACET_LIMIT.max}: the most frequent first, ties by value. Used with \`facets\` only.`,
  }),
  language: choiceParam({
    allowed: SEARCH_LANGUAGE_CODES,
    default: undefined,
    example: 'ja',
    description:
      'Prefer works in this language (ISO 639-1, detected from their title, tags and description): the text query is read as this language (a kanji-only query is split as Japanese with `ja`), and matching works in it rank before the others, which still follow. Without a text query (`q`, `title`, `tags`, `creator`) the order is unchanged. Works whose language could not be detected count as other languages.',
  }),
};

const categoryParam = (allowed: readonly string[], note = '') =>
  listParam({ description: `Only these categories.${note}`, allowed, invalid: enumError(allowed) });

/** Parameters of images only; `note` says how `/v1/search/` applies them. */
const imageParams = (note = '') => ({
  aspect_ratio: listParam({ description: `Only these shapes.${note}`, allowed: ASPECT_RATIOS, invalid: enumError(ASPECT_RATIOS) }),
  size: listParam({ description: `Only these sizes (by pixel count).${note}`, allowed: SIZES, invalid: enumError(SIZES) }),
  color: colorParam(note),
  colors: boolParam({ default: false, description: `Add each ${note ? 'image ' : ''}result's dominant colours (\`colors\`).` }),
});

/** Parameters of audio only; `note` says how `/v1/search/` applies `length`. */
const audioParams = (note = '') => ({
  length: listParam({
    description: `Only these durations: shortest < 30 s, short < 2 min, medium < 10 min, long.${note}`,
    allowed: LENGTHS,
    invalid: enumError(LENGTHS),
  }),
  peaks: boolParam({ default: false, description: `Add stored waveform peaks to each ${note ? 'audio ' : ''}result.` }),
});

export const ImageSearchQuerySchema = z.object({
  ...commonParams,
  category: categoryParam(IMAGE_CATEGORIES),
  ...imageParams(),
  facets: facetsParam(IMAGE_FACETS),
});

export const AudioSearchQuerySchema = z.object({
  ...commonParams,
  category: categoryParam(AUDIO_CATEGORIES),
  ...audioParams(),
  facets: facetsParam(AUDIO_FACETS),
});

const ONLY_IMAGES = ' Narrows the images only: audio is not filtered by it.';
const ONLY_AUDIO = ' Narrows the audio only: images are not filtered by it.';

/**
 * `/v1/search/` (images and audio together): the shared parameters apply to both media;
 * the parameters of one media type (`aspect_ratio`, `size`; `length`, `peaks`; each
 * `category` value, by the media type it belongs to) apply to that media type only.
 */
export const AllSearchQuerySchema = z.object({
  ...commonParams,
  category: categoryParam(
    [...IMAGE_CATEGORIES, ...AUDIO_CATEGORIES],
    ' An image category narrows the images, an audio category the audio; a media type none of whose categories is listed is not filtered by it.',
  ),
  ...imageParams(ONLY_IMAGES),
  ...audioParams(ONLY_AUDIO),
  facets: facetsParam(ALL_MEDIA_FACETS),
});
export type AllSearchQuery = z.infer<typeof AllSearchQuerySchema>;

/** Search parameters of a media type; every media route validates them (§2.3). */
export function searchQuerySchemaOf(mediaType: MediaType) {
  return mediaType === 'image' ? ImageSearchQuerySchema : AudioSearchQuerySchema;
}

/** `cursor` (issue #18): the search route's only, for key holders. */
const cursorParam = textParam({
  max: 1000,
  description:
    'API keys only (401 without). Continue a search from the `next_cursor` of its previous page, past the 20-page limit: a search without `q` (or `creator`, `title`, `tags`) through every matching work, ordered by popularity (or `unstable__sort_by`) then id; a text search up to the 10000th result. Send the same other parameters (`page` is ignored); another query is a 400. After the catalog changes (a refresh, update or moderation), the cursor is a 410: start again.',
  example: 'eyJ2IjoxLCJtIjoiaW1hZ2UiLCJnIjoiNy4xNzY1MDAwMDAwMDAwIiwiYiI6IkZ6cUY0ZyIsInAiOnsibiI6MiwicGFnZSI6Mn19.c2lnbmF0dXJl',
});

/** The search route's parameters: the search parameters and `cursor`. */
export function searchRouteQuerySchemaOf(mediaType: MediaType) {
  return searchQuerySchemaOf(mediaType).extend({ cursor: cursorParam });
}

/**
 * Bulk export (issue #18): the search filters that are plain columns in Postgres, and
 * `after` to resume. Text search, `extension`, shapes and lengths are the engine's.
 */
const exportParams = {
  license: commonParams.license,
  license_type: commonParams.license_type,
  source: commonParams.source,
  excluded_source: commonParams.excluded_source,
  mature: commonParams.mature,
  unstable__include_sensitive_results: commonParams.unstable__include_sensitive_results,
  after: z
    .preprocess(
      (v) => (Array.isArray(v) ? v[v.length - 1] : v) || undefined,
      z.string().regex(IDENTIFIER_PATTERN, 'Must be a work identifier (a lowercase UUID v4).').optional(),
    )
    .openapi({
      type: 'string',
      description: 'Resume: only works whose identifier sorts after this one (the `resume_after` of a trailer, or the last id received).',
      example: '4bc43a04-ef46-4544-a0c1-63c63f56e276',
    }),
};

export function exportQuerySchemaOf(mediaType: MediaType) {
  return z.object({ ...exportParams, category: searchQuerySchemaOf(mediaType).shape.category });
}

/** Kept for routes that validate the shared parameters only. */
export const SearchQuerySchema = ImageSearchQuerySchema;

export type ImageSearchQuery = z.infer<typeof ImageSearchQuerySchema>;
export type AudioSearchQuery = z.infer<typeof AudioSearchQuerySchema>;
/** Parsed parameters of either media type (media-specific ones optional). */
export type SearchQuery = z.infer<typeof commonParamsSchema> & {
  category?: string[];
  aspect_ratio?: string[];
  size?: string[];
  length?: string[];
  peaks?: boolean;
  facets?: string[];
  color?: ColorName[];
  colors?: boolean;
};
const commonParamsSchema = z.object(commonParams);

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

export const DominantColorSchema = z
  .object({
    name: z.enum(COLOR_NAMES as [ColorName, ...ColorName[]]).openapi({ description: 'The palette name (what `color=` filters on).' }),
    hex: z.string().openapi({ description: 'The mean colour of the pixels given this name.', example: '#2b4cd5' }),
    share: z.number().openapi({ description: 'Fraction of the picture, 0 to 1 (two decimals).', example: 0.72 }),
  })
  .openapi('DominantColor');

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
    unstable__sensitivity: z.array(z.enum(['user_reported_sensitive', 'sensitive_text'])).optional(),
    colors: z
      .array(DominantColorSchema)
      .optional()
      .openapi({
        description:
          'Only with `colors=true` (searches): the dominant colours, largest share first; `[]` until they are computed. An extension (issue #20).',
        example: [
          { name: 'blue', hex: '#2b4cd5', share: 0.72 },
          { name: 'yellow', hex: '#fcd836', share: 0.28 },
        ],
      }),
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
    unstable__sensitivity: z.array(z.enum(['user_reported_sensitive', 'sensitive_text'])).optional(),
  })
  .strict()
  .openapi('Audio');

export function resultSchemaOf(mediaType: MediaType) {
  return mediaType === 'image' ? ImageResultSchema : AudioResultSchema;
}

/** The search envelope's fields around a result schema (media searches and `/v1/search/`). */
function envelopeFields<R extends z.ZodType>(result: R) {
  return {
    result_count: z.number().int().openapi({ description: 'Matching works, capped at 10000.' }),
    page_count: z.number().int().openapi({ description: 'Pages available, capped at 20.' }),
    page_size: z.number().int(),
    page: z.number().int(),
    results: z.array(result),
    facets: z
      .record(z.string(), z.record(z.string(), z.number().int()))
      .optional()
      .openapi({
        description:
          "Only with `facets`: per facet asked for, matching works per value over the whole result set (the same query and filters), the top `facet_limit` values by count (ties by value), in that order. A value's count is the `result_count` of the same search filtered to that value (below the 10000 cap). `license_type` counts each group a licence belongs to. The engine counts the 200 most frequent values of a facet: past that, values at the lowest count are left out (fewer than `facet_limit`). On a sharded catalog each shard contributes its 200 most frequent values, so a value rare on one shard may be under-counted.",
        example: { source: { flickr: 1234, wikimedia: 321 }, license_type: { all: 1555, 'all-cc': 1400, commercial: 900 } },
      }),
    suggestion: z.string().optional().openapi({
      description:
        'Only when a `q` search found nothing: a corrected query that finds works with the same filters (each word replaced by its best suggestion from titles and tags, words that match nothing dropped). Absent when there is none.',
      example: 'mountain lake',
    }),
  };
}

export function searchResponseSchemaOf(mediaType: MediaType) {
  return z
    .object({
      ...envelopeFields(resultSchemaOf(mediaType)),
      next_cursor: z.string().optional().openapi({
        description:
          'Search route, API keys only: present when more results may exist. Send it as `cursor` with the same parameters for the next page.',
        example: 'eyJ2IjoxLCJtIjoiaW1hZ2UiLCJnIjoiNy4xNzY1MDAwMDAwMDAwIiwiYiI6IkZ6cUY0ZyIsInAiOnsibiI6MiwicGFnZSI6Mn19.c2lnbmF0dXJl',
      }),
    })
    .openapi(mediaType === 'image' ? 'ImageSearch' : 'AudioSearch');
}

/** A result of `/v1/search/`: `media_type`, then the fields of an image or audio result. */
export const AllSearchResultSchema = z
  .discriminatedUnion('media_type', [
    ImageResultSchema.extend({ media_type: z.literal('image').openapi({ description: 'What the result is.', example: 'image' }) }).openapi(
      'ImageHit',
    ),
    AudioResultSchema.extend({ media_type: z.literal('audio').openapi({ description: 'What the result is.', example: 'audio' }) }).openapi(
      'AudioHit',
    ),
  ])
  .openapi({ description: 'An image or audio result, by `media_type`; the fields of its kind, as in `/v1/images/` and `/v1/audio/`.' });

export const AllSearchResponseSchema = z.object(envelopeFields(AllSearchResultSchema)).openapi('AllSearch');

/** `suggest`: `q` at most this long (a word or a few being typed). */
export const MAX_SUGGEST_QUERY_LENGTH = 100;

export const SuggestQuerySchema = z.object({
  q: textParam({
    max: MAX_SUGGEST_QUERY_LENGTH,
    description: `What has been typed so far (required, 1 to ${MAX_SUGGEST_QUERY_LENGTH} characters). The last word is completed; typos are tolerated.`,
    example: 'mou',
  })
    .refine((v) => v !== undefined, { message: 'This field is required.' })
    .openapi({ param: { required: true } }),
});

export const SuggestResponseSchema = z
  .object({
    suggestions: z.array(z.string()).openapi({
      description:
        'Up to 10 completions, most likely first, lowercase: words of titles completing the last word (after the words before it) and whole tags, drawn from works every caller may see.',
      example: ['mountain', 'mountains', 'mountain lake', 'mouse'],
    }),
  })
  .openapi('Suggestions');

export const ErrorSchema = z
  .object({
    detail: z.union([z.string(), z.record(z.string(), z.array(z.string()))]),
  })
  .openapi('Error', { example: { detail: { page: ['Ensure this value is less than or equal to 20.'] } } });

/** An error answer of a route in the OpenAPI document: the one error shape, an example. */
export function errorResponse(description: string, example?: z.infer<typeof ErrorSchema>) {
  return { description, content: { 'application/json': { schema: ErrorSchema, ...(example ? { example } : {}) } } };
}

/** The error answers most media routes share, declared once. */
export const ERRORS = {
  invalidParameter: errorResponse('A parameter is invalid; `detail` names it.', { detail: { page: ['A valid integer is required.'] } }),
  pageSizeNeedsKey: errorResponse(`\`page_size\` above ${MAX_ANONYMOUS_PAGE_SIZE} without an API key.`, {
    detail: `Ensure this value is less than or equal to ${MAX_ANONYMOUS_PAGE_SIZE}.`,
  }),
  engineUnavailable: errorResponse('The search engine is unavailable.', { detail: 'The search engine is unavailable. Try again shortly.' }),
  cursorGone: errorResponse('The catalog changed since the `cursor` was issued: start again from the first page.', {
    detail: 'The catalog changed since this cursor was issued (a refresh or update): start again from the first page.',
  }),
  databaseUnavailable: errorResponse('The database is unavailable.', { detail: 'The database is unavailable. Try again shortly.' }),
  notFound: (description: string) => errorResponse(description, { detail: 'Not found.' }),
};
