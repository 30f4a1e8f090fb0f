/**
 * Is workerd's growing resident memory under load the Worker's heap? Runs rounds of the
 * search mix (8 connections, 30 s each) against a private stack and prints, after each,
 * the Worker's JavaScript heap after a forced full collection (DevTools inspector) next
 * to the RSS of the Worker's workerd and of wrangler's proxy:
 *   ROUNDS=4 node --import tsx test/reliability/heap-rounds.ts
 * (docs/reliability.md quotes a run).
 */
import { findInspector, heapAfterGc } from '../../harness/load/inspector.js';
import { loadMix, searchMix } from '../../harness/load/mix.js';
import { runSoak, rssByRole } from '../../harness/load/soak.js';
import { startPrivateStack } from './private-stack.js';

const MB = 1024 * 1024;
const stack = await startPrivateStack({ images: 2000, audio: 500 });
try {
  const inspector = await findInspector(stack.workerTree(), Number(new URL(stack.apiUrl).port));
  const rotation = searchMix(loadMix());
  const poke = () => fetch(`${stack.apiUrl}/nope/`).then((r) => r.arrayBuffer());
  const report = async (label: string) => {
    const heap = inspector ? await heapAfterGc(inspector, poke) : null;
    const rss = rssByRole(stack.workerTree(), ['workerd', 'workerd-proxy']);
    console.log(
      `${label}: JS heap after GC ${heap ? `${(heap.used / MB).toFixed(1)} MB` : 'n/a'}; RSS ${Object.entries(rss)
        .map(([k, v]) => `${k} ${(v / MB).toFixed(0)} MB`)
        .join(', ')}`,
    );
  };
  await report('idle');
  for (let i = 1; i <= Number(process.env.ROUNDS ?? 4); i++) {
    const r = await runSoak({
      baseUrl: stack.apiUrl,
      connections: 8,
      seconds: 30,
      next: rotation.next,
      tree: () => stack.workerTree(),
      roles: [],
    });
    await report(`after round ${i} (${r.requests} requests, ${r.errors} errors)`);
  }
} finally {
  await stack.stop();
}
