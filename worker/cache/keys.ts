import type { MediaType } from '../../model/record.js';
import { sha256Hex } from '../auth/secrets.js';

/**
 * The one cache-key function. Keys carry the index generation, so a refresh (or any
 * bump) makes every older entry unreachable without a purge.
 */
export async function cacheKey(
  route: string,
  mediaType: MediaType | 'all',
  generation: string,
  params: Record<string, unknown>,
): Promise<string> {
  // Route (origin, collection names) and parameters are hashed: KV keys stay under 512 bytes.
  const canonical = JSON.stringify([
    route,
    Object.keys(params)
      .sort()
      .map((k) => [k, params[k]]),
  ]);
  return `v1:${mediaType}:g${generation}:${await sha256Hex(canonical)}`;
}

export function generationKey(mediaType: MediaType): string {
  return `generation:${mediaType}`;
}
