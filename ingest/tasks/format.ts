/** Human-readable progress lines and summaries for terminals. */
import type { Progress } from './progress.js';
import type { RefreshStats } from '../generations/refresh.js';
import type { TaskResult } from './run-task.js';

function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function progressLine(label: string, p: Progress): string {
  const pct = p.total ? Math.min(100, (100 * p.read) / p.total).toFixed(0) : '0';
  return `${label} ${p.phase.padEnd(9)} ${pct.padStart(3)}%  read ${p.read}/${p.total}  indexed ${p.indexed}  skipped ${p.skipped}  ${Math.round(p.rate)} docs/s  ETA ${duration(p.etaSeconds)}`;
}

/**
 * The progress line, and on a Meilisearch network one more line per shard: documents
 * routed to it and indexed by its slowest node.
 */
export function progressLines(label: string, p: Progress): string[] {
  const shards = p.shards ?? [];
  const width = Math.max(0, ...shards.map((s) => s.name.length));
  return [
    progressLine(label, p),
    ...shards.map((s) => `${label}   shard ${s.name.padEnd(width)}  routed ${s.routed}  indexed ${s.indexed}`),
  ];
}

export function taskSummary(result: TaskResult): string[] {
  if ('from' in result) {
    return [`${result.mediaType}: rolled back from generation ${result.from} to ${result.to} (${result.documents} documents live)`];
  }
  if ('removed' in result) {
    return [
      `${result.mediaType}: updated generation ${result.generation} with rows changed since ${result.since}: ${result.indexed} upserted, ${result.removed} removed, ${result.skipped} skipped of ${result.read} read in ${duration(result.durationSeconds)}`,
      ...skippedLines(result),
    ];
  }
  return summaryLines(result);
}

function skippedLines(stats: RefreshStats): string[] {
  return Object.entries(stats.skippedByReason).map(([reason, n]) => {
    const ids = stats.skippedSample
      .filter((s) => s.reason === reason)
      .slice(0, 5)
      .map((s) => s.id);
    return `  skipped ${n} × ${reason} (e.g. ${ids.join(', ')})`;
  });
}

export function summaryLines(stats: RefreshStats): string[] {
  return [
    `${stats.mediaType}: generation ${stats.generation} live in "${stats.index}"${stats.shards ? ` on ${stats.shards.length} shards (${stats.shards.map((s) => s.join('+')).join(', ')})` : ''}: ${stats.indexed} documents, ${stats.loaded} rows, ${stats.skipped} skipped of ${stats.read} read in ${duration(stats.durationSeconds)} (${Math.round(stats.read / Math.max(stats.durationSeconds, 0.001))} rows/s)`,
    ...skippedLines(stats),
  ];
}
