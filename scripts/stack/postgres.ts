/**
 * Postgres for the local stack: the embedded PGlite server (served over TCP by
 * pglite-socket) when no DATABASE_URL is given, else the given server.
 */
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import pg from 'pg';
import { ConnectionTurns } from './pglite-turns.js';
import { StackError } from './ports.js';

export interface PostgresServer {
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

/** Connections the embedded server accepts: the Worker (through the bridge), the ingest, migrations. */
const MAX_CONNECTIONS = 32;

export async function startEmbeddedPostgres(opts: { dataDir?: string; port: number }): Promise<PostgresServer> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketHandler } = await import('@electric-sql/pglite-socket');
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const db = await PGlite.create(opts.dataDir ?? 'memory://');
  // pglite-socket's handler speaks the wire protocol per connection; the order in which
  // connections take turns is ours (pglite-turns.ts explains why its own queue is not used).
  const turns = new ConnectionTurns(db);
  const handlers = new Set<InstanceType<typeof PGLiteSocketHandler>>();
  const server = net.createServer((socket) => {
    if (handlers.size >= MAX_CONNECTIONS) {
      socket.end('Too many connections\n');
      return;
    }
    // The handler only calls the queue's public methods, which ConnectionTurns has.
    const handler = new PGLiteSocketHandler({ queryQueue: turns as never, closeOnDetach: true });
    handlers.add(handler);
    const forget = () => handlers.delete(handler);
    handler.addEventListener('close', forget);
    handler.addEventListener('error', forget);
    void handler.attach(socket).catch(() => {
      forget();
      socket.destroy();
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await db.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new StackError(`embedded Postgres port ${opts.port} is taken: stop what uses it or set PG_PORT`);
    throw err;
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${opts.port}/postgres`,
    embedded: true,
    async close() {
      await Promise.all([...handlers].map((h) => h.detach(true)));
      handlers.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}

/** Connects and runs `select 1`: null when the server answers, else why not. */
async function probe(url: string, timeoutMs: number): Promise<Error | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (err) {
    return err as Error;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Whether a PostgreSQL server answers at `url` (start-up waits, the benchmarks' choice of server). */
export async function postgresAnswers(url: string, timeoutMs = 3000): Promise<boolean> {
  return (await probe(url, timeoutMs)) === null;
}

/** Checks that DATABASE_URL answers, with an error line that says what to fix. */
export async function checkDatabase(url: string): Promise<void> {
  const err = await probe(url, 5000);
  if (!err) return;
  const safe = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  throw new StackError(
    `cannot reach DATABASE_URL (${safe}): ${err.message}; check the server is up or unset DATABASE_URL to use the embedded one`,
  );
}

/**
 * A new, empty database named `name` in the server `serverUrl` points at (the machine's
 * shared server: tests and checks each make their own and drop it afterwards).
 */
export async function createDatabase(serverUrl: string, name: string): Promise<PostgresServer> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new StackError(`not a plain database name: ${name}`);
  const query = async (sql: string) => {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await admin.query(sql);
    } finally {
      await admin.end();
    }
  };
  await query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), embedded: false, close: () => query(`drop database if exists ${name} with (force)`) };
}
