/** How the page words durations and waits. Pure: tested in Node (web/format.test.ts). */

/** `m:ss` (or `h:mm:ss`) of a duration in milliseconds. */
export function formatDuration(ms: number | null | undefined): string {
  if (!ms || ms < 0) return '';
  const total = Math.round(ms / 1000);
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const hours = Math.floor(total / 3600);
  const ss = String(s).padStart(2, '0');
  return hours ? `${hours}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** "42 seconds", "3 minutes" (rounded up): how long until a refused request may be sent again. */
export function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
