/**
 * The turn-taking of embedded Postgres's connections (pglite-turns.ts): parameterised
 * statements stay whole, a transaction keeps its turn, a dead connection gives it back.
 * The end-to-end case that failed before it (two ingest tasks at once) is
 * ingest/tasks/cron-tasks.test.ts.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './ports.js';
import { startEmbeddedPostgres, type PostgresServer } from './postgres.js';

let server: PostgresServer;
beforeAll(async () => {
  server = await startEmbeddedPostgres({ port: await freePort() });
});
afterAll(() => server?.close());

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: server.url });
  client.on('error', () => {});
  await client.connect();
  return client;
}

describe('embedded Postgres with concurrent connections', () => {
  it('keeps each connection’s parameterised statements whole', async () => {
    const clients = await Promise.all([connect(), connect(), connect()]);
    try {
      // Different parameter counts per connection: an interleaved Bind fails loudly.
      const rounds = clients.map(async (client, c) => {
        for (let i = 0; i < 150; i++) {
          const params = Array.from({ length: c + 1 }, (_, k) => i * 10 + k);
          const placeholders = params.map((_, k) => `$${k + 1}::int`).join(' + ');
          const { rows } = await client.query<{ sum: number }>(`select ${placeholders} as sum`, params);
          expect(rows[0].sum).toBe(params.reduce((a, b) => a + b, 0));
        }
      });
      await Promise.all(rounds);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });

  it('a transaction on one connection sees only its own rows while others query', async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    try {
      await a.query('create table turns_t (n int)');
      await a.query('begin');
      const others = (async () => {
        for (let i = 0; i < 50; i++) expect((await b.query('select $1::int + 1 as n', [i])).rows[0].n).toBe(i + 1);
      })();
      for (let i = 0; i < 50; i++) await a.query('insert into turns_t values ($1)', [i]);
      expect((await a.query('select count(*)::int as n from turns_t')).rows[0].n).toBe(50);
      await a.query('commit');
      await others;
      expect((await b.query('select count(*)::int as n from turns_t')).rows[0].n).toBe(50);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });

  it('a connection that dies mid-transaction does not hold the others', async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    await a.query('create table turns_u (n int)');
    await a.query('begin');
    await a.query('insert into turns_u values (1)');
    (a as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    expect((await b.query('select count(*)::int as n from turns_u')).rows[0].n).toBe(0);
    await b.end();
  });
});
