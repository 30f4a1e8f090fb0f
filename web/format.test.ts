import { describe, expect, it } from 'vitest';
import { barsPath, downsample } from './waveform.js';
import { formatDuration, formatWait } from './format.js';

describe('page wording', () => {
  it('formats durations in milliseconds', () => {
    expect(formatDuration(0)).toBe('');
    expect(formatDuration(null)).toBe('');
    expect(formatDuration(9_600)).toBe('0:10');
    expect(formatDuration(71_660)).toBe('1:12');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
  });

  it('formats waits from Retry-After seconds', () => {
    expect(formatWait(1)).toBe('1 second');
    expect(formatWait(42)).toBe('42 seconds');
    expect(formatWait(60)).toBe('1 minute');
    expect(formatWait(3599)).toBe('60 minutes');
  });
});

describe('waveform', () => {
  it('keeps the loudest peak of each slice, clamped to [0, 1]', () => {
    expect(downsample([0.1, 0.9, 0.2, 0.4], 2)).toEqual([0.9, 0.4]);
    expect(downsample([2, -1, Number.NaN], 10)).toEqual([1, 0, 0]);
    expect(downsample(Array.from({ length: 1000 }, (_, i) => i / 999))).toHaveLength(120);
  });

  it('draws one bar per value, silence included', () => {
    const d = barsPath([0, 1], 40);
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d).toContain('M0.15 19.5h0.7v1h-0.7z');
    expect(d).toContain('M1.15 0h0.7v40h-0.7z');
  });
});
