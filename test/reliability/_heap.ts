import { findInspector, heapAfterGc } from '../../bench/reliability/inspector.js';
import { loadMix, searchMix } from '../../bench/reliability/mix.js';
import { runSoak, rssByRole } from '../../bench/reliability/soak.js';
import { startPrivateStack } from './private-stack.js';
const MB = 1024 * 1024;
const s = await startPrivateStack({ images: 2000, audio: 500 });
try {
  const port = Number(new URL(s.apiUrl).port);
  const ws = await findInspector(s.workerTree(), port);
  console.log('inspector', ws);
  const rot = searchMix(loadMix());
  const report = async (label: string) => {
    const h = ws ? await heapAfterGc(ws) : null;
    const rss = rssByRole(s.workerTree(), ['workerd', 'workerd-proxy']);
    console.log(label, 'heap after GC', h ? `${(h.used / MB).toFixed(1)} / ${(h.total / MB).toFixed(1)} MB` : 'n/a', 'RSS', Object.entries(rss).map(([k, v]) => `${k} ${(v / MB).toFixed(0)}`).join(' '));
  };
  await report('idle'); await report('idle again');
  for (let i = 1; i <= Number(process.env.ROUNDS ?? 4); i++) {
    const r = await runSoak({ baseUrl: s.apiUrl, connections: 8, seconds: 30, next: rot.next, tree: () => s.workerTree(), roles: [] });
    await report(`after round ${i} (${r.requests} req, ${r.errors} err)`);
  }
} finally { await s.stop(); }
