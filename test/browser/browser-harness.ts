/**
 * What the browser tests share: Debian's Chromium (scripts/install-browser.sh; the
 * tests skip without it, saying why), and `wrangler dev` Workers against the test
 * services, each in its own state folder, stopped together.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { inject } from 'vitest';
import { freePort } from '../../scripts/stack/ports.js';
import { startWorker, type WorkerProcess } from '../../scripts/stack/wrangler.js';
import { testServiceVars } from '../worker-vars.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const hasChromium = existsSync(CHROMIUM);
export const SKIP_REASON = `${CHROMIUM} is missing: run scripts/install-browser.sh (CI does) to install Debian's chromium`;
/** Polls wait as long as the page may take on a loaded 2-core CI machine (1 s, the default, was once too short). */
export const SLOW = { timeout: 30_000 };

/** Headless Chromium without the background traffic that would count as off-origin requests. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

/** The Worker's variables for the test services and their fixture catalog. */
export function serviceVars(): Record<string, string> {
  // The media server also resizes thumbnails as Photon would.
  return { ...testServiceVars(inject), PHOTON_ENDPOINT: `${inject('mediaUrl')}/photon/` };
}

/** `wrangler dev` Workers started by one test file; `close` stops them all and removes their state. */
export function workerPool(name: string) {
  const stateDirs: string[] = [];
  const workers: WorkerProcess[] = [];
  return {
    async start(vars: Record<string, string>): Promise<WorkerProcess> {
      const stateDir = mkdtempSync(path.join(tmpdir(), `edgeverse-${name}-`));
      stateDirs.push(stateDir);
      const worker = await startWorker({ root: ROOT, stateDir, port: await freePort(), quiet: true, vars });
      workers.push(worker);
      return worker;
    },
    async close(): Promise<void> {
      await Promise.all(workers.map((w) => w.close()));
      for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}
