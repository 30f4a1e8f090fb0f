/**
 * `npm run check:deploy`: what can be checked of a deploy without a Cloudflare account.
 *
 * 1. `wrangler deploy --dry-run` for production (the top level) and staging: the
 *    configuration validates and the Worker bundles, with its source map.
 * 2. `wrangler check startup`: the Worker's startup (module evaluation) is profiled in
 *    local workerd, and the CPU it was active (the profile's samples outside "(idle)", the
 *    figure wrangler prints as "Active") must stay under the budget, 400 ms by default.
 *    Cloudflare refuses a Worker whose startup takes over 1 s there; a shared CI machine
 *    is noisy, so an over-budget run is repeated and the best of up to three counts.
 *
 * Options: --budget-ms <n> (default 400).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { wranglerBin, wranglerEnv } from '../stack/wrangler.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { values } = parseArgs({ options: { 'budget-ms': { type: 'string', default: '400' } } });
const budgetMs = Number(values['budget-ms']);
if (!(budgetMs > 0)) throw new Error(`--budget-ms must be a positive number, not ${values['budget-ms']}`);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'edgeverse-deploy-check-'));
const env = wranglerEnv(path.join(tmp, 'wrangler'));

function fail(msg: string): never {
  console.error(`check:deploy: FAILED: ${msg}`);
  rmSync(tmp, { recursive: true, force: true });
  process.exit(1);
}

function wrangler(args: string[]): string {
  const run = spawnSync(process.execPath, [wranglerBin(), ...args, '-c', 'wrangler.toml'], { cwd: ROOT, env, encoding: 'utf8' });
  const output = `${run.stdout}\n${run.stderr}`;
  if (run.status !== 0) fail(`wrangler ${args.join(' ')} exited with ${run.status}:\n${output.trim().split('\n').slice(-30).join('\n')}`);
  return output;
}

for (const [name, envFlag] of [
  ['production', '--env='],
  ['staging', '--env=staging'],
] as const) {
  const outdir = path.join(tmp, `bundle-${name}`);
  const output = wrangler(['deploy', '--dry-run', envFlag, '--outdir', outdir]);
  const upload = /Total Upload:\s*([^\n]+)/.exec(output)?.[1]?.trim();
  if (!upload) fail(`wrangler deploy --dry-run (${name}) printed no "Total Upload" line`);
  if (!existsSync(path.join(outdir, 'index.js.map'))) fail(`wrangler deploy --dry-run (${name}) wrote no source map`);
  console.log(`check:deploy: ${name} bundles (dry run): ${upload}, with its source map`);
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Active time (ms) and the functions that took most of it (self time). */
function activeTime(profile: CpuProfile): { activeMs: number; top: string[] } {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<string, number>();
  let activeUs = 0;
  profile.samples.forEach((id, i) => {
    const frame = frames.get(id);
    if (!frame || frame.functionName === '(idle)') return;
    const us = profile.timeDeltas[i] ?? 0;
    activeUs += us;
    const where = !frame.url
      ? frame.functionName
      : `${frame.functionName || '(anonymous)'} ${path.basename(frame.url)}${frame.lineNumber >= 0 ? `:${frame.lineNumber + 1}` : ' (module scope)'}`;
    self.set(where, (self.get(where) ?? 0) + us);
  });
  const top = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([where, us]) => `${(us / 1000).toFixed(1)} ms ${where}`);
  return { activeMs: activeUs / 1000, top };
}

const runs: number[] = [];
for (let attempt = 1; attempt <= 3; attempt++) {
  const outfile = path.join(tmp, `startup-${attempt}.cpuprofile`);
  const output = wrangler(['check', 'startup', '--outfile', outfile]);
  const { activeMs, top } = activeTime(JSON.parse(readFileSync(outfile, 'utf8')) as CpuProfile);
  const printed = /Active:\s*([\d.]+) ms/.exec(output)?.[1];
  runs.push(activeMs);
  console.log(`check:deploy: startup CPU ${activeMs.toFixed(1)} ms (wrangler: ${printed ?? '?'} ms active), budget ${budgetMs} ms`);
  if (activeMs <= budgetMs) break;
  console.log(`  most of it:\n    ${top.join('\n    ')}`);
}
const best = Math.min(...runs);
rmSync(tmp, { recursive: true, force: true });
if (best > budgetMs)
  fail(`the Worker's startup took ${best.toFixed(1)} ms of CPU at best in ${runs.length} runs, over the ${budgetMs} ms budget`);
console.log(`check:deploy: startup within budget (${best.toFixed(1)} ms ≤ ${budgetMs} ms)`);
