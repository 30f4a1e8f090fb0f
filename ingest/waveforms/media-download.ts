/**
 * Downloads a catalog media file for a Node job (waveforms) with the thumbnail proxy's
 * rules: http(s) only, no credentials, never a private or loopback host (unless the
 * local configuration allows it), redirects followed by hand with every hop checked,
 * a time budget and a size cap. Unlike the Worker, Node can resolve names, so a public
 * name that resolves to a private address is refused too.
 *
 * The check runs inside the connection's own name lookup: the socket connects to the
 * addresses that were checked, never to a second answer (DNS rebinding), on every hop.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, fetch } from 'undici';
import { isPrivateHost } from '../../model/private-address.js';
import { IngestError } from '../errors.js';

const MAX_REDIRECTS = 3;

export interface DownloadOptions {
  maxBytes: number;
  timeoutMs?: number;
  /** Local stack and tests only: the demo media server is on loopback. */
  allowPrivate?: boolean;
  userAgent?: string;
  /** Name resolution (tests substitute one). */
  resolve?: (host: string) => Promise<string[]>;
}

const resolveAll = (host: string) =>
  new Promise<string[]>((resolve, reject) =>
    dnsLookup(host, { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses.map((a) => a.address)))),
  );

async function resolvePublic(host: string, opts: DownloadOptions): Promise<LookupAddress[]> {
  const addresses = await (opts.resolve ?? resolveAll)(host);
  if (addresses.length === 0) throw new IngestError(`${host} has no address`);
  const inside = opts.allowPrivate ? undefined : addresses.find((a) => isPrivateHost(a));
  if (inside) throw new IngestError(`${host} resolves to a private address (${inside})`);
  return addresses.map((address) => ({ address, family: isIP(address) }));
}

/** A `net.connect` lookup that only ever yields checked addresses. */
function checkedLookup(opts: DownloadOptions): LookupFunction {
  return (host, options, callback) => {
    resolvePublic(host, opts).then(
      (addresses) => {
        const wanted = options.family ? addresses.filter((a) => a.family === options.family) : addresses;
        if (wanted.length === 0)
          return callback(Object.assign(new Error(`${host} has no IPv${options.family} address`), { code: 'ENOTFOUND' }), '', 0);
        if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, wanted);
        callback(null, wanted[0].address, wanted[0].family);
      },
      (err: Error) => callback(err as NodeJS.ErrnoException, '', 0),
    );
  };
}

function checkHop(raw: string, opts: DownloadOptions): URL {
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new IngestError(`scheme ${url.protocol} is not fetched`);
  if (url.username || url.password) throw new IngestError('URLs with credentials are not fetched');
  // Literal addresses never reach the lookup; names are checked there, per connection.
  if (!opts.allowPrivate && isPrivateHost(url.hostname)) throw new IngestError(`${url.hostname} is a private address`);
  return url;
}

/** undici wraps connection failures in "fetch failed": surface the reason instead. */
function reason(err: unknown): Error {
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? cause : (err as Error);
}

export async function downloadMedia(raw: string, opts: DownloadOptions): Promise<Buffer> {
  const signal = AbortSignal.timeout(opts.timeoutMs ?? 30_000);
  const dispatcher = new Agent({ connect: { lookup: checkedLookup(opts) } });
  try {
    let url = checkHop(raw, opts);
    for (let hop = 0; ; hop++) {
      const res = await fetch(url, {
        redirect: 'manual',
        signal,
        dispatcher,
        headers: { 'User-Agent': opts.userAgent ?? 'Edgeverse/0.1' },
      }).catch((err) => {
        throw reason(err);
      });
      if (res.status >= 300 && res.status < 400) {
        await res.body?.cancel();
        const location = res.headers.get('location');
        if (!location) throw new IngestError(`HTTP ${res.status} without a Location`);
        if (hop >= MAX_REDIRECTS) throw new IngestError(`more than ${MAX_REDIRECTS} redirects`);
        url = checkHop(new URL(location, url).toString(), opts);
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new IngestError(`HTTP ${res.status}`);
      }
      if (Number(res.headers.get('content-length') ?? 0) > opts.maxBytes) {
        await res.body?.cancel();
        throw new IngestError('file too large');
      }
      // Read with a running cap: a missing or false Content-Length cannot exhaust memory.
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body ?? []) {
        size += chunk.length;
        if (size > opts.maxBytes) throw new IngestError('file too large');
        chunks.push(Buffer.from(chunk));
      }
      return Buffer.concat(chunks);
    }
  } finally {
    await dispatcher.destroy().catch(() => {});
  }
}
