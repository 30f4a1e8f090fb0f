import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { MEDIA_PATH, type MediaType } from '../../../model/record.js';
import { findRecord } from '../../db/media.js';
import { ApiError } from '../../errors.js';
import { checkTarget, fetchMedia, MediaFetchError } from '../../media/safe-fetch.js';
import type { AppEnv } from '../../types.js';
import { boolParam } from './params.js';
import { ERRORS, errorResponse, IdParamSchema } from './schema.js';

const THUMB_WIDTH = 600;
const THUMB_QUALITY = 80;
const TIMEOUT_MS = 10_000;
/** Thumbnails change only with the record: cached for a month. */
const THUMB_CACHE_CONTROL = 'public, max-age=2592000, immutable';

/** What a client learns when the source fails: the kind of failure, no internals. */
const THUMB_FAILURE: Record<MediaFetchError['kind'], string> = {
  refused: 'Failed to render thumbnail: the stored image URL is not fetchable.',
  timeout: 'Failed to render thumbnail due to timeout: the source did not answer in time.',
  upstream: 'Failed to render thumbnail: the source failed.',
  not_image: 'Failed to render thumbnail: the source did not answer with an image.',
  too_large: 'Failed to render thumbnail: the source image is too large.',
};

const ThumbQuerySchema = z.object({
  full_size: boolParam({ default: false, description: 'The full-size image instead of a 600 px wide thumbnail.' }),
  compressed: boolParam({ default: true, description: 'Recompress (quality 80). Defaults to the opposite of `full_size`.' }),
});

/**
 * `GET /v1/{images|audio}/{id}/thumb/` (§7.6): the record's own image (audio: its
 * artwork, or its set's) through the Worker. Only the URL stored for that record is
 * fetched. On Cloudflare the image is resized with image resizing (`cf.image`).
 */
export function registerThumb(app: OpenAPIHono<AppEnv>, mediaType: MediaType) {
  const plural = MEDIA_PATH[mediaType];
  const route = createRoute({
    method: 'get',
    path: `/${plural}/{identifier}/thumb/`,
    operationId: `${mediaType}_thumbnail`,
    tags: [plural],
    summary: mediaType === 'image' ? 'Thumbnail of an image' : 'Artwork of an audio track',
    request: { params: IdParamSchema, query: ThumbQuerySchema },
    responses: {
      200: { description: 'The image.', content: { 'image/*': { schema: z.string().openapi({ format: 'binary' }) } } },
      400: ERRORS.invalidParameter,
      401: ERRORS.pageSizeNeedsKey,
      404: ERRORS.notFound('No such work, or it has no image.'),
      424: errorResponse('The image could not be fetched from its source.', { detail: 'Failed to render thumbnail: the source failed.' }),
    },
  });
  app.openapi(route, async (c) => {
    const { identifier } = c.req.valid('param');
    const query = c.req.valid('query');
    const fullSize = query.full_size;
    const compressed = c.req.query('compressed') === undefined ? !fullSize : query.compressed;
    // A database outage surfaces as a 503 from the app's error mapper.
    const record = await findRecord(c.get('db')(), mediaType, identifier);
    if (!record) throw ApiError.notFound();
    let source = mediaType === 'image' ? record.url : record.thumbnail;
    if (!source) throw ApiError.notFound(mediaType === 'image' ? 'Could not find image.' : 'Could not find artwork.');
    // Hotfix kept from the original: SMK's IIIF URLs ask for a size the server refuses.
    if (source.includes('iip.smk.dk')) source = source.replace(/!\d+,/g, '!600,');
    const config = c.get('config');
    const allowPrivate = config.ALLOW_PRIVATE_MEDIA === 'true';
    const image: { width?: number; quality?: number } = {};
    if (!fullSize) image.width = THUMB_WIDTH;
    if (compressed) image.quality = THUMB_QUALITY;
    let fetched: Awaited<ReturnType<typeof fetchMedia>>;
    try {
      // A resizer fetches the source for us: the source must pass the same checks first.
      const target = config.PHOTON_ENDPOINT ? photonUrl(config.PHOTON_ENDPOINT, checkTarget(source, allowPrivate), image) : source;
      fetched = await fetchMedia(target, {
        allowPrivate,
        timeoutMs: TIMEOUT_MS,
        userAgent: 'EdgeverseThumbnailGeneration/0.1 (+https://github.com/edgeverse)',
        accept: c.req.header('accept') ?? 'image/*',
        // Without a Photon resizer, resizing happens on Cloudflare's edge.
        cf:
          !config.PHOTON_ENDPOINT && config.ENVIRONMENT === 'production' && Object.keys(image).length
            ? ({ image } as RequestInitCfProperties)
            : undefined,
      });
    } catch (err) {
      if (!(err instanceof MediaFetchError)) throw err;
      // The fetch error's own text (hosts, addresses, runtime internals) goes to the log only.
      c.get('log').warn('thumbnail source failed', { kind: err.kind, reason: err.message });
      throw new ApiError('failed_dependency', THUMB_FAILURE[err.kind]);
    }
    if (fetched.status >= 400) {
      await fetched.body?.cancel();
      throw new ApiError('failed_dependency', `Failed to render thumbnail: the source answered ${fetched.status}.`);
    }
    if (!fetched.body) throw new ApiError('failed_dependency', 'Failed to render thumbnail: the source answered with no image.');
    return c.body(fetched.body, 200, {
      'Content-Type': fetched.contentType,
      'Cache-Control': THUMB_CACHE_CONTROL,
      // The client's Accept goes upstream (and picks the resized format): caches key on it.
      Vary: 'Accept',
      // Third-party bytes served from the API's origin (an SVG can carry script): inert.
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
      'X-Content-Type-Options': 'nosniff',
    });
  });
}

/**
 * The source as Photon serves it (§7.6): `<endpoint><host[:port]><path>` without the
 * scheme, `w` and `quality` when asked for, the source's own query string as `q`, and
 * `ssl=true` for an https source.
 */
export function photonUrl(endpoint: string, source: URL, opts: { width?: number; quality?: number }): string {
  // Concatenated, not resolved: `host:port/…` would read as a URL scheme.
  const url = new URL(`${endpoint.endsWith('/') ? endpoint : `${endpoint}/`}${source.host}${source.pathname}`);
  if (opts.width) url.searchParams.set('w', String(opts.width));
  if (opts.quality) url.searchParams.set('quality', String(opts.quality));
  if (source.search) url.searchParams.set('q', source.search.slice(1));
  if (source.protocol === 'https:') url.searchParams.set('ssl', 'true');
  return url.toString();
}
