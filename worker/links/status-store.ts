/**
 * Recorded link statuses in KV (binding SEARCH_CACHE): `link-status:<sha256 of the URL>`
 * → `{"status": 200, "expires": <epoch s>}`, with the status's TTL from `liveness.ts`.
 * The expiry is in the value too because KV reads do not return it, and the background
 * checker re-checks what is about to expire.
 */
import { sha256Hex } from '../auth/secrets.js';
import { statusTtlSeconds } from './liveness.js';

export const STATUS_KEY_PREFIX = 'link-status:';

/** KV reads at most this many keys in one bulk get. */
const BULK_GET_MAX = 100;

export interface RecordedStatus {
  status: number;
  /** Epoch seconds. */
  expires: number;
}

/** A digest keeps keys short (KV keys are at most 512 bytes; URLs can be longer). */
export async function statusKey(url: string): Promise<string> {
  return `${STATUS_KEY_PREFIX}${await sha256Hex(url)}`;
}

/** Reads many text values with bulk gets. */
export async function getMany(kv: KVNamespace, keys: string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  for (let i = 0; i < keys.length; i += BULK_GET_MAX) {
    const chunk = keys.slice(i, i + BULK_GET_MAX);
    for (const [key, value] of await kv.get(chunk, 'text')) out.set(key, value);
  }
  return out;
}

function parse(value: string | null | undefined): RecordedStatus | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(value) as Partial<RecordedStatus>;
    return Number.isInteger(parsed.status) && typeof parsed.expires === 'number' ? (parsed as RecordedStatus) : null;
  } catch {
    return null;
  }
}

/** Recorded statuses of `urls` (absent from the map: never checked, or expired). Throws when KV fails. */
export async function readStatuses(kv: KVNamespace, urls: string[]): Promise<Map<string, RecordedStatus>> {
  const keys = await Promise.all(urls.map(statusKey));
  const values = await getMany(kv, [...new Set(keys)]);
  const out = new Map<string, RecordedStatus>();
  urls.forEach((url, i) => {
    const recorded = parse(values.get(keys[i]));
    if (recorded) out.set(url, recorded);
  });
  return out;
}

export async function writeStatus(kv: KVNamespace, url: string, status: number, now = Date.now()): Promise<void> {
  const ttl = statusTtlSeconds(status);
  const value: RecordedStatus = { status, expires: Math.floor(now / 1000) + ttl };
  await kv.put(await statusKey(url), JSON.stringify(value), { expirationTtl: ttl });
}
