/**
 * URL helpers shared by the ingest cleanup and the serializers.
 */

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

/**
 * Output rule of §5.3: a value without a scheme gets `https://`. Mirrors Python's
 * `urlparse(...).scheme` check, so `host:8000/x` counts as having a scheme and stays.
 */
export function addHttpsIfSchemeless(url: string | null | undefined): string | null {
  if (url === null || url === undefined) return null;
  return SCHEME.test(url) ? url : `https://${url}`;
}

/**
 * Ingest-time repair of provider URLs (`www.flickr.com/...`, `//cdn/...`). Returns null
 * for values that cannot become an http(s) URL, so the caller can skip or null them.
 */
export function repairUrl(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  let value = raw.trim();
  if (!value) return null;
  if (value.startsWith('//')) value = `https:${value}`;
  else if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(value)) value = `https://${value}`;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (!url.hostname.includes('.') && url.hostname !== 'localhost' && !/^\d+\.\d+\.\d+\.\d+$/.test(url.hostname)) {
      return null;
    }
    return value;
  } catch {
    return null;
  }
}
