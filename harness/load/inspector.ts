/**
 * The Worker's JavaScript heap, read through the DevTools inspector `wrangler dev` serves
 * (Chrome DevTools Protocol): a forced garbage collection, then `Runtime.getHeapUsage`.
 * Resident memory alone cannot tell a leak from a heap that has not been collected yet;
 * the heap left after a full collection can.
 */
import WebSocket from 'ws';
import { listeningPorts, type ProcInfo } from '../proc.js';

export interface HeapUsage {
  /** Bytes in use after a forced full collection. */
  used: number;
  total: number;
}

/** The inspector's WebSocket URL for the Worker, found among the ports wrangler's processes listen on. */
export async function findInspector(tree: ProcInfo[], apiPort: number): Promise<string | null> {
  for (const p of tree) {
    for (const port of listeningPorts(p.pid)) {
      if (port === apiPort) continue;
      try {
        const res = await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(1500) });
        if (!res.ok) continue;
        const targets = (await res.json()) as { webSocketDebuggerUrl?: string }[];
        const url = targets.find((t) => t.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
        if (url) return url;
      } catch {
        /* not an inspector */
      }
    }
  }
  return null;
}

/**
 * Forces a full collection and reads the heap; null when the inspector does not answer
 * in 5 tries (a session is often closed at once while wrangler's inspector proxy and the
 * runtime re-attach; the next one usually answers).
 */
export async function heapAfterGc(wsUrl: string, poke?: () => Promise<unknown>): Promise<HeapUsage | null> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const usage = await heapOnce(wsUrl, 5000, poke);
    if (usage) return usage;
    await new Promise((r) => setTimeout(r, 500));
  }
  return null;
}

/**
 * One session. An idle isolate may leave inspector commands queued until it next runs,
 * so `poke` (e.g. a request to the Worker) is called every 250 ms while waiting.
 */
async function heapOnce(wsUrl: string, timeoutMs: number, poke?: () => Promise<unknown>): Promise<HeapUsage | null> {
  const ws = new WebSocket(wsUrl);
  let id = 0;
  const pending = new Map<number, (result: unknown) => void>();
  let closed: () => void = () => {};
  const gone = new Promise<null>((resolve) => (closed = () => resolve(null)));
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.result);
  });
  ws.on('close', () => closed());
  ws.on('error', () => closed());
  const call = (method: string) =>
    new Promise<unknown>((resolve) => {
      const n = ++id;
      pending.set(n, resolve);
      ws.send(JSON.stringify({ id: n, method }));
    });
  const timer = new Promise<null>((resolve) => setTimeout(() => resolve(null), timeoutMs));
  const poker = poke ? setInterval(() => void poke().catch(() => {}), 250) : undefined;
  const work = (async () => {
    await new Promise<void>((resolve) => ws.once('open', () => resolve()));
    await call('HeapProfiler.collectGarbage');
    const usage = (await call('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
    return { used: usage.usedSize, total: usage.totalSize };
  })();
  try {
    return await Promise.race([work, timer, gone]);
  } finally {
    clearInterval(poker);
    ws.terminate();
  }
}
