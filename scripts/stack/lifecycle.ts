/**
 * Every process `npm start` spawns is recorded here, so that each way the stack can end
 * stops all of them: a clean stop, a forced one (second Ctrl-C, watchdog), the launcher
 * SIGKILLed (a reaper process notices within half a second), or a machine crash (the
 * next start finds the leftovers in the ledger and stops them).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

export interface TrackedProcess {
  name: string;
  pid: number;
  /** The child leads a process group of its own (wrangler → workerd): signal the group. */
  group: boolean;
  /** A word of its command line, checked before a later start kills a recorded pid (pids are reused). */
  match: string;
}

const tracked = new Map<number, TrackedProcess>();
let ledger: string | null = null;

function writeLedger(): void {
  if (!ledger) return;
  // `launcher <pid>`, then one line per process, `target pid match name`: simple enough
  // for the reaper's sh.
  const lines = [
    `launcher ${process.pid}`,
    ...[...tracked.values()].map((p) => `${p.group ? -p.pid : p.pid} ${p.pid} ${p.match} ${p.name}`),
  ];
  writeFileSync(ledger, `${lines.join('\n')}\n`, { mode: 0o600 });
}

/** Records a spawned child until it exits. Callers that are not `npm start` pay nothing. */
export function trackChild(child: ChildProcess, opts: Omit<TrackedProcess, 'pid'>): void {
  const pid = child.pid;
  if (!pid) return;
  tracked.set(pid, { ...opts, pid });
  writeLedger();
  child.once('exit', () => {
    // A group outlives its leader when wrangler dies before workerd: keep the record.
    if (opts.group) return;
    tracked.delete(pid);
    writeLedger();
  });
}

/** From now on the tracked processes are also written to `file`. */
export function keepLedger(file: string): void {
  ledger = file;
  writeLedger();
}

/** Signals every tracked process (or group) at once; synchronous, so it is safe at exit. */
export function signalTracked(signal: NodeJS.Signals): void {
  for (const p of tracked.values()) {
    try {
      process.kill(p.group ? -p.pid : p.pid, signal);
    } catch {
      /* already gone */
    }
  }
}

export function trackedCount(): number {
  return tracked.size;
}

/** Forgets every record and removes the ledger: nothing is left to reap. */
export function clearLedger(): void {
  tracked.clear();
  if (ledger) rmSync(ledger, { force: true });
}

/**
 * A detached `sh` that outlives the launcher: once this process is gone, it stops what the
 * ledger still lists (SIGTERM, then SIGKILL 2 s later) and removes the ledger and the
 * stack file, unless a newer start has taken them over. After a clean stop the ledger is
 * gone and it just exits.
 */
export function startReaper(ledgerFile: string, stackFile: string): ChildProcess {
  const script = [
    'while kill -0 "$0" 2>/dev/null; do sleep 0.5; done',
    'mine() { [ "$(head -n 1 "$1" 2>/dev/null)" = "launcher $0" ]; }',
    'mine "$1" || exit 0',
    'tail -n +2 "$1" | while read -r target pid match name; do kill -TERM "$target" 2>/dev/null; done',
    'sleep 2',
    'tail -n +2 "$1" | while read -r target pid match name; do kill -KILL "$target" 2>/dev/null; done',
    'mine "$1" && rm -f "$1"',
    'grep -Eq "pid.: $0([^0-9]|$)" "$2" 2>/dev/null && rm -f "$2"',
    'exit 0',
  ].join('\n');
  const reaper = spawn('sh', ['-c', script, String(process.pid), ledgerFile, stackFile], { detached: true, stdio: 'ignore' });
  reaper.unref();
  return reaper;
}

/** Pids of live processes whose process group is `pgid`, from /proc. */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 5 of /proc/<pid>/stat, counted after the parenthesised command name.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) members.push(Number(entry));
    } catch {
      /* exited while we looked */
    }
  }
  return members;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/**
 * Stops what an earlier launcher left running (its ledger survived it: a crash, or the
 * reaper was killed too). Only processes whose command line still matches the record are
 * touched. Returns one description per process stopped.
 */
export async function reapLeftovers(ledgerFile: string): Promise<string[]> {
  if (!existsSync(ledgerFile)) return [];
  const stopped: string[] = [];
  const targets: number[] = [];
  for (const line of readFileSync(ledgerFile, 'utf8').split('\n')) {
    const [target, pidText, match, ...name] = line.split(' ');
    if (target === 'launcher') continue;
    const pid = Number(pidText);
    if (!pid || !match) continue;
    const pids = Number(target) < 0 && process.platform === 'linux' ? groupMembers(pid) : [pid];
    for (const p of pids) {
      const cmd = commandLine(p);
      if (!cmd || !(cmd.includes(match) || (Number(target) < 0 && cmd.includes('workerd')))) continue;
      targets.push(p);
      stopped.push(`${name.join(' ')} (pid ${p})`);
    }
  }
  for (const p of targets) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  // Ports are free once the processes are reaped; give the kernel a moment.
  const deadline = Date.now() + 3000;
  // A zombie's command line is empty: it no longer holds a port.
  while (targets.some((p) => commandLine(p) !== '') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  rmSync(ledgerFile, { force: true });
  return stopped;
}
