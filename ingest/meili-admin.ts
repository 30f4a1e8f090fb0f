/**
 * The ingest's Meilisearch wrapper (master-key side), on the official `meilisearch`
 * client: outside the Worker (worker/search/meili.ts), the only module that talks to
 * Meilisearch (the stack scripts, tests and benchmarks use it too). It exposes named operations, never a REST path; every call
 * has a timeout; every write waits for its task and fails unless the task succeeded;
 * every failure is a `MeiliError` (with the HTTP status and Meilisearch's error code
 * when there is one).
 */
import {
  Meilisearch,
  MeilisearchApiError,
  MeilisearchRequestError,
  MeilisearchRequestTimeOutError,
  MeilisearchTaskTimeOutError,
  type BatchesResults,
  type EnqueuedTask,
  type Key,
  type RecordAny,
  type SearchParams,
  type SearchResponse,
  type Settings,
  type Task,
  type TaskStatus,
  type TasksOrBatchesQuery,
  type TasksResults,
} from 'meilisearch';

export type MeiliTask = Task;
export type { SearchParams };

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

/** How long a write may take (a large document batch on a busy engine takes minutes). */
const TASK_TIMEOUT_MS = 10 * 60_000;
/**
 * Task polling backs off: at once, then after 25, 50, 100, 200 and 400 ms (most tasks
 * take milliseconds), then twice a second through the client's wait (a document batch
 * takes seconds, and eight of them in flight must not flood the engine with polls).
 */
const QUICK_POLLS_MS = [25, 50, 100, 200, 400];
const SLOW_POLL_MS = 500;

export class MeiliAdmin {
  private readonly client: Meilisearch;

  constructor(
    readonly url: string,
    apiKey: string,
    /** The limit of each HTTP request (a task's wait has its own, `waitTask`'s). */
    timeoutMs = 30_000,
  ) {
    this.client = new Meilisearch({ host: url, apiKey, timeout: timeoutMs });
  }

  /** Resolves when the server answers its health probe. */
  async health(): Promise<void> {
    await this.call('health', () => this.client.health());
  }

  /** The server's version, e.g. `1.21.0`. */
  async version(): Promise<string> {
    return (await this.call('version', () => this.client.getVersion())).pkgVersion;
  }

  async indexExists(uid: string): Promise<boolean> {
    try {
      await this.call(`get index ${uid}`, () => this.client.getRawIndex(uid));
      return true;
    } catch (err) {
      if (err instanceof MeiliError && err.status === 404) return false;
      throw err;
    }
  }

  /** Index names (the first thousand). */
  async listIndexes(): Promise<string[]> {
    const { results } = await this.call('list indexes', () => this.client.getRawIndexes({ limit: 1000 }));
    return results.map((r) => r.uid);
  }

  async documentCount(uid: string): Promise<number> {
    return (await this.call(`stats of ${uid}`, () => this.client.index(uid).getStats())).numberOfDocuments;
  }

  /** Deletes the index if there is one. */
  async deleteIndex(uid: string): Promise<void> {
    if (await this.indexExists(uid)) await this.settle(`delete index ${uid}`, () => this.client.deleteIndex(uid));
  }

  /** Deletes every index whose name starts with `prefix` (a test or benchmark run's own). */
  async deleteIndexesWithPrefix(prefix: string): Promise<void> {
    for (const uid of await this.listIndexes()) if (uid.startsWith(prefix)) await this.deleteIndex(uid);
  }

  /** Creates an index keyed by `id` and applies `settings` (when given) before anything is added. */
  async createIndex(uid: string, settings?: Settings): Promise<void> {
    await this.settle(`create index ${uid}`, () => this.client.createIndex(uid, { primaryKey: 'id' }));
    if (settings) await this.settle(`settings of ${uid}`, () => this.client.index(uid).updateSettings(settings));
  }

  async getSettings(uid: string): Promise<Settings> {
    return this.call(`settings of ${uid}`, () => this.client.index(uid).getSettings());
  }

  /**
   * Enqueues a batch of documents as NDJSON (one parse, no array buffering server-side)
   * and returns its task uid; the caller `waitTask`s it (several may be in flight).
   */
  async addDocuments(uid: string, ndjson: string): Promise<number> {
    return this.enqueue(`add documents to ${uid}`, () => this.client.index(uid).addDocumentsFromString(ndjson, 'application/x-ndjson'));
  }

  /** Enqueues a partial update of documents (fields not given are kept); returns its task uid. */
  async updateDocuments(uid: string, documents: RecordAny[]): Promise<number> {
    return this.enqueue(`update documents of ${uid}`, () => this.client.index(uid).updateDocuments(documents));
  }

  /**
   * Enqueues a partial update of the documents the index holds now; ids it does not hold
   * are left out rather than created with only these fields (Meilisearch 1.21 has no
   * `skipCreation`: a document deleted between the look-up and the update comes back as
   * a stub, a window of milliseconds). Returns its task uid, null when none is held.
   */
  async updateExistingDocuments(uid: string, documents: ({ id: string } & RecordAny)[]): Promise<number | null> {
    if (documents.length === 0) return null;
    // A filter string literal: backslashes and quotes escaped (ids are UUIDs; still never spliced raw).
    const filter = `id IN [${documents.map((d) => `"${d.id.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(', ')}]`;
    const held = await this.call(`documents of ${uid}`, () =>
      this.client.index(uid).getDocuments({ filter, fields: ['id'], limit: documents.length }),
    );
    const ids = new Set(held.results.map((d) => String(d.id)));
    const present = documents.filter((d) => ids.has(d.id));
    return present.length ? this.updateDocuments(uid, present) : null;
  }

  /** Enqueues the deletion of documents by id; returns its task uid. */
  async deleteDocuments(uid: string, ids: string[]): Promise<number> {
    return this.enqueue(`delete documents of ${uid}`, () => this.client.index(uid).deleteDocuments(ids));
  }

  /** Waits for a task to finish; fails unless it succeeded. */
  async waitTask(uid: number, timeoutMs = TASK_TIMEOUT_MS): Promise<MeiliTask> {
    const started = Date.now();
    const task = await this.call(`task ${uid}`, async () => {
      for (const delay of QUICK_POLLS_MS) {
        const task = await this.client.tasks.getTask(uid);
        if (task.status !== 'enqueued' && task.status !== 'processing') return task;
        await new Promise((r) => setTimeout(r, delay));
      }
      const left = Math.max(1, timeoutMs - (Date.now() - started));
      return await this.client.tasks.waitForTask(uid, { interval: SLOW_POLL_MS, timeout: left }).catch((err: unknown) => {
        throw err instanceof MeilisearchTaskTimeOutError
          ? new MeiliError(`Meilisearch task ${uid} still not finished after ${timeoutMs} ms`)
          : err;
      });
    });
    if (task.status !== 'succeeded') {
      throw new MeiliError(
        `Meilisearch task ${uid} (${task.type}) ${task.status}: ${task.error?.message ?? ''}`,
        undefined,
        task.error?.code,
      );
    }
    return task;
  }

  async search<D extends RecordAny = RecordAny>(uid: string, params: SearchParams): Promise<SearchResponse<D>> {
    return this.call(`search ${uid}`, () => this.client.index(uid).search<D>(params.q, params));
  }

  /** Stored documents, optionally matching a filter expression, one page at a time. */
  async getDocuments(uid: string, query: { filter?: string; limit: number; offset?: number }): Promise<RecordAny[]> {
    return (await this.call(`documents of ${uid}`, () => this.client.index(uid).getDocuments(query))).results;
  }

  /** Atomic swap; with `rename` the first index takes the second's name (no live index yet). */
  async swap(a: string, b: string, rename = false): Promise<void> {
    await this.settle(`swap ${a} and ${b}`, () => this.client.swapIndexes([{ indexes: [a, b], rename }]));
  }

  /** Index swaps involving `index` enqueued after `after`, in these states (of the latest hundred). */
  async swapTasks(index: string, statuses: TaskStatus[], after: Date): Promise<MeiliTask[]> {
    const { results } = await this.tasks({ types: ['indexSwap'], statuses, afterEnqueuedAt: after.toISOString(), limit: 100 });
    return results.filter((t) => t.details?.swaps?.some((s) => s.indexes.includes(index)));
  }

  /** One page of the task history (`next` is the `from` of the following page). */
  async tasks(query: TasksOrBatchesQuery): Promise<TasksResults> {
    return this.call('task history', () => this.client.tasks.getTasks(query));
  }

  /** One page of the batch history, progress traces included. */
  async batches(query: TasksOrBatchesQuery): Promise<BatchesResults> {
    return this.call('batch history', () => this.client.batches.getBatches(query));
  }

  /** API keys (the first hundred). */
  async keys(): Promise<Key[]> {
    return (await this.call('list keys', () => this.client.getKeys({ limit: 100 }))).results;
  }

  /**
   * Joins this node to a Meilisearch network (the experimental `network` feature of 1.21):
   * enables the feature, then names this node and every node (itself included) with the
   * search key federated queries reach it with. Idempotent.
   */
  async joinNetwork(self: string, remotes: Record<string, { url: string; searchApiKey: string }>): Promise<void> {
    await this.call('enable the network feature', () => this.client.updateExperimentalFeatures({ network: true }));
    const current = await this.call('network', () => this.client.getNetwork());
    // Remotes this node knows but the topology does not name are removed (null).
    const removed = Object.fromEntries(
      Object.keys(current.remotes ?? {})
        .filter((n) => !(n in remotes))
        .map((n) => [n, null]),
    );
    await this.call('network', () => this.client.updateNetwork({ self, remotes: { ...removed, ...remotes } }));
  }

  /** This node's network: its own name and the remotes it knows (empty when not joined). */
  async network(): Promise<{ self: string | null; remotes: Record<string, { url: string }> }> {
    const n = await this.call('network', () => this.client.getNetwork());
    const remotes: Record<string, { url: string }> = {};
    for (const [name, remote] of Object.entries(n.remotes ?? {})) if (remote) remotes[name] = { url: remote.url };
    return { self: n.self ?? null, remotes };
  }

  /**
   * Creates a key that can only search, every index, without expiry; returns it. With a
   * `uid`, the key is derived from it and the master key, so nodes sharing a master key
   * get the same key.
   */
  async createSearchKey(name: string, uid?: string): Promise<string> {
    return (await this.call('create key', () => this.client.createKey({ uid, name, actions: ['search'], indexes: ['*'], expiresAt: null })))
      .key;
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw meiliError(what, err);
    }
  }

  private async enqueue(what: string, fn: () => Promise<EnqueuedTask>): Promise<number> {
    return (await this.call(what, fn)).taskUid;
  }

  /** Enqueues and waits for the task. */
  private async settle(what: string, fn: () => Promise<EnqueuedTask>): Promise<void> {
    await this.waitTask(await this.enqueue(what, fn));
  }
}

/** One HTTP request as a load generator replays it (method, path with query, headers, body). */
export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * The HTTP requests the official client sends, captured instead of sent: for load
 * generators that replay requests without a client (the search benchmark's raw
 * Meilisearch phases). Paths, headers and bodies are the client's own, so no module
 * writes a REST path; `capture(c => c.index('images').search(q, params))` returns the
 * request that call would make.
 */
export function requestCapture(host: string, apiKey: string): (call: (client: Meilisearch) => Promise<unknown>) => Promise<RawRequest> {
  let captured: RawRequest | null = null;
  const client = new Meilisearch({
    host,
    apiKey,
    // The client hands a custom httpClient the request and returns its answer untouched.
    httpClient: async (input, init) => {
      const url = new URL(String(input));
      captured = {
        method: init?.method ?? 'GET',
        path: `${url.pathname}${url.search}`,
        headers: Object.fromEntries(new Headers(init?.headers)),
        body: typeof init?.body === 'string' ? init.body : undefined,
      };
      return {};
    },
  });
  return async (call) => {
    captured = null;
    await call(client);
    if (!captured) throw new MeiliError('the client sent no request to capture');
    return captured;
  };
}

/** The client's failures as one error type; anything else is rethrown as is. */
function meiliError(what: string, err: unknown): unknown {
  if (err instanceof MeiliError) return err;
  if (err instanceof MeilisearchApiError) {
    return new MeiliError(`Meilisearch ${what}: ${err.message}`, err.response.status, err.cause?.code);
  }
  if (err instanceof MeilisearchRequestError) {
    const cause = err.cause;
    if (cause instanceof MeilisearchRequestTimeOutError)
      return new MeiliError(`Meilisearch ${what}: no answer within ${cause.cause.timeout} ms`);
    return new MeiliError(`Meilisearch ${what} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  // The client parses every answer as JSON: one that is not comes from something else.
  if (err instanceof SyntaxError) return new MeiliError(`Meilisearch ${what}: the answer is not JSON (${err.message})`);
  return err;
}
