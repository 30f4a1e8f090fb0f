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
import { ApiError } from '../errors.js';
import type { AppEnv } from '../types.js';

const BumpSchema = z.object({ media_type: z.enum(['image', 'audio']), generation: z.string().min(1).max(100) });

export function registerInternal(app: Hono<AppEnv>) {
  app.post('/internal/cache-generation', async (c) => {
    const secret = c.get('config').INGEST_SECRET;
    const token = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    if (!secret || !token) throw new ApiError('unauthorized_client', 'Authentication required.');
    if (!digestsEqual(await sha256Hex(token), await sha256Hex(secret))) throw new ApiError('forbidden', 'Invalid secret.');
    const parsed = BumpSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw ApiError.validation({ non_field_errors: ['Send {"media_type": "image|audio", "generation": "<string>"}.'] });
    const kv = c.env.SEARCH_CACHE;
    if (!kv) throw new ApiError('internal', 'SEARCH_CACHE is not bound.');
    await kv.put(generationKey(parsed.data.media_type), parsed.data.generation);
    forgetGeneration(parsed.data.media_type);
    c.get('log').info('cache generation bumped', parsed.data);
    return c.json({ media_type: parsed.data.media_type, generation: parsed.data.generation }, 200);
  });
}
