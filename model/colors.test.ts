import { describe, expect, it } from 'vitest';
import { COLOR_NAMES, colorNamesOf, nearestName, nearestNames, PALETTE, parseHex, rankedNames, TIE_DELTA_E, toHex } from './colors.js';

describe('colour palette', () => {
  it('has twelve names, each anchor its own nearest name, well apart from the others', () => {
    expect(COLOR_NAMES).toEqual(['red', 'orange', 'yellow', 'green', 'teal', 'blue', 'purple', 'pink', 'brown', 'black', 'gray', 'white']);
    for (const name of COLOR_NAMES) {
      const [first, second] = rankedNames(parseHex(PALETTE[name])!);
      expect(first).toEqual({ name, distance: 0 });
      // Far beyond a tie: a pixel of one anchor is never labelled as another.
      expect(second.distance, name).toBeGreaterThan(15);
    }
  });

  it('parses #rgb and #rrggbb in any case, and nothing else', () => {
    expect(parseHex('#336699')).toEqual([0x33, 0x66, 0x99]);
    expect(parseHex('#369')).toEqual([0x33, 0x66, 0x99]);
    expect(parseHex('#ABCDEF')).toEqual([0xab, 0xcd, 0xef]);
    for (const bad of ['336699', '#33669', '#3366999', '#ggg', '#', '', 'red', '# 369']) expect(parseHex(bad), bad).toBeNull();
    expect(toHex([51, 102, 153])).toBe('#336699');
    expect(toHex([300, -4, 127.6])).toBe('#ff0080');
  });

  it('maps familiar colours to the names people give them (CIEDE2000)', () => {
    const cases: Record<string, string> = {
      '#336699': 'blue',
      '#ff0000': 'red',
      '#00ff00': 'green',
      '#0000ff': 'blue',
      '#ffff00': 'yellow',
      '#ffa500': 'orange',
      '#008080': 'teal',
      '#800080': 'purple',
      '#a52a2a': 'red',
      '#8b4513': 'brown',
      '#ff69b4': 'pink',
      '#000': 'black',
      '#fff': 'white',
      '#888': 'gray',
    };
    for (const [hex, name] of Object.entries(cases)) expect(nearestName(parseHex(hex)!), hex).toBe(name);
  });

  it('gives every name within a tie of the nearest, nearest first', () => {
    // Light pink sits between pink and white.
    expect(nearestNames(parseHex('#ffc0cb')!)).toEqual(['pink', 'white']);
    for (const hex of ['#336699', '#ffc0cb', '#7f7f40', '#20b2aa']) {
      const ranked = rankedNames(parseHex(hex)!);
      const names = nearestNames(parseHex(hex)!);
      expect(names[0]).toBe(ranked[0].name);
      expect(names).toEqual(ranked.filter((r) => r.distance - ranked[0].distance <= TIE_DELTA_E).map((r) => r.name));
    }
  });

  it('reads a `color` value: a name (any case), a hex colour, or null', () => {
    expect(colorNamesOf('RED')).toEqual(['red']);
    expect(colorNamesOf(' gray ')).toEqual(['gray']);
    expect(colorNamesOf('#336699')).toEqual(['blue']);
    expect(colorNamesOf('#FFC0CB')).toEqual(['pink', 'white']);
    for (const bad of ['grey', 'magenta', '336699', '#12', 'red,blue', '', 'constructor', 'toString', '__proto__'])
      expect(colorNamesOf(bad), bad).toBeNull();
  });
});
