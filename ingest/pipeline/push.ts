/**
 * The last stage of the pipeline: documents (NDJSON lines) and removals → Meilisearch
 * tasks on one index, batched by bytes, with a bounded number of tasks in flight. The
 * caller's loop awaits `add` and `remove`, so a busy engine slows the read loop
 * (backpressure) instead of growing memory. Every task is waited for and must succeed;
 * the first failure is thrown by the next call and by `finish`. Tasks are enqueued in
 * call order, and Meilisearch runs an index's tasks in that order, so a removal after an
 * upsert of the same id wins.
 */
import type { MeiliAdmin } from '../meili-admin.js';
import { ByteBatch } from './serialise.js';

/** Meilisearch payload size: few large payloads index fastest. */
export const DEFAULT_BATCH_BYTES = 8 * 1024 * 1024;
/**
 * Tasks queued in Meilisearch at once. A deep queue costs the ingest no memory (each
 * payload is released once enqueued) and lets Meilisearch merge queued tasks into fewer,
 * larger batches: at 1M documents 8 turned 170 batches into 44 and halved the indexing
 * time (bench/RESULTS.md, "ingest stages").
 */
export const DEFAULT_MAX_IN_FLIGHT = 8;

export interface PushOptions {
  /** Target payload size of one batch of documents. */
  batchBytes?: number;
  /** Tasks enqueued and not yet finished. */
  maxInFlight?: number;
  /** Called as tasks succeed, with the documents (or removals) they carried. */
  onDone?: (counts: { indexed: number; removed: number }) => void;
}

export class DocumentPusher {
  private readonly pending: ByteBatch;
  private readonly window: InFlightWindow;
  private readonly sending = new Set<Promise<void>>();
  private barrier: Promise<void> = Promise.resolve();

  constructor(
    private readonly meili: MeiliAdmin,
    private readonly index: string,
    private readonly opts: PushOptions = {},
  ) {
    this.pending = new ByteBatch(opts.batchBytes ?? DEFAULT_BATCH_BYTES);
    this.window = new InFlightWindow(opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
  }

  /** One document as its JSON line; sent once the batch reaches `batchBytes`. */
  async add(line: string): Promise<void> {
    if (this.pending.add(line)) await this.flush();
  }

  /** Deletes these ids, after every document added before. */
  async remove(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.flush();
    await this.enqueue(() => this.meili.deleteDocuments(this.index, ids), { indexed: 0, removed: ids.length }, true);
  }

  /** Sends what is buffered, waits for every task, and throws the first failure. */
  async finish(): Promise<void> {
    await this.flush();
    await this.window.drain();
  }

  /**
   * Waits until no payload is still uploading (tasks already enqueued keep running):
   * after a failure, so that nothing reaches the index once the caller deletes it.
   */
  async settle(): Promise<void> {
    await Promise.all([...this.sending]);
  }

  private async flush(): Promise<void> {
    const taken = this.pending.take();
    if (!taken) return;
    let body: string | null = taken.body;
    const docs = taken.docs;
    await this.enqueue(
      async () => {
        const uid = await this.meili.addDocuments(this.index, body!);
        // Meilisearch holds the payload once enqueued: release it while the task runs
        // (the closure would otherwise keep every in-flight payload alive).
        body = null;
        return uid;
      },
      { indexed: docs, removed: 0 },
      false,
    );
  }

  /**
   * Payloads upload in the background, several at once, while the caller reads on; an
   * `ordered` send (a removal) starts after every earlier send, and later ones after it.
   */
  private async enqueue(send: () => Promise<number>, counts: { indexed: number; removed: number }, ordered: boolean): Promise<void> {
    // Backpressure: the caller waits here while the engine is busy.
    await this.window.acquire();
    const after = ordered ? Promise.all([...this.sending]) : this.barrier;
    const sent = after.then(send);
    const settled = sent.then(
      () => {},
      () => {},
    );
    if (ordered) this.barrier = settled;
    this.sending.add(settled);
    void settled.then(() => this.sending.delete(settled));
    this.window.track(sent.then((uid) => this.meili.waitTask(uid)).then(() => this.opts.onDone?.(counts)));
  }
}

/**
 * A bounded number of tasks running at once: `acquire` waits for a free slot (the
 * backpressure on whoever starts tasks) and throws the first failure so far; `drain`
 * waits for every task and throws the first failure.
 */
export class InFlightWindow {
  private readonly tasks = new Set<Promise<void>>();
  private failure: Error | null = null;

  constructor(readonly size: number) {}

  async acquire(): Promise<void> {
    while (this.tasks.size >= this.size) await Promise.race(this.tasks);
    if (this.failure) throw this.failure;
  }

  /** Counts a started task until it settles; its failure is kept for `acquire` and `drain`. */
  track(task: Promise<unknown>): void {
    const tracked: Promise<void> = task
      .then(
        () => {},
        (err: Error) => {
          this.failure ??= err;
        },
      )
      .finally(() => this.tasks.delete(tracked));
    this.tasks.add(tracked);
  }

  async drain(): Promise<void> {
    await Promise.all(this.tasks);
    if (this.failure) throw this.failure;
  }
}
