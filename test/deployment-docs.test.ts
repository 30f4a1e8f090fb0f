/**
 * The README's deployment steps are what an operator copies: the search key they create
 * must reach the served indexes only, and the budgeting of IPv6 clients is documented.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { liveIndexName } from '../model/search-index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README deployment defaults', () => {
  it('creates a search-only key for the served indexes, nothing more', () => {
    const body = /curl -X POST "\$MEILI_URL\/keys"[^`]*-d '([^']+)'/.exec(readme)?.[1];
    expect(body, 'the key-creation command').toBeDefined();
    const key = JSON.parse(body!) as { actions: string[]; indexes: string[]; expiresAt: unknown };
    expect(key.actions).toEqual(['search']);
    expect(key.indexes.sort()).toEqual([liveIndexName('image'), liveIndexName('audio')].sort());
  });

  it('documents that IPv6 clients are budgeted per /64', () => {
    expect(readme).toMatch(/IPv6 client per \/64 prefix/);
  });
});
