import { describe, expect, it } from 'vitest';
import type { Application } from '../db/api-keys.js';
import { forgetClient, recallToken, rememberToken, TOKEN_MEMO_MS, UNKNOWN_TOKEN_MEMO_MS } from './token-memo.js';

const app: Application = { client_id: 'c1', name: 'n', verified: false, rate_limit_model: 'standard' };

describe('token memo', () => {
  it('remembers a token no longer than the memo time or its expiry', () => {
    const now = 1_000_000;
    rememberToken('h1', { application: app, expiresAt: now + 10 * TOKEN_MEMO_MS }, now);
    expect(recallToken('h1', now + 1)).toEqual(app);
    expect(recallToken('h1', now + TOKEN_MEMO_MS)).toBeUndefined();
    rememberToken('h2', { application: app, expiresAt: now + 1000 }, now);
    expect(recallToken('h2', now + 999)).toEqual(app);
    expect(recallToken('h2', now + 1000)).toBeUndefined();
  });

  it('remembers unknown tokens briefly, and forgets a client after its verification', () => {
    const now = 2_000_000;
    rememberToken('forged', null, now);
    expect(recallToken('forged', now + 1)).toBeNull();
    expect(recallToken('forged', now + UNKNOWN_TOKEN_MEMO_MS)).toBeUndefined();
    rememberToken('h3', { application: { ...app, client_id: 'c3' }, expiresAt: Date.now() + 60_000 });
    forgetClient('c3');
    expect(recallToken('h3')).toBeUndefined();
  });
});
