/**
 * Fetches a stored media URL for the thumbnail proxy without becoming an open proxy:
 * only http(s), never a loopback/private/link-local literal address or `localhost`
 * (unless the local configuration allows them), redirects followed by hand and each
 * hop checked the same way, a time budget, and image content types only.
 *
 * Workers cannot resolve DNS, so a public name that resolves to a private address is
 * not caught here; on Cloudflare such fetches cannot reach private networks anyway.
 */
import { isPrivateHost } from '../../model/private-address.js';

export class MediaFetchError extends Error {
  override name = 'MediaFetchError';
  constructor(
    message: string,
    readonly kind: 'refused' | 'timeout' | 'upstream' | 'not_image' | 'too_large',
  ) {
    super(message);
  }
}

const MAX_REDIRECTS = 3;
export const MAX_MEDIA_BYTES = 25 * 1024 * 1024;

export function checkTarget(raw: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new MediaFetchError('the stored URL is not a valid URL', 'refused');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new MediaFetchError(`scheme ${url.protocol} is not fetched`, 'refused');
  if (url.username || url.password) throw new MediaFetchError('URLs with credentials are not fetched', 'refused');
  if (!allowPrivate && isPrivateHost(url.hostname)) throw new MediaFetchError(`${url.hostname} is a private address`, 'refused');
  return url;
}

export interface FetchedMedia {
  status: number;
  contentType: string;
  body: ReadableStream | null;
}

export async function fetchMedia(
  raw: string,
  opts: { allowPrivate: boolean; timeoutMs: number; userAgent: string; accept?: string; cf?: RequestInitCfProperties },
): Promise<FetchedMedia> {
  let url = checkTarget(raw, opts.allowPrivate);
  const signal = AbortSignal.timeout(opts.timeoutMs);
  for (let hop = 0; ; hop++) {
    let res: Response;
    try {
      res = await fetch(url.toString(), {
        redirect: 'manual',
        signal,
        headers: { 'User-Agent': opts.userAgent, Accept: opts.accept ?? 'image/*' },
        cf: opts.cf,
      });
    } catch (err) {
      const name = (err as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new MediaFetchError(`timed out after ${opts.timeoutMs} ms`, 'timeout');
      throw new MediaFetchError((err as Error).message, 'upstream');
    }
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      const location = res.headers.get('location');
      if (!location) throw new MediaFetchError(`the source answered ${res.status} without a Location`, 'upstream');
      if (hop >= MAX_REDIRECTS) throw new MediaFetchError('too many redirects', 'upstream');
      let next: string;
      try {
        next = new URL(location, url).toString();
      } catch {
        throw new MediaFetchError('the source redirected to an invalid URL', 'upstream');
      }
      url = checkTarget(next, opts.allowPrivate);
      continue;
    }
    const contentType = res.headers.get('content-type') ?? '';
    if (res.ok && !/^image\//i.test(contentType)) {
      await res.body?.cancel();
      throw new MediaFetchError(`the upstream answered ${contentType || 'no content type'}, not an image`, 'not_image');
    }
    if (Number(res.headers.get('content-length') ?? 0) > MAX_MEDIA_BYTES) {
      await res.body?.cancel();
      throw new MediaFetchError('the upstream image is too large', 'too_large');
    }
    return { status: res.status, contentType, body: res.body };
  }
}
