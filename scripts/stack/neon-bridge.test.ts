/**
 * neon-bridge against the run's Postgres (see test/services.ts), driven by `@neondatabase/serverless`
 * from Node exactly as the Worker drives it (WebSocket, per-Client config).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client } from '@neondatabase/serverless';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import WebSocket from 'ws';
import { FrontendScanner, startNeonBridge, type NeonBridge } from './neon-bridge';
import { configureNeon, createDb, neonOverrides } from '../../worker/db/neon-config';

// The run's database from the global setup: a real server, or embedded PGlite.
const DATABASE_URL = inject('databaseUrl');
// PGlite has no pg_stat_activity sessions to count: backend-slot checks need a real server.
const realServer = !inject('embeddedPostgres');
const parsed = new URL(DATABASE_URL);
const target = { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port || 5432) };
// Tag our sessions so concurrent users of the same database don't disturb slot counting.
const APP = `neon-bridge-test-${process.pid}`;
const urlWithApp = (() => {
  const u = new URL(DATABASE_URL);
  u.searchParams.set('application_name', APP);
  return u.toString();
})();

let bridge: NeonBridge;
let admin: pg.Client;

async function ourBackends(): Promise<number> {
  const r = await admin.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where application_name = $1', [APP]);
  return r.rows[0].n;
}

async function waitFor(cond: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function openDb(max?: number) {
  return createDb(urlWithApp, { wsProxy: bridge.url, webSocketConstructor: WebSocket, max });
}

beforeAll(async () => {
  bridge = await startNeonBridge({ port: 0, target });
  admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
});

afterAll(async () => {
  await admin?.end();
  await bridge?.close();
});

describe('neon-bridge + @neondatabase/serverless', () => {
  it('returns a host:port url for wsProxy', () => {
    expect(bridge.url).toBe(`127.0.0.1:${bridge.port}`);
    expect(bridge.port).toBeGreaterThan(0);
  });

  it('runs plain, parameterised and multi-row queries through drizzle', async () => {
    const { db, close } = openDb();
    try {
      const one = await db.execute(sql`select 1 as one`);
      expect(one.rows).toEqual([{ one: 1 }]);

      const p = await db.execute(sql`select ${41}::int + 1 as next, ${"it's; drop table x"}::text as echo`);
      expect(p.rows).toEqual([{ next: 42, echo: "it's; drop table x" }]);

      const many = await db.execute(sql`select g as n from generate_series(1, 5) g`);
      expect(many.rows.map((r) => r.n)).toEqual([1, 2, 3, 4, 5]);
    } finally {
      await close();
    }
  });

  it('handles transactions and a temp table on one connection', async () => {
    const { db, close } = openDb();
    try {
      const out = await db.transaction(async (tx) => {
        await tx.execute(sql`create temp table t_bridge (id int primary key, name text) on commit drop`);
        await tx.execute(sql`insert into t_bridge values (1, 'a'), (2, 'b')`);
        const r = await tx.execute(sql`select name from t_bridge order by id`);
        return r.rows.map((x) => x.name);
      });
      expect(out).toEqual(['a', 'b']);
    } finally {
      await close();
    }
  });

  it('carries a large result (exercises backpressure) intact', async () => {
    const { db, close } = openDb();
    try {
      // ~6 MB of row data in one result.
      const r = await db.execute(
        sql`select count(*)::int as n, sum(length(s))::int as bytes from (select repeat(md5(g::text), 4) as s from generate_series(1, 50000) g) x`,
      );
      expect(r.rows[0]).toEqual({ n: 50000, bytes: 50000 * 128 });
      const rows = await db.execute(sql`select g, repeat('x', 100) as pad from generate_series(1, 50000) g`);
      expect(rows.rows.length).toBe(50000);
      expect(rows.rows[49999].g).toBe(50000);
    } finally {
      await close();
    }
  });

  it('serves concurrent pools and queries', async () => {
    const runs = Array.from({ length: 10 }, async (_, i) => {
      const { db, close } = openDb(3);
      try {
        const rs = await Promise.all([0, 1, 2].map((k) => db.execute(sql`select ${i * 10 + k}::int as v, pg_backend_pid() as pid`)));
        return rs.map((r) => r.rows[0].v as number);
      } finally {
        await close();
      }
    });
    const all = (await Promise.all(runs)).flat().sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 10 }, (_, i) => [i * 10, i * 10 + 1, i * 10 + 2]).flat());
  });

  it.runIf(realServer)('releases backend connections when pools close (Terminate ends TCP)', async () => {
    await waitFor(async () => (await ourBackends()) === 0);
    for (let i = 0; i < 20; i++) {
      const { db, close } = openDb();
      const r = await db.execute(sql`select ${i}::int as i`);
      expect(r.rows[0].i).toBe(i);
      await close();
    }
    await waitFor(async () => (await ourBackends()) === 0);
    await waitFor(() => bridge.connections() === 0);
  });

  it('ignores the address the client asks for and only reaches the configured target', async () => {
    // Host/port in the URL are what the driver puts in `?address=`; point them elsewhere.
    const u = new URL(urlWithApp);
    u.hostname = '10.255.255.1';
    u.port = '1';
    const asked: string[] = [];
    const client = new Client(u.toString());
    configureNeon({ wsProxy: bridge.url, webSocketConstructor: WebSocket }, client.neonConfig);
    const overrides = neonOverrides({ wsProxy: bridge.url });
    const wsProxy = overrides.wsProxy as (h: string, p: number | string) => string;
    client.neonConfig.wsProxy = (h, p) => {
      asked.push(`${h}:${p}`);
      return wsProxy(h, p);
    };
    client.on('error', () => {});
    await client.connect();
    try {
      const r = await client.query('select current_database() as db, inet_server_port() as port');
      expect(asked).toEqual(['10.255.255.1:1']);
      expect(r.rows[0].db).toBe(parsed.pathname.slice(1));
      // Unix-socket servers report null; over TCP it's the target's port.
      if (r.rows[0].port !== null) expect(Number(r.rows[0].port)).toBe(target.port);
    } finally {
      await client.end();
    }
  });

  it('a raw WebSocket asking for another address still gets the target', async () => {
    const ws = new WebSocket(`ws://${bridge.url}/v2?address=169.254.169.254:80`);
    ws.binaryType = 'nodebuffer';
    const chunks: Buffer[] = [];
    ws.on('message', (d) => chunks.push(d as Buffer));
    await new Promise<void>((res, rej) => {
      ws.once('open', () => res());
      ws.once('error', rej);
    });
    // StartupMessage: protocol 3.0, user, database.
    const params = Buffer.from(
      `user\0${parsed.username || 'postgres'}\0database\0${parsed.pathname.slice(1)}\0application_name\0${APP}\0\0`,
    );
    const head = Buffer.alloc(8);
    head.writeInt32BE(8 + params.length, 0);
    head.writeInt32BE(196608, 4);
    ws.send(Buffer.concat([head, params]));
    // Wait for ReadyForQuery ('Z').
    await waitFor(() => Buffer.concat(chunks).includes(Buffer.from([0x5a, 0, 0, 0, 5])));
    const all = Buffer.concat(chunks);
    expect(all[0]).toBe(0x52); // 'R' AuthenticationOk (trust) from the Postgres target, not the asked-for host
    const closed = new Promise<number>((res) => ws.once('close', (code) => res(code)));
    ws.send(Buffer.from([0x58, 0, 0, 0, 4])); // Terminate
    expect(await closed).toBe(1000); // bridge ended TCP after Terminate; Postgres closed; bridge closed WS
    await waitFor(() => bridge.connections() === 0);
  });

  it.runIf(realServer)('closes the TCP side when the WebSocket drops mid-session', async () => {
    const { db, pool, close } = openDb();
    await db.execute(sql`select 1`);
    expect(await ourBackends()).toBe(1);
    // Kill the client side abruptly: no Terminate is sent.
    const c = await pool.connect();
    (c as unknown as { neonConfig: { ws?: WebSocket } }).neonConfig.ws?.terminate();
    c.release(true);
    await close();
    await waitFor(async () => (await ourBackends()) === 0);
  });
});

describe('FrontendScanner', () => {
  const startup = (() => {
    const p = Buffer.from('user\0u\0\0');
    const h = Buffer.alloc(8);
    h.writeInt32BE(8 + p.length, 0);
    h.writeInt32BE(196608, 4);
    return Buffer.concat([h, p]);
  })();
  const query = (() => {
    const body = Buffer.from('select 1\0');
    const h = Buffer.alloc(5);
    h[0] = 0x51;
    h.writeInt32BE(4 + body.length, 1);
    return Buffer.concat([h, body]);
  })();
  const terminate = Buffer.from([0x58, 0, 0, 0, 4]);

  it('finds Terminate across arbitrary chunk splits', () => {
    const stream = Buffer.concat([startup, query, query, terminate]);
    for (let split = 1; split < stream.length; split++) {
      const s = new FrontendScanner();
      expect(s.onFrontendData(stream.subarray(0, split))).toBe(-1);
      expect(s.onFrontendData(stream.subarray(split))).toBe(stream.length - split);
    }
  });

  it('does not mistake an X inside a payload for Terminate', () => {
    const body = Buffer.from([0x58, 0, 0, 0, 4, 0]);
    const h = Buffer.alloc(5);
    h[0] = 0x51;
    h.writeInt32BE(4 + body.length, 1);
    const s = new FrontendScanner();
    expect(s.onFrontendData(Buffer.concat([startup, h, body]))).toBe(-1);
  });

  it('stops parsing after an accepted SSL request but resumes after a refusal', () => {
    const ssl = Buffer.alloc(8);
    ssl.writeInt32BE(8, 0);
    ssl.writeInt32BE(80877103, 4);
    const refused = new FrontendScanner();
    expect(refused.onFrontendData(ssl)).toBe(-1);
    refused.onBackendData(Buffer.from('N'));
    expect(refused.onFrontendData(Buffer.concat([startup, terminate]))).toBe(startup.length + 5);

    const accepted = new FrontendScanner();
    accepted.onFrontendData(ssl);
    accepted.onBackendData(Buffer.from('S'));
    expect(accepted.onFrontendData(Buffer.concat([startup, terminate]))).toBe(-1);
  });
});
