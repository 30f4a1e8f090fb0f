/**
 * The ingest's Meilisearch wrapper (master-key side): every call has a timeout, every
 * write waits for its task and fails unless the task succeeded.
 */
export interface MeiliTask {
  uid: number;
  status: 'enqueued' | 'processing' | 'succeeded' | 'failed' | 'canceled';
  type: string;
  error: { message: string; code: string } | null;
  indexUid: string | null;
}

export class MeiliError extends Error {
  override name = 'MeiliError';
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

export class MeiliAdmin {
  constructor(
    readonly url: string,
    private readonly apiKey: string,
    private readonly timeoutMs = 30_000,
  ) {}

  async request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${this.apiKey}`, ...(body !== undefined ? { 'Content-Type': contentType } : {}) },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new MeiliError(`Meilisearch ${method} ${path} failed: ${(err as Error).message}`);
    }
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    if (!res.ok) {
      throw new MeiliError(`Meilisearch ${method} ${path}: ${data?.message ?? res.status}`, res.status, data?.code);
    }
    return data as T;
  }

  /** Enqueues a write and returns its task uid. */
  async enqueue(method: string, path: string, body?: unknown, contentType?: string): Promise<number> {
    const task = await this.request<{ taskUid: number }>(method, path, body, contentType);
    return task.taskUid;
  }

  async waitTask(uid: number, timeoutMs = 10 * 60_000): Promise<MeiliTask> {
    const deadline = Date.now() + timeoutMs;
    let delay = 25;
    for (;;) {
      const task = await this.request<MeiliTask>('GET', `/tasks/${uid}`);
      if (task.status === 'succeeded') return task;
      if (task.status === 'failed' || task.status === 'canceled') {
        throw new MeiliError(`Meilisearch task ${uid} (${task.type}) ${task.status}: ${task.error?.message ?? ''}`, undefined, task.error?.code);
      }
      if (Date.now() > deadline) throw new MeiliError(`Meilisearch task ${uid} (${task.type}) still ${task.status} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 500);
    }
  }

  async run(method: string, path: string, body?: unknown, contentType?: string): Promise<MeiliTask> {
    return this.waitTask(await this.enqueue(method, path, body, contentType));
  }

  async indexExists(uid: string): Promise<boolean> {
    try {
      await this.request('GET', `/indexes/${encodeURIComponent(uid)}`);
      return true;
    } catch (err) {
      if (err instanceof MeiliError && err.status === 404) return false;
      throw err;
    }
  }

  async listIndexes(): Promise<string[]> {
    const { results } = await this.request<{ results: { uid: string }[] }>('GET', '/indexes?limit=1000');
    return results.map((r) => r.uid);
  }

  async documentCount(uid: string): Promise<number> {
    const stats = await this.request<{ numberOfDocuments: number }>('GET', `/indexes/${encodeURIComponent(uid)}/stats`);
    return stats.numberOfDocuments;
  }

  async deleteIndex(uid: string): Promise<void> {
    if (await this.indexExists(uid)) await this.run('DELETE', `/indexes/${encodeURIComponent(uid)}`);
  }

  async createIndex(uid: string, settings: object): Promise<void> {
    await this.run('POST', '/indexes', { uid, primaryKey: 'id' });
    await this.run('PATCH', `/indexes/${encodeURIComponent(uid)}/settings`, settings);
  }

  async getSettings(uid: string): Promise<Record<string, unknown>> {
    return this.request('GET', `/indexes/${encodeURIComponent(uid)}/settings`);
  }

  /** Enqueues a batch of documents as NDJSON (one parse, no array buffering server-side). */
  async addDocuments(uid: string, ndjson: string): Promise<number> {
    return this.enqueue('POST', `/indexes/${encodeURIComponent(uid)}/documents`, ndjson, 'application/x-ndjson');
  }

  async search(uid: string, body: object): Promise<{ hits: Record<string, unknown>[]; estimatedTotalHits?: number; totalHits?: number }> {
    return this.request('POST', `/indexes/${encodeURIComponent(uid)}/search`, body);
  }

  /** Atomic swap; with `rename` the first index takes the second's name (no live index yet). */
  async swap(a: string, b: string, rename = false): Promise<void> {
    await this.run('POST', '/swap-indexes', [{ indexes: [a, b], rename }]);
  }
}
