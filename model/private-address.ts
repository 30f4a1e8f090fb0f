/**
 * Which hosts a fetch of catalog media must never reach: loopback, private, link-local,
 * carrier-grade NAT, multicast and reserved ranges, and names that only mean something
 * inside a network. Shared by the Worker's thumbnail proxy and link checker (which see
 * only literal addresses: Workers cannot resolve DNS) and the Node jobs (which also
 * check what a name resolves to).
 */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || a >= 224;
  }
  if (host.includes(':')) {
    return host === '::1' || host === '::' || host.startsWith('fc') || host.startsWith('fd') || host.startsWith('fe80') || host.startsWith('::ffff:');
  }
  // Decimal or hex encodings of an address (`2130706433`, `0x7f000001`) are refused too.
  return /^(0x[0-9a-f]+|\d+)$/.test(host);
}
