/**
 * Opaque tokens the API hands out and takes back (search cursors, change-feed tokens):
 * `base64url(JSON payload).base64url(HMAC-SHA256)`, under a key derived from the
 * Worker's secret and a label per use, so a token of one kind is never accepted as
 * another. Not encrypted: the payload holds nothing secret.
 */
const encoder = new TextEncoder();
const MAX_TOKEN_LENGTH = 1000;

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  try {
    const raw = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(raw, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

/** A short digest (base64url, 22 characters) of a string. */
export async function shortDigest(value: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(value)))).slice(0, 22);
}

export class SignedTokens {
  private key: Promise<CryptoKey>;

  /** `label` names the use (e.g. `cursor v1`): a token verifies only under its own label. */
  constructor(secret: string, label: string) {
    this.key = (async () => {
      const base = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      const derived = new Uint8Array(await crypto.subtle.sign('HMAC', base, encoder.encode(`edgeverse ${label}`)));
      return crypto.subtle.importKey('raw', derived, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    })();
  }

  async sign(payload: unknown): Promise<string> {
    const body = encoder.encode(JSON.stringify(payload));
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await this.key, body));
    return `${base64url(body)}.${base64url(mac)}`;
  }

  /** The payload, `'malformed'` for what is no token at all, `'forged'` for a signature that does not verify. */
  async open(token: string): Promise<unknown> {
    const [body64, mac64, extra] = token.length <= MAX_TOKEN_LENGTH ? token.split('.') : [];
    const body = body64 ? fromBase64url(body64) : null;
    const mac = mac64 ? fromBase64url(mac64) : null;
    if (!body || !mac || extra !== undefined) return MALFORMED;
    if (!(await crypto.subtle.verify('HMAC', await this.key, mac, body))) return FORGED;
    try {
      return JSON.parse(new TextDecoder().decode(body)) as unknown;
    } catch {
      return MALFORMED;
    }
  }
}

export const MALFORMED = Symbol('malformed token');
export const FORGED = Symbol('forged token');
