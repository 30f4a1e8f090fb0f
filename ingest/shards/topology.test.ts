import { describe, expect, it } from 'vitest';
import { partitionIds, shardOf } from './partition.js';
import { loadTopology, parseTopology } from './topology.js';

const KEY = 'k'.repeat(32);

describe('parseTopology', () => {
  it('groups nodes into shards in order, replicas after their first node', () => {
    const t = parseTopology([
      { name: 's0', url: 'http://a:7700/', masterKey: KEY },
      { name: 's1', url: 'http://b:7700', masterKey: KEY },
      { name: 's0b', url: 'http://c:7700', masterKey: KEY, shard: 's0' },
    ]);
    expect(t.shards.map((s) => [s.name, s.nodes.map((n) => n.name)])).toEqual([
      ['s0', ['s0', 's0b']],
      ['s1', ['s1']],
    ]);
    expect(t.nodes[0].url).toBe('http://a:7700');
    expect(t.networked).toBe(true);
  });

  it('one node is not a network', () => {
    expect(parseTopology([{ name: 'main', url: 'http://a:7700', masterKey: KEY }]).networked).toBe(false);
  });

  it.each([
    [[], /at least one node/],
    [
      [
        { name: 's0', url: 'http://a', masterKey: KEY },
        { name: 's0', url: 'http://b', masterKey: KEY },
      ],
      /two nodes are named "s0"/,
    ],
    [
      [
        { name: 's0', url: 'http://a', masterKey: KEY },
        { name: 's1', url: 'http://a/', masterKey: KEY },
      ],
      /two nodes have the URL http:\/\/a/,
    ],
    [[{ name: 's0', url: 'http://a' }], /node 0\.masterKey/],
    [[{ name: 'S 0', url: 'http://a', masterKey: KEY }], /node 0\.name.*node name/],
    [[{ name: 's0', url: 'ftp://a', masterKey: KEY }], /node 0\.url.*http/],
  ])('refuses a bad list with one line: %j', (nodes, message) => {
    expect(() => parseTopology(nodes)).toThrow(message);
  });

  it('reads MEILI_NODES as JSON, and says so when it is not', () => {
    const nodes = [{ name: 's0', url: 'http://a', masterKey: KEY }];
    expect(loadTopology({ MEILI_NODES: JSON.stringify(nodes) }, { url: 'http://x', masterKey: KEY }).nodes[0].url).toBe('http://a');
    expect(() => loadTopology({ MEILI_NODES: '[{' }, { url: 'http://x', masterKey: KEY })).toThrow(/MEILI_NODES is not JSON/);
    expect(loadTopology({}, { url: 'http://x', masterKey: KEY }).nodes).toEqual([
      { name: 'main', url: 'http://x', masterKey: KEY, shard: 'main' },
    ]);
  });
});

describe('shardOf', () => {
  it('is stable, in range, and spreads ids evenly', () => {
    const ids = Array.from({ length: 30_000 }, (_, i) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`);
    const parts = partitionIds(ids, 3);
    for (const [s, list] of parts) {
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThan(3);
      expect(list.length).toBeGreaterThan(9_000);
      expect(list.length).toBeLessThan(11_000);
      for (const id of list.slice(0, 100)) expect(shardOf(id, 3)).toBe(s);
    }
    expect(shardOf(ids[0], 1)).toBe(0);
    // A fixed value: changing the function would move every document of a live generation.
    expect([shardOf('4bbfe191-1cca-4b9e-aff0-1d3044ef3f2d', 3), shardOf('4bbfe191-1cca-4b9e-aff0-1d3044ef3f2d', 7)]).toEqual([0, 5]);
  });
});
