import { describe, expect, it } from 'vitest';
import { clientIp } from './caller.js';

describe('clientIp', () => {
  it('uses CF-Connecting-IP only, and an IPv6 client is its /64', () => {
    expect(clientIp(new Headers({ 'CF-Connecting-IP': '203.0.113.7', 'X-Forwarded-For': '1.2.3.4' }))).toBe('203.0.113.7');
    expect(clientIp(new Headers({ 'X-Forwarded-For': '1.2.3.4' }))).toBe('unknown');
    const a = clientIp(new Headers({ 'CF-Connecting-IP': '2001:db8:abcd:12::1' }));
    const b = clientIp(new Headers({ 'CF-Connecting-IP': '2001:0db8:abcd:0012:ffff:1:2:3' }));
    expect(a).toBe('2001:db8:abcd:12::/64');
    expect(b).toBe(a);
  });

  it('an IPv4-mapped IPv6 address is its IPv4 client, not one shared /64', () => {
    expect(clientIp(new Headers({ 'CF-Connecting-IP': '::ffff:192.0.2.1' }))).toBe('192.0.2.1');
    expect(clientIp(new Headers({ 'CF-Connecting-IP': '::FFFF:198.51.100.9' }))).toBe('198.51.100.9');
  });
});
