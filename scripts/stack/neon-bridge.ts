/**
 * neon-bridge: a minimal WebSocket → TCP bridge so that `@neondatabase/serverless`
 * (Pool/Client over WebSocket, as used by the Worker in production) can talk to a
 * plain Postgres server locally and in tests: a real PostgreSQL, or PGlite served
 * by `@electric-sql/pglite-socket`.
 *
 * Each WebSocket connection gets its own TCP connection to the ONE configured
 * target. The `?address=host:port` the Neon driver puts in the URL is ignored on
 * purpose: the bridge never opens a connection to a client-chosen address.
 *
 * Binary frames are piped both ways with backpressure. When either side closes or
 * errors, the other is closed too. After forwarding a frontend Terminate message
 * ('X', int32 length 4) the TCP side is ended at once, because pglite-socket keeps
 * the connection slot otherwise.
 *
 * Standalone:
 *   npx tsx scripts/stack/neon-bridge.ts --port 5488 --target 127.0.0.1:5432 [--host 127.0.0.1]
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { pathToFileURL } from 'node:url';
import { WebSocketServer, WebSocket, type RawData } from 'ws';

export interface NeonBridgeOptions {
  /** Port to listen on; 0 picks a free one (see the returned `port`). */
  port: number;
  /** Interface to bind; default 127.0.0.1 (loopback only). */
  host?: string;
  /** The only TCP endpoint connections are ever opened to. */
  target: { host: string; port: number };
  /** Optional logger for connection events; silent by default. */
  log?: (message: string) => void;
}

export interface NeonBridge {
  /** `host:port` without protocol, suitable as the Neon `wsProxy` base (e.g. `127.0.0.1:5488`). */
  url: string;
  port: number;
  /** Number of WebSocket↔TCP pairs currently open. */
  connections(): number;
  /** Stops listening and tears down every open pair. */
  close(): Promise<void>;
}

/** Pause reading TCP when this many bytes are queued on the WebSocket, resume below the low mark. */
const WS_HIGH_WATER = 1024 * 1024;
const WS_LOW_WATER = 256 * 1024;
/** After a half-close (TCP end), give the peer this long before destroying the socket. */
const END_GRACE_MS = 2000;

const SSL_REQUEST_CODE = 80877103;
const GSSENC_REQUEST_CODE = 80877104;
const CANCEL_REQUEST_CODE = 80877102;
const TERMINATE = 0x58; // 'X'

/**
 * Incremental scanner over the frontend (client → server) Postgres message stream.
 * It never buffers payloads: it only tracks message boundaries so that a Terminate
 * message can be detected, and reports the offset just past it.
 */
export class FrontendScanner {
  /** 'startup': untyped messages (startup/SSLRequest/cancel); 'typed': regular messages; 'opaque': TLS or unknown. */
  private state: 'startup' | 'await-ssl-reply' | 'typed' | 'opaque' = 'startup';
  private header = Buffer.alloc(8);
  private headerLen = 0;
  private skip = 0;
  private pendingType = 0;

  /** Feed server → client bytes; only the reply to an SSL/GSSENC request matters. */
  onBackendData(chunk: Buffer): void {
    if (this.state !== 'await-ssl-reply' || chunk.length === 0) return;
    // 'N' = no encryption, client will send a plain startup next; anything else ⇒ TLS/GSS: stop parsing.
    this.state = chunk[0] === 0x4e ? 'startup' : 'opaque';
  }

  /**
   * Feed client → server bytes. Returns the offset (exclusive) of the end of a
   * Terminate message in this chunk, or -1 if none ends in this chunk.
   */
  onFrontendData(chunk: Buffer): number {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'opaque' || this.state === 'await-ssl-reply') return -1;
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      const need = this.state === 'startup' ? 8 : 5;
      const n = Math.min(need - this.headerLen, chunk.length - i);
      chunk.copy(this.header, this.headerLen, i, i + n);
      this.headerLen += n;
      i += n;
      if (this.headerLen < need) continue;
      this.headerLen = 0;
      if (this.state === 'startup') {
        const len = this.header.readInt32BE(0);
        const code = this.header.readInt32BE(4);
        if (len < 8) {
          this.state = 'opaque';
          return -1;
        }
        this.skip = len - 8;
        if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) this.state = 'await-ssl-reply';
        else if (code === CANCEL_REQUEST_CODE) this.state = 'opaque';
        else this.state = 'typed';
      } else {
        this.pendingType = this.header[0];
        const len = this.header.readInt32BE(1);
        if (len < 4) {
          this.state = 'opaque';
          return -1;
        }
        this.skip = len - 4;
        if (this.pendingType === TERMINATE && this.skip === 0) return i;
      }
    }
    return -1;
  }
}

function toBuffer(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return data as Buffer;
}

function formatHostPort(host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '[::1]' : host;
  return h.includes(':') && !h.startsWith('[') ? `[${h}]:${port}` : `${h}:${port}`;
}

export async function startNeonBridge(opts: NeonBridgeOptions): Promise<NeonBridge> {
  const host = opts.host ?? '127.0.0.1';
  const target = { host: opts.target.host, port: Number(opts.target.port) };
  if (!target.host || !Number.isInteger(target.port) || target.port <= 0 || target.port > 65535) {
    throw new Error(`neon-bridge: invalid target ${JSON.stringify(opts.target)}`);
  }
  const log = opts.log ?? (() => {});
  const pairs = new Set<{ ws: WebSocket; tcp: net.Socket }>();
  let nextId = 1;

  const wss = new WebSocketServer({ host, port: opts.port, perMessageDeflate: false, clientTracking: false });

  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    const id = nextId++;
    // The requested address is informational only; routing is fixed to `target`.
    const requested = new URL(req.url ?? '/', 'ws://bridge').searchParams.get('address');
    log(`#${id} ws open from ${req.socket.remoteAddress} (asked for ${requested ?? '-'}) → ${target.host}:${target.port}`);

    const tcp = net.connect({ host: target.host, port: target.port });
    tcp.setNoDelay(true);
    const pair = { ws, tcp };
    pairs.add(pair);
    const scanner = new FrontendScanner();
    let wsQueued = 0;
    let tcpPaused = false;
    let terminated = false;
    let endTimer: NodeJS.Timeout | undefined;

    const closeWs = (code: number, reason: string) => {
      if (ws.readyState === WebSocket.OPEN) ws.close(code, reason);
      else if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
    };
    const endTcp = () => {
      if (tcp.destroyed) return;
      tcp.end();
      endTimer ??= setTimeout(() => tcp.destroy(), END_GRACE_MS);
      endTimer.unref();
    };

    // client → server
    ws.on('message', (data: RawData) => {
      if (terminated || tcp.destroyed || tcp.writableEnded) return;
      const buf = toBuffer(data);
      const end = scanner.onFrontendData(buf);
      if (end >= 0) {
        // Forward up to and including Terminate, then close the TCP side (pglite-socket slot release).
        terminated = true;
        tcp.write(end === buf.length ? buf : buf.subarray(0, end));
        log(`#${id} Terminate forwarded; ending TCP`);
        endTcp();
        return;
      }
      if (!tcp.write(buf)) ws.pause();
    });
    tcp.on('drain', () => ws.resume());

    // server → client
    tcp.on('data', (chunk: Buffer) => {
      scanner.onBackendData(chunk);
      if (ws.readyState !== WebSocket.OPEN) return;
      wsQueued += chunk.length;
      ws.send(chunk, { binary: true }, () => {
        wsQueued -= chunk.length;
        if (tcpPaused && wsQueued < WS_LOW_WATER) {
          tcpPaused = false;
          tcp.resume();
        }
      });
      if (!tcpPaused && wsQueued > WS_HIGH_WATER) {
        tcpPaused = true;
        tcp.pause();
      }
    });

    ws.on('close', (code: number) => {
      log(`#${id} ws closed (${code})`);
      endTcp();
    });
    ws.on('error', (err: Error) => {
      log(`#${id} ws error: ${err.message}`);
      tcp.destroy();
    });
    tcp.on('error', (err: Error) => {
      log(`#${id} tcp error: ${err.message}`);
      closeWs(1011, 'upstream error');
    });
    tcp.on('end', () => {
      // Server half-closed: finish our side too (allowHalfOpen is false, so this is automatic) and close WS.
      closeWs(1000, 'upstream closed');
    });
    tcp.on('close', () => {
      if (endTimer) clearTimeout(endTimer);
      pairs.delete(pair);
      log(`#${id} tcp closed`);
      closeWs(1000, 'upstream closed');
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    wss.once('error', onError);
    wss.once('listening', () => {
      wss.off('error', onError);
      resolve();
    });
  });
  wss.on('error', (err: Error) => log(`server error: ${err.message}`));

  const port = (wss.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: formatHostPort(host, port),
    port,
    connections: () => pairs.size,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const { ws, tcp } of pairs) {
          ws.terminate();
          tcp.destroy();
        }
        pairs.clear();
        wss.close(() => resolve());
      });
      return closing;
    },
  };
}

function parseTarget(value: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(value);
  if (!m) throw new Error(`--target must be host:port, got ${JSON.stringify(value)}`);
  return { host: m[1], port: Number(m[2]) };
}

async function main(argv: string[]): Promise<void> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const eq = a.indexOf('=');
    if (eq > 0) args.set(a.slice(2, eq), a.slice(eq + 1));
    else args.set(a.slice(2), argv[++i] ?? '');
  }
  if (args.has('help')) {
    console.log('usage: neon-bridge --port 5488 --target 127.0.0.1:5432 [--host 127.0.0.1] [--verbose]');
    return;
  }
  const bridge = await startNeonBridge({
    port: Number(args.get('port') ?? 5488),
    host: args.get('host') ?? '127.0.0.1',
    target: parseTarget(args.get('target') ?? '127.0.0.1:5432'),
    log: args.has('verbose') ? (m) => console.log(`[neon-bridge] ${m}`) : undefined,
  });
  console.log(`[neon-bridge] listening on ws://${bridge.url} → ${args.get('target') ?? '127.0.0.1:5432'}`);
  const stop = () => {
    void bridge.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`[neon-bridge] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
