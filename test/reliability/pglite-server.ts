/**
 * PGlite served over TCP in a process of its own, so a test can stop and restart "the
 * database" on a machine without PostgreSQL binaries:
 *   node --import tsx test/reliability/pglite-server.ts --port 5499 --data-dir /tmp/x
 * SIGTERM closes it cleanly (the data folder is reused by the next start).
 */
import { startEmbeddedPostgres } from '../../scripts/stack/postgres.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || !process.argv[i + 1]) throw new Error(`--${name} is required`);
  return process.argv[i + 1];
};

const server = await startEmbeddedPostgres({ port: Number(arg('port')), dataDir: arg('data-dir') });
process.stderr.write('ready\n');
process.once('SIGTERM', () => {
  void server.close().finally(() => process.exit(0));
});
