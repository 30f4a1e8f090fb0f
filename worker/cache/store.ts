/**
 * Where cached responses live: Workers KV in production (global, eventually
 * consistent), an in-memory map for unit tests. Both satisfy one contract test.
 */
export interface CachedResponse {
  body: string;
  etag: string;
  /** Epoch ms when stored: fresh for `FRESH_SECONDS`, servable as stale after that. */
  storedAt: number;
}

export interface CacheStore {
  get(key: string): Promise<CachedResponse | null>;
  /** `ttlSeconds` ≥ 60: KV refuses shorter expirations. */
  put(key: string, value: CachedResponse, ttlSeconds: number): Promise<void>;
}

export class KvCacheStore implements CacheStore {
  constructor(private readonly kv: KVNamespace) {}

  async get(key: string): Promise<CachedResponse | null> {
    const { value, metadata } = await this.kv.getWithMetadata<{ etag: string; storedAt: number }>(key, 'text');
    if (value === null || !metadata) return null;
    return { body: value, etag: metadata.etag, storedAt: metadata.storedAt };
  }

  async put(key: string, value: CachedResponse, ttlSeconds: number): Promise<void> {
    if (ttlSeconds < 60) throw new Error('TTL under 60 s: KV refuses it');
    await this.kv.put(key, value.body, {
      expirationTtl: ttlSeconds,
      metadata: { etag: value.etag, storedAt: value.storedAt },
    });
  }
}

export class MemoryCacheStore implements CacheStore {
  private readonly entries = new Map<string, { value: CachedResponse; expires: number }>();

  async get(key: string): Promise<CachedResponse | null> {
    const entry = this.entries.get(key);
    if (!entry || entry.expires <= Date.now()) return null;
    return entry.value;
  }

  async put(key: string, value: CachedResponse, ttlSeconds: number): Promise<void> {
    if (ttlSeconds < 60) throw new Error('TTL under 60 s (KV would refuse it)');
    this.entries.set(key, { value, expires: Date.now() + ttlSeconds * 1000 });
  }
}
