/**
 * Downloads a catalog media file for a Node job (waveforms) with the thumbnail proxy's
 * rules: http(s) only, no credentials, never a private or loopback host (unless the
 * local configuration allows it), redirects followed by hand with every hop checked,
 * a time budget and a size cap. Unlike the Worker, Node can resolve names, so a public
 * name that resolves to a private address is refused too.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isPrivateHost } from '../model/private-address.js';

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

const resolveAll = async (host: string) => (await lookup(host, { all: true })).map((a) => a.address);

async function checkHop(raw: string, opts: DownloadOptions): Promise<URL> {
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`scheme ${url.protocol} is not fetched`);
  if (url.username || url.password) throw new Error('URLs with credentials are not fetched');
  if (opts.allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isPrivateHost(host)) throw new Error(`${host} is a private address`);
  if (!isIP(host)) {
    const addresses = await (opts.resolve ?? resolveAll)(host);
    const inside = addresses.find((a) => isPrivateHost(a));
    if (inside) throw new Error(`${host} resolves to a private address (${inside})`);
  }
  return url;
}

export async function downloadMedia(raw: string, opts: DownloadOptions): Promise<Buffer> {
  const signal = AbortSignal.timeout(opts.timeoutMs ?? 30_000);
  let url = await checkHop(raw, opts);
  for (let hop = 0; ; hop++) {
    const res = await fetch(url, { redirect: 'manual', signal, headers: { 'User-Agent': opts.userAgent ?? 'Edgeverse/0.1' } });
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      const location = res.headers.get('location');
      if (!location) throw new Error(`HTTP ${res.status} without a Location`);
      if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
      url = await checkHop(new URL(location, url).toString(), opts);
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`HTTP ${res.status}`);
    }
    if (Number(res.headers.get('content-length') ?? 0) > opts.maxBytes) {
      await res.body?.cancel();
      throw new Error('file too large');
    }
    // Read with a running cap: a missing or false Content-Length cannot exhaust memory.
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body ?? []) {
      size += chunk.length;
      if (size > opts.maxBytes) throw new Error('file too large');
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  }
}
