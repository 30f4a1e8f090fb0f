/**
 * /proc readings, the one home for the benchmarks and the reliability tests: the
 * processes a stack spawned (Meilisearch, workerd, wrangler, the stack's Node), their
 * resident set and CPU time, the machine.
 * Linux /proc only.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface ProcInfo {
  pid: number;
  ppid: number;
  /** Short role name: meilisearch, workerd, wrangler, stack (start.ts), npm, other. */
  role: string;
  cmdline: string;
}

function readProc(pid: number): ProcInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return { pid, ppid, role: roleOf(cmdline), cmdline };
  } catch {
    return null;
  }
}

function roleOf(cmdline: string): string {
  if (/meilisearch/.test(cmdline.split(' ')[0] ?? '')) return 'meilisearch';
  if (/workerd/.test(cmdline.split(' ')[0] ?? '')) return 'workerd';
  if (/wrangler/.test(cmdline)) return 'wrangler';
  if (/scripts\/start\.ts/.test(cmdline)) return 'stack';
  if (/^npm|npm-cli/.test(cmdline)) return 'npm';
  return 'other';
}

/** Every live descendant of `root` (root included). */
export function processTree(root: number): ProcInfo[] {
  const all: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = readProc(Number(name));
    if (p) all.push(p);
  }
  const byParent = new Map<number, ProcInfo[]>();
  for (const p of all) byParent.set(p.ppid, [...(byParent.get(p.ppid) ?? []), p]);
  const out: ProcInfo[] = [];
  const rootInfo = all.find((p) => p.pid === root);
  if (!rootInfo) return out;
  const stack = [rootInfo];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(byParent.get(p.pid) ?? []));
  }
  return out;
}

/** VmRSS and VmHWM in bytes, null when the process is gone. */
export function memOf(pid: number): { rss: number; hwm: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : null;
  };
  const rss = kb('VmRSS');
  const hwm = kb('VmHWM');
  // A zombie has no memory lines: it has exited.
  return rss === null || hwm === null ? null : { rss, hwm };
}

/** Bytes as whole MB for reports ('n/a' when unknown). */
export const mb = (bytes: number | null | undefined): string => (bytes == null ? 'n/a' : (bytes / 1024 ** 2).toFixed(0));

/** User + system CPU seconds of one process, null when gone. */
export function cpuOf(pid: number): number | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

/** CPU seconds per process of a tree, plus this process (role `loadgen`). */
export function cpuSnapshot(tree: ProcInfo[]): Map<number, { role: string; seconds: number }> {
  const out = new Map<number, { role: string; seconds: number }>();
  for (const p of tree) {
    const s = cpuOf(p.pid);
    if (s !== null) out.set(p.pid, { role: p.role, seconds: s });
  }
  const self = process.cpuUsage();
  out.set(process.pid, { role: 'loadgen', seconds: (self.user + self.system) / 1e6 });
  return out;
}

/**
 * CPU seconds per role between two snapshots; processes that appeared count from zero,
 * and `restarted` lists roles with a process that went away (e.g. wrangler restarting
 * workerd after a source change).
 */
export function cpuDelta(
  before: Map<number, { role: string; seconds: number }>,
  after: Map<number, { role: string; seconds: number }>,
): { cpu: Record<string, number>; restarted: string[] } {
  const cpu: Record<string, number> = {};
  for (const [pid, a] of after) cpu[a.role] = (cpu[a.role] ?? 0) + a.seconds - (before.get(pid)?.seconds ?? 0);
  const restarted = [...before].filter(([pid]) => !after.has(pid)).map(([, b]) => b.role);
  return { cpu, restarted: [...new Set(restarted)] };
}

export function diskUsage(dir: string): number | null {
  try {
    return Number(execFileSync('du', ['-sk', dir], { encoding: 'utf8' }).split(/\s+/)[0]) * 1024;
  } catch {
    return null;
  }
}

export function machine(): { cpus: number; cpuModel: string; memoryGiB: number; kernel: string } {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpuModel = m[1].trim();
  } catch {
    /* keep os.cpus() */
  }
  return { cpus: os.availableParallelism(), cpuModel, memoryGiB: os.totalmem() / 1024 ** 3, kernel: `${os.type()} ${os.release()}` };
}

export const loadAvg = (): string =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** Other benchmark processes that would skew the figures (pgrep -f, our own pid excluded). */
export function otherBenchmarks(pattern = 'bench/ingest'): string[] {
  try {
    const out = execFileSync('pgrep', ['-af', pattern], { encoding: 'utf8' });
    return out
      .split('\n')
      .filter(Boolean)
      .filter((l) => Number(l.split(' ')[0]) !== process.pid && !/pgrep/.test(l));
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** TCP ports a process listens on (IPv4/IPv6), from its socket inodes and /proc/net/tcp*. */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch {
        /* fd closed meanwhile */
      }
    }
  } catch {
    return [];
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '0A') continue; // LISTEN
      if (inodes.has(f[9])) ports.add(parseInt(f[1].split(':')[1], 16));
    }
  }
  return [...ports];
}

/** CPU seconds the whole machine has been busy (all CPUs, /proc/stat: everything but idle and iowait). */
export function machineBusySeconds(): number {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = f;
    return (user + nice + system + irq + softirq + (steal ?? 0)) / CLK_TCK;
  } catch {
    return NaN;
  }
}
