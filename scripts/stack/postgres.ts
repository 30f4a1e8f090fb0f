/**
 * Postgres for the local stack: the embedded PGlite server (served over TCP by
 * pglite-socket) when no DATABASE_URL is given, else the given server.
 */
import { mkdirSync } from 'node:fs';
import pg from 'pg';
import { StackError } from './ports.js';

export interface PostgresServer {
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

export async function startEmbeddedPostgres(opts: { dataDir?: string; port: number }): Promise<PostgresServer> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const db = await PGlite.create(opts.dataDir ?? 'memory://');
  // Several connections: the Worker (through the bridge), the ingest and migrations all
  // connect; PGlite serializes their queries.
  const server = new PGLiteSocketServer({ db, port: opts.port, host: '127.0.0.1', maxConnections: 32 });
  try {
    await server.start();
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
      await server.stop();
      await db.close();
    },
  };
}

/** Checks that DATABASE_URL answers, with an error line that says what to fix. */
export async function checkDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
  } catch (err) {
    const safe = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
    throw new StackError(`cannot reach DATABASE_URL (${safe}): ${(err as Error).message}; check the server is up or unset DATABASE_URL to use the embedded one`);
  } finally {
    await client.end().catch(() => {});
  }
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
