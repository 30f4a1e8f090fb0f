/**
 * `npm start` always stops: every way a person or a supervisor ends it, at every stage
 * (start-up, ingest, waveform and colour backfills, idle), leaves no process, port or state file.
 * Each stop is timed and printed; the launcher's own budget is 8 s before it kills what
 * is left (scripts/start.ts), so a stop that takes 30 s is a hang, and fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, isPortTaken } from './stack/ports.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'edgeverse-stop-test-'));
// One state folder reused by most starts (the demo catalog is loaded once); fresh ones
// where the stage under test only happens on a first start.
const shared = path.join(root, 'shared');
const timings: string[] = [];
const launches: Launch[] = [];

afterAll(() => {
  console.log(`[stop] signal → launcher exit:\n${timings.map((t) => `  ${t}`).join('\n')}`);
  // A test that failed before its stop leaves its stack running: kill it before the state
  // folders go, or its reaper would find no ledger. Process groups only (the launcher's
  // holds Meilisearch, wrangler's holds workerd): a group id is not reused while it exists.
  for (const run of launches.filter((r) => r.child.exitCode === null && r.child.signalCode === null)) {
    for (const target of [-run.child.pid!, ...[...run.seen.groups].map((g) => -g)]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
  rmSync(root, { recursive: true, force: true });
});

interface Launch {
  child: ChildProcess;
  stateDir: string;
  ports: number[];
  output(): string;
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
  /** Every pid the ledger listed while the stack ran, and the groups among them. */
  seen: { pids: Set<number>; groups: Set<number> };
}

async function launch(opts: { stateDir?: string; viaNpm?: boolean; env?: Record<string, string> } = {}): Promise<Launch> {
  const stateDir = opts.stateDir ?? shared;
  const portEnv = { PORT: await freePort(), MEDIA_PORT: await freePort(), MEILI_PORT: await freePort(), PG_PORT: await freePort() };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EDGEVERSE_STATE_DIR: stateDir,
    DEMO_IMAGES: '400',
    DEMO_AUDIO: '80',
    ...opts.env,
    ...Object.fromEntries(Object.entries(portEnv).map(([k, v]) => [k, String(v)])),
  };
  delete env.DATABASE_URL;
  delete env.MEILI_URL;
  delete env.MEILI_MASTER_KEY;
  // Its own process group, as a terminal gives a foreground job: group signals reach
  // the launcher and Meilisearch, not this test.
  const child = opts.viaNpm
    ? spawn('npm', ['start', '--silent'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  const seen = { pids: new Set<number>(), groups: new Set<number>() };
  const ledger = path.join(stateDir, 'children');
  const watch = setInterval(() => {
    try {
      for (const line of readFileSync(ledger, 'utf8').split('\n').slice(1)) {
        const [target, pid] = line.split(' ').map(Number);
        if (!pid) continue;
        seen.pids.add(pid);
        if (target < 0) seen.groups.add(pid);
      }
    } catch {
      /* not written yet, or removed */
    }
  }, 20);
  void exited.then(() => clearInterval(watch));
  const run: Launch = {
    child,
    stateDir,
    ports: Object.values(portEnv),
    output: () => output,
    exited,
    seen,
    async waitFor(text, timeoutMs = 240_000) {
      const deadline = Date.now() + timeoutMs;
      const found = () => (typeof text === 'string' ? output.includes(text) : text.test(output));
      while (!found()) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`npm start exited before ${text}:\n${output}`);
        if (Date.now() > deadline) throw new Error(`no ${text} within ${timeoutMs} ms:\n${output}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
  launches.push(run);
  return run;
}

function alive(pid: number): boolean {
  try {
    // A zombie has an empty command line: it holds no port and no file.
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8') !== '';
  } catch {
    return false;
  }
}

/** Live processes of process group `pgid`. */
function groupMembers(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid && alive(Number(e));
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Processes whose command line names `text` (the reaper names the state folder). */
function processesNaming(text: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e) && Number(e) !== process.pid)
    .filter((e) => {
      try {
        return readFileSync(`/proc/${e}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Waits for `cond` up to `ms`; the last answer. */
async function within(ms: number, cond: () => boolean | Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await cond()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops `run` with `how` and checks nothing is left: processes, ports, state files. */
async function expectStopped(run: Launch, label: string, how: () => void, opts: { launcherKilled?: boolean } = {}): Promise<void> {
  const t0 = Date.now();
  how();
  const code = await Promise.race([run.exited, new Promise<'hang'>((r) => setTimeout(() => r('hang'), 30_000))]);
  const took = (Date.now() - t0) / 1000;
  const said =
    run
      .output()
      .match(/\[edgeverse\] stopped.*/g)
      ?.pop() ?? 'no "stopped" line';
  timings.push(`${label}: ${took.toFixed(2)} s (exit ${code}; ${said})`);
  if (code === 'hang') {
    process.kill(-run.child.pid!, 'SIGKILL');
    throw new Error(`${label}: npm start did not exit within 30 s:\n${run.output()}`);
  }
  // With the launcher SIGKILLed, its reaper stops the rest: a few seconds.
  const grace = opts.launcherKilled ? 6000 : 1500;
  const leftovers = () => [
    ...[...run.seen.pids].filter(alive),
    ...[...run.seen.groups].flatMap(groupMembers),
    ...processesNaming(path.join(run.stateDir, 'children')),
  ];
  expect(await within(grace, () => leftovers().length === 0), `${label}: processes left: ${leftovers().join(', ')}\n${run.output()}`).toBe(
    true,
  );
  for (const port of run.ports) {
    expect(await within(grace, async () => !(await isPortTaken(port))), `${label}: port ${port} still taken`).toBe(true);
  }
  for (const file of ['stack.json', 'children']) {
    expect(await within(grace, () => !existsSync(path.join(run.stateDir, file))), `${label}: ${file} left behind`).toBe(true);
  }
}

const signalLauncher = (run: Launch, sig: NodeJS.Signals) => () => process.kill(run.child.pid!, sig);
const signalGroup = (run: Launch, sig: NodeJS.Signals) => () => process.kill(-run.child.pid!, sig);

describe('npm start stops everything, every way', () => {
  it('a first start, then SIGINT when idle', async () => {
    const run = await launch();
    await run.waitFor('ready in');
    await expectStopped(run, 'SIGINT, idle', signalLauncher(run, 'SIGINT'));
    expect(run.output()).toContain('[edgeverse] stopped');
  });

  it('SIGTERM when idle (after showing the mail link and a log line per request)', async () => {
    const run = await launch({ env: { LOG_LEVEL: 'info' } });
    await run.waitFor('Ctrl-C stops everything');
    // Locally the verification mail is not sent: its link must reach the terminal.
    const res = await fetch(`http://127.0.0.1:${run.ports[0]}/v1/auth_tokens/register/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'stop test', description: 'checks the mail line', email: 'newcomer@example.org' }),
    });
    expect(res.status, await res.text()).toBe(201);
    await run.waitFor(/mail to newcomer@example\.org: verify the API key by opening http:\/\/\S+\/v1\/auth_tokens\/verify\//, 20_000);
    // LOG_LEVEL=info: one JSON line per request, with its request id.
    await run.waitFor(/"level":"info","msg":"request".*"path":"\/v1\/auth_tokens\/register\/"/, 20_000);
    await expectStopped(run, 'SIGTERM, idle', signalLauncher(run, 'SIGTERM'));
  });

  it('a doubled SIGINT (npm forwarding the terminal’s) is one stop, not a forced exit', async () => {
    const run = await launch();
    await run.waitFor('Ctrl-C stops everything');
    await expectStopped(run, 'SIGINT twice in 5 ms', () => {
      process.kill(run.child.pid!, 'SIGINT');
      setTimeout(() => process.kill(run.child.pid!, 'SIGINT'), 5);
    });
    expect(run.output()).toContain('[edgeverse] stopped\n');
    expect(run.output()).not.toContain('forced');
  });

  it('Ctrl-C in a terminal: SIGINT to the process group', async () => {
    const run = await launch();
    await run.waitFor('Ctrl-C stops everything');
    await expectStopped(run, 'SIGINT to the group, idle', signalGroup(run, 'SIGINT'));
  });

  it('Ctrl-C on `npm start`: npm forwards the signal the launcher also got', async () => {
    const run = await launch({ viaNpm: true });
    await run.waitFor('Ctrl-C stops everything');
    await expectStopped(run, 'npm start, SIGINT to the group', signalGroup(run, 'SIGINT'));
  });

  it('SIGTERM to the group during the waveform backfill', async () => {
    const run = await launch();
    await run.waitFor('ready in');
    await expectStopped(run, 'SIGTERM to the group, backfill', signalGroup(run, 'SIGTERM'));
  });

  it('SIGINT to the group during the colour backfill', async () => {
    // Without waveforms the colour job starts as soon as the API is up (400 images: a minute of work).
    const run = await launch({ env: { WAVEFORM_BACKFILL: 'off' } });
    await run.waitFor('waveforms: skipped');
    await new Promise((r) => setTimeout(r, 1500));
    expect(run.output()).not.toMatch(/colors: \d+ computed/);
    await expectStopped(run, 'SIGINT to the group, colour backfill', signalGroup(run, 'SIGINT'));
  });

  it('SIGINT during start-up, before the Worker runs', async () => {
    const run = await launch();
    await run.waitFor('migrations applied');
    await expectStopped(run, 'SIGINT, start-up', signalLauncher(run, 'SIGINT'));
  });

  it('SIGINT during the demo ingest of a first start', async () => {
    const run = await launch({ stateDir: path.join(root, 'fresh') });
    await run.waitFor('demo catalog generated');
    await expectStopped(run, 'SIGINT, ingest', signalGroup(run, 'SIGINT'));
    // The next start finishes the interrupted refresh.
    const again = await launch({ stateDir: path.join(root, 'fresh') });
    await again.waitFor('ready in');
    await expectStopped(again, 'SIGINT after an interrupted ingest', signalLauncher(again, 'SIGINT'));
  });

  it('SHARDS=3: Ctrl-C stops every Meilisearch node of the network too', async () => {
    const run = await launch({ stateDir: path.join(root, 'shards'), env: { SHARDS: '3' } });
    await run.waitFor('ready in');
    expect(run.output()).toContain('Meilisearch network of 3 shards');
    // The second and third nodes listen on MEILI_PORT + 1 and + 2.
    const base = Number(/s0 http:\/\/127\.0\.0\.1:(\d+)/.exec(run.output())![1]);
    run.ports.push(base + 1, base + 2);
    await expectStopped(run, 'SIGINT to the group, SHARDS=3', signalGroup(run, 'SIGINT'));
  });

  it('a second Ctrl-C later forces the stop, and still leaves nothing', async () => {
    const run = await launch();
    await run.waitFor('ready in');
    // A frozen Meilisearch cannot stop politely: the clean stop waits, the second press forces.
    const meili = [...run.seen.pids].find((p) => !run.seen.groups.has(p))!;
    process.kill(meili, 'SIGSTOP');
    await expectStopped(run, 'SIGINT, then again after 1.2 s (Meilisearch frozen)', () => {
      process.kill(run.child.pid!, 'SIGINT');
      setTimeout(() => process.kill(run.child.pid!, 'SIGINT'), 1200);
    });
    expect(run.output()).toContain('stopped (forced)');
  });

  it('SIGKILL of the launcher: its reaper stops the rest within seconds', async () => {
    const run = await launch();
    await run.waitFor('Ctrl-C stops everything');
    await expectStopped(run, 'SIGKILL of the launcher', signalLauncher(run, 'SIGKILL'), { launcherKilled: true });
  });

  it('a start that finds leftovers of a dead stack says so and cleans them', async () => {
    const dir = path.join(root, 'leftovers');
    const run = await launch({ stateDir: dir });
    await run.waitFor('Ctrl-C stops everything');
    // The launcher and its reaper die together, as in a crash: Meilisearch and wrangler live on.
    for (const pid of processesNaming(path.join(dir, 'children'))) process.kill(pid, 'SIGKILL');
    process.kill(run.child.pid!, 'SIGKILL');
    await run.exited;
    const orphans = [...run.seen.pids].filter(alive);
    expect(orphans.length).toBeGreaterThan(0);
    const next = await launch({ stateDir: dir });
    await next.waitFor('ready in');
    expect(next.output()).toMatch(/stopped what an earlier npm start left running: .*Meilisearch \(pid \d+\)/);
    expect(orphans.filter(alive)).toEqual([]);
    await expectStopped(next, 'SIGINT after cleaning leftovers', signalLauncher(next, 'SIGINT'));
  });
});
