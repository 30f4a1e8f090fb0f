/**
 * PGlite served over TCP in a process of its own, so a test can stop and restart "the
 * database" on a machine without PostgreSQL binaries:
 *   node --import tsx test/reliability/pglite-server.ts --port 5499 --data-dir /tmp/x
 * SIGTERM closes it cleanly (the data folder is reused by the next start).
 */
import { cliOptions } from '../../harness/args.js';
import { startEmbeddedPostgres } from '../../scripts/stack/postgres.js';

const USAGE = 'usage: node --import tsx test/reliability/pglite-server.ts --port N --data-dir DIR';
const args = cliOptions({ port: { type: 'string' }, 'data-dir': { type: 'string' } }, USAGE);
if (!args.port || !args['data-dir']) throw new Error(`--port and --data-dir are required; ${USAGE}`);

const server = await startEmbeddedPostgres({ port: Number(args.port), dataDir: args['data-dir'] });
process.stderr.write('ready\n');
process.once('SIGTERM', () => {
  void server.close().finally(() => process.exit(0));
});
