import { describe, expect, it } from 'vitest';
import { mediaAllowed, mediaSources } from './media-policy.js';

const PAGE = 'https://edgeverse.example';
const LOCAL = 'http://127.0.0.1:8787';

describe('which tracks the page may play (its CSP media-src)', () => {
  it("'self': the page's own origin only", () => {
    const sources = ["'self'"];
    expect(mediaAllowed(`${PAGE}/v1/audio/x.wav`, sources, PAGE)).toBe(true);
    expect(mediaAllowed('/relative.wav', sources, PAGE)).toBe(true);
    expect(mediaAllowed('https://mp3d.jamendo.com/download/track/168/mp32', sources, PAGE)).toBe(false);
    expect(mediaAllowed('http://127.0.0.1:8790/audio/a.wav?d=1000', sources, PAGE)).toBe(false);
  });

  it('a host with any port', () => {
    const sources = ["'self'", 'http://127.0.0.1:*', 'http://localhost:*'];
    expect(mediaAllowed('http://127.0.0.1:8790/audio/a.wav?d=1000', sources, LOCAL)).toBe(true);
    expect(mediaAllowed('http://localhost:41234/audio/a.wav', sources, LOCAL)).toBe(true);
    expect(mediaAllowed('https://127.0.0.1:8790/a.wav', sources, LOCAL)).toBe(false);
    expect(mediaAllowed('http://127.0.0.2:8790/a.wav', sources, LOCAL)).toBe(false);
    expect(mediaAllowed('https://mp3d.jamendo.com/a', sources, LOCAL)).toBe(false);
  });

  it('schemes and exact origins, and nothing it cannot parse', () => {
    expect(mediaAllowed('https://a.example/x.mp3', ['https:'], PAGE)).toBe(true);
    expect(mediaAllowed('http://a.example/x.mp3', ['https:'], PAGE)).toBe(false);
    expect(mediaAllowed('https://a.example/x.mp3', ['https://a.example'], PAGE)).toBe(true);
    expect(mediaAllowed('https://a.example:8443/x.mp3', ['https://a.example'], PAGE)).toBe(false);
    expect(mediaAllowed('https://a.example:8443/x.mp3', ['https://a.example:8443'], PAGE)).toBe(true);
    expect(mediaAllowed('http://[::1', ["'self'"], PAGE)).toBe(false);
  });

  it("reads the page's list, and falls back to its own origin only", () => {
    expect(mediaSources("'self'  http://127.0.0.1:*")).toEqual(["'self'", 'http://127.0.0.1:*']);
    expect(mediaSources(null)).toEqual(["'self'"]);
    expect(mediaSources('')).toEqual(["'self'"]);
  });
});
