/**
 * Internal calls from the ingest (shared secret, not in the OpenAPI document): after a
 * promotion, update or moderation, the ingest bumps the cache generation of a media
 * type, which makes every cached answer of the older generation unreachable.
 */
import type { Hono } from 'hono';
import { z } from 'zod';
import { digestsEqual, sha256Hex } from '../auth/secrets.js';
import { generationKey } from '../cache/keys.js';
import { forgetGeneration } from '../cache/search-cache.js';
import { liveIndexName } from '../../model/search-index.js';
import { storeLivePointer } from '../search/live-pointer.js';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../types.js';

const BumpSchema = z.object({
  media_type: z.enum(['image', 'audio']),
  generation: z.string().min(1).max(100),
  /** A network's switch: the live generation's index and node names per shard. */
  live: z
    .object({
      index: z.string().min(1).max(200),
      shards: z
        .array(z.array(z.string().min(1).max(32)).min(1).max(16))
        .min(1)
        .max(1024)
        .nullable(),
    })
    .optional(),
});

export function registerInternal(app: Hono<AppEnv>) {
  app.post('/internal/cache-generation', async (c) => {
    const secret = c.get('config').INGEST_SECRET;
    const token = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    if (!secret || !token) throw new ApiError('unauthorized_client', 'Authentication required.');
    if (!digestsEqual(await sha256Hex(token), await sha256Hex(secret))) throw new ApiError('forbidden', 'Invalid secret.');
    const parsed = BumpSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) {
      throw ApiError.validation({
        non_field_errors: [
          'Send {"media_type": "image|audio", "generation": "<string>", "live"?: {"index": "<name>", "shards": [["<node>", …], …] | null}}.',
        ],
      });
    }
    const { media_type, generation, live } = parsed.data;
    const served = liveIndexName(media_type, c.get('config').INDEX_PREFIX);
    if (live && live.index !== served && !live.index.startsWith(`${served}__`)) {
      throw ApiError.validation({ live: [`index must be ${served} or one of its generations (${served}__<n>).`] });
    }
    const kv = c.env.SEARCH_CACHE;
    if (!kv) throw new ApiError('internal', 'SEARCH_CACHE is not bound.');
    // The pointer first: answers cached under the new generation must come from it.
    if (live) await storeLivePointer(kv, served, live);
    await kv.put(generationKey(media_type), generation);
    forgetGeneration(media_type);
    c.get('log').info('cache generation bumped', { media_type, generation, ...(live ? { live } : {}) });
    return c.json({ media_type, generation, ...(live ? { live } : {}) }, 200);
  });
}
