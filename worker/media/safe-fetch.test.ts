import { describe, expect, it } from 'vitest';
import { checkTarget, MediaFetchError } from './safe-fetch.js';

describe('checkTarget', () => {
  it.each([
    'http://127.0.0.1/x.jpg',
    'http://localhost/x.jpg',
    'http://10.1.2.3/x',
    'http://192.168.0.1/',
    'http://172.20.0.1/',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]/',
    'http://[fd00::1]/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://metadata.internal/',
    'http://localhost./',
    'http://metadata.google.internal./',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[2002:7f00:1::1]/',
    'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/',
    'http://[::127.0.0.1]/',
    'http://198.18.0.1/',
    'file:///etc/passwd',
    'ftp://example.org/a',
    'http://user:pw@example.org/',
    'not a url',
  ])('refuses %s', (url) => {
    expect(() => checkTarget(url, false)).toThrow(MediaFetchError);
  });

  it('accepts public http(s) URLs, and private ones only when allowed', () => {
    expect(checkTarget('https://live.staticflickr.com/1/2.jpg', false).hostname).toBe('live.staticflickr.com');
    expect(checkTarget('http://127.0.0.1:8790/images/a.png', true).port).toBe('8790');
  });
});
