/**
 * Where cached responses live: Workers KV (global, eventually consistent) and, in
 * front of it, a bounded in-memory map per isolate. Both satisfy one contract test.
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

/**
 * An in-memory store bounded by size, least recently used out first. Each isolate keeps
 * one in front of KV for the hottest answers: a hit there costs no I/O at all.
 */
export class MemoryCacheStore implements CacheStore {
  private readonly entries = new Map<string, { value: CachedResponse; expires: number; bytes: number }>();
  private bytes = 0;

  constructor(private readonly maxBytes = Infinity) {}

  async get(key: string): Promise<CachedResponse | null> {
    const entry = this.entries.get(key);
    if (!entry) return null;
    this.entries.delete(key);
    if (entry.expires <= Date.now()) {
      this.bytes -= entry.bytes;
      return null;
    }
    this.entries.set(key, entry); // most recently used last
    return entry.value;
  }

  async put(key: string, value: CachedResponse, ttlSeconds: number): Promise<void> {
    if (ttlSeconds < 60) throw new Error('TTL under 60 s (KV would refuse it)');
    // Strings are UTF-16 in V8: two bytes a character is the honest upper bound.
    const bytes = 2 * (key.length + value.body.length + value.etag.length);
    if (bytes > this.maxBytes) return;
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.bytes -= old.bytes;
    }
    this.entries.set(key, { value, expires: Date.now() + ttlSeconds * 1000, bytes });
    this.bytes += bytes;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= e.bytes;
    }
  }

  /** Bytes held (for tests and diagnostics). */
  get size(): number {
    return this.bytes;
  }
}
