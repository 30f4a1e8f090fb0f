/**
 * Progress accounting for long jobs: counts, rate and ETA, reported at most once a
 * second to a callback (the CLI draws it, the task service stores it).
 */
import type { ShardPush } from '../shards/pushers.js';

export interface Progress {
  phase: 'reading' | 'indexing' | 'checking' | 'promoting' | 'done';
  total: number;
  read: number;
  loaded: number;
  indexed: number;
  skipped: number;
  /** Documents per second since the start. */
  rate: number;
  /** Seconds left at the current rate, null until it can be estimated. */
  etaSeconds: number | null;
  elapsedSeconds: number;
  /** On a Meilisearch network: each shard's push (absent on one node). */
  shards?: ShardPush[];
}

export type ProgressListener = (p: Progress) => void;

export class ProgressTracker {
  private readonly started = Date.now();
  private lastEmit = 0;
  readonly state: Progress;

  constructor(
    total: number,
    private readonly listener?: ProgressListener,
  ) {
    this.state = { phase: 'reading', total, read: 0, loaded: 0, indexed: 0, skipped: 0, rate: 0, etaSeconds: null, elapsedSeconds: 0 };
  }

  update(patch: Partial<Progress>, force = false): void {
    Object.assign(this.state, patch);
    const now = Date.now();
    const elapsed = (now - this.started) / 1000;
    this.state.elapsedSeconds = elapsed;
    this.state.rate = elapsed > 0 ? this.state.read / elapsed : 0;
    const left = Math.max(0, this.state.total - this.state.read);
    this.state.etaSeconds = this.state.rate > 0 ? left / this.state.rate : null;
    if (force || now - this.lastEmit >= 1000) {
      this.lastEmit = now;
      this.listener?.({ ...this.state });
    }
  }
}
