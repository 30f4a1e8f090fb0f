import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import type { ImageRecord } from '../../../model/record.js';
import { imageResult } from '../../../model/result.js';
import { findRecord } from '../../db/media.js';
import { ApiError } from '../../errors.js';
import type { AppEnv } from '../../types.js';
import { XML_CONTENT_TYPE, renderXml } from '../../xml.js';
import { MAX_PARAM_LENGTH, tooLongMessage, withinLength } from './params.js';
import { baseUrlOf } from './request.js';
import { ERRORS, errorResponse, SearchQuerySchema } from './schema.js';

const lastValue = (v: unknown) => (Array.isArray(v) ? v[v.length - 1] : v);
const absentIfEmpty = (v: unknown) => (v === '' ? undefined : v);

const EXAMPLE_ID = '4bc43a04-ef46-4544-a0c1-63c63f56e276';

/** The oEmbed parameters (§7.4) on top of the search parameters every media route validates (§2.3). */
export const OembedQuerySchema = SearchQuerySchema.extend({
  url: z
    .preprocess((v) => absentIfEmpty(lastValue(v)), z.string({ error: 'This field is required.' }))
    .transform((value, ctx) => {
      if (!withinLength(value, ctx)) return z.NEVER;
      const trimmed = value.trim();
      if (!trimmed) {
        ctx.addIssue({ code: 'custom', message: 'This field may not be blank.' });
        return z.NEVER;
      }
      return trimmed;
    })
    .openapi({
      type: 'string',
      maxLength: MAX_PARAM_LENGTH,
      description:
        'The link to an image: its identifier, or any URL ending in it (`https://wordpress.org/openverse/photos/<id>`); the scheme and one trailing slash are optional.',
      example: `https://wordpress.org/openverse/photos/${EXAMPLE_ID}`,
    }),
  format: z
    .preprocess((v) => absentIfEmpty(lastValue(v)), z.string().max(MAX_PARAM_LENGTH, tooLongMessage(MAX_PARAM_LENGTH)).optional())
    .openapi({
      type: 'string',
      enum: ['json', 'xml'],
      description: 'Response format; without it the `Accept` header decides (JSON unless only XML is asked for). Any other value is a 404.',
    }),
});

export const OembedSchema = z
  .object({
    version: z.literal('1.0'),
    type: z.literal('photo'),
    width: z.number().int().nullable().openapi({ description: 'Pixels; null when the catalog does not know it.' }),
    height: z.number().int().nullable().openapi({ description: 'Pixels; null when the catalog does not know it.' }),
    title: z.string().nullable(),
    author_name: z.string().nullable().openapi({ description: 'The creator.' }),
    author_url: z.string().nullable().openapi({ description: 'The creator URL, as the source gave it.' }),
    license_url: z.string(),
  })
  .strict()
  .openapi('Oembed');

export type Oembed = z.infer<typeof OembedSchema>;

const EXAMPLE: Oembed = {
  version: '1.0',
  type: 'photo',
  width: 1024,
  height: 683,
  title: 'Golden forest',
  author_name: 'Jane Doe',
  author_url: 'https://www.flickr.com/photos/12345678@N00',
  license_url: 'https://creativecommons.org/licenses/by/2.0/',
};

const UUID_HEX = /^[0-9a-f]{32}$/;

/**
 * Drops leading `{` and trailing `}`. Not a regular expression: `/\}+$/` retries from
 * every `}` of a long run that does not end the text, which is quadratic.
 */
function trimBraces(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text[start] === '{') start++;
  while (end > start && text[end - 1] === '}') end--;
  return text.slice(start, end);
}

/**
 * The image identifier in an oEmbed `url` (§7.4): `https://` added when schemeless,
 * one trailing `/` dropped, the text after the last `/` read as a UUID the way Python's
 * `UUID()` reads it (any case, dashes, braces, `urn:uuid:` optional). Unlike the
 * original, a query string or fragment on the URL is ignored. Null when it is no UUID.
 */
export function identifierFromOembedUrl(url: string): string | null {
  let path = url.replace(/[?#].*$/s, '');
  if (path.endsWith('/')) path = path.slice(0, -1);
  const last = path.slice(path.lastIndexOf('/') + 1);
  const hex = trimBraces(
    last
      .toLowerCase()
      .replace(/^urn:/, '')
      .replace(/^uuid:/, ''),
  ).replaceAll('-', '');
  if (!UUID_HEX.test(hex)) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Content negotiation of DRF, reduced to JSON vs XML: media ranges are taken by
 * specificity (not `q`), and at equal specificity the renderer order JSON, HTML, XML
 * decides. HTML (DRF's browsable API) is answered with JSON.
 */
export function acceptsXmlFirst(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranges = accept
    .split(',')
    .map((r) => r.split(';')[0].trim().toLowerCase())
    .filter(Boolean);
  const specificity = (r: string) => (r === '*/*' ? 0 : r.endsWith('/*') ? 1 : 2);
  const matches = (range: string, type: string) =>
    range === '*/*' || range === type || (range.endsWith('/*') && type.startsWith(range.slice(0, -1)));
  for (const level of [2, 1, 0]) {
    const group = ranges.filter((r) => specificity(r) === level);
    for (const renderer of ['application/json', 'text/html', 'application/xml']) {
      if (group.some((r) => matches(r, renderer))) return renderer === 'application/xml';
    }
  }
  return false;
}

export function oembedOf(record: ImageRecord, baseUrl: string): Oembed {
  return {
    version: '1.0',
    type: 'photo',
    // The original downloaded the image to measure it when the catalog lacked a size;
    // the Worker does not fetch media, so an unknown size stays null.
    width: record.width,
    height: record.height,
    title: record.title,
    author_name: record.creator,
    author_url: record.creator_url,
    license_url: imageResult(record, { baseUrl }).license_url,
  };
}

/** Renderers DRF offers for `format` (§2.1); `api` (browsable HTML) is answered with JSON. */
const FORMATS = ['json', 'api', 'xml'];

/**
 * An unknown `format` is a 404 before anything else: DRF negotiates the renderer
 * before it validates a parameter (§2.1).
 */
const rejectUnknownFormat = createMiddleware<AppEnv>(async (c, next) => {
  const format = c.req.queries('format')?.at(-1);
  if (format && !FORMATS.includes(format)) throw ApiError.notFound();
  await next();
});

export function registerOembed(app: OpenAPIHono<AppEnv>) {
  const route = createRoute({
    method: 'get',
    path: '/images/oembed/',
    middleware: [rejectUnknownFormat] as const,
    operationId: 'image_oembed',
    tags: ['images'],
    summary: 'oEmbed for an image',
    description:
      'The [oEmbed](https://oembed.com/) `photo` response for an image, as JSON or (`format=xml`) XML with root `<root>`. ' +
      'Search parameters are validated here too (§2.3).',
    request: { query: OembedQuerySchema },
    responses: {
      200: {
        description: 'The oEmbed response.',
        content: {
          'application/json': { schema: OembedSchema, example: EXAMPLE },
          'application/xml': {
            schema: { type: 'string' },
            example: renderXml(EXAMPLE),
          },
        },
      },
      400: errorResponse('`url` is missing or blank, or a search parameter is invalid.', { detail: { url: ['This field is required.'] } }),
      401: ERRORS.pageSizeNeedsKey,
      404: ERRORS.notFound('No image has the identifier in `url`, `url` ends in no identifier, or `format` is not `json` or `xml`.'),
      503: ERRORS.databaseUnavailable,
    },
  });
  app.openapi(route, async (c) => {
    const params = c.req.valid('query');
    const format = params.format ?? (acceptsXmlFirst(c.req.header('accept')) ? 'xml' : 'json');
    // The original answered 500 for a URL that ends in no UUID (§7.4 quirk).
    const identifier = identifierFromOembedUrl(params.url);
    if (!identifier) throw ApiError.notFound();
    let record: Awaited<ReturnType<typeof findRecord>>;
    try {
      record = await findRecord(c.get('db')(), 'image', identifier);
    } catch (err) {
      c.get('log').error('oembed lookup failed', { error: (err as Error).message });
      throw new ApiError('database_unavailable', 'The database is unavailable. Try again shortly.');
    }
    if (!record) throw ApiError.notFound();
    const body = oembedOf(record as ImageRecord, baseUrlOf(c.req.url));
    if (format === 'xml') return c.body(renderXml(body), 200, { 'Content-Type': XML_CONTENT_TYPE });
    return c.json(body, 200);
  });
  return app;
}
