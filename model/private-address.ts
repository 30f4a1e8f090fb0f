/**
 * Which hosts a fetch of catalog media must never reach: every block of the IANA IPv4
 * and IPv6 Special-Purpose Address Registries (loopback, private, link-local, shared,
 * documentation, benchmarking, reserved, the anycast service blocks), multicast, and
 * the translation and tunnel prefixes that embed an IPv4 address (NAT64, 6to4, Teredo,
 * mapped, translated, compatible): media is never served from them, and through them a
 * private IPv4 address could be reached. Also names that only mean something inside a
 * network. Shared by the Worker's thumbnail proxy and link checker (which see only
 * literal addresses: Workers cannot resolve DNS) and the Node jobs (which also check
 * every address a name resolves to).
 */
import ipaddr from 'ipaddr.js';

/** Registry rows (and the few deprecated blocks still routed by old stacks), as CIDR. */
export const SPECIAL_PURPOSE_BLOCKS: readonly string[] = [
  // IPv4 Special-Purpose Address Registry
  '0.0.0.0/8', // "this network" (0.0.0.0/32: "this host")
  '10.0.0.0/8', // private use
  '100.64.0.0/10', // shared address space (carrier-grade NAT)
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link local (cloud metadata endpoints)
  '172.16.0.0/12', // private use
  '192.0.0.0/24', // IETF protocol assignments (incl. /29 continuity, .8 dummy, .9, .10, .170, .171)
  '192.0.2.0/24', // documentation (TEST-NET-1)
  '192.31.196.0/24', // AS112-v4
  '192.52.193.0/24', // AMT
  '192.88.99.0/24', // deprecated 6to4 relay anycast
  '192.168.0.0/16', // private use
  '192.175.48.0/24', // direct delegation AS112
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // documentation (TEST-NET-2)
  '203.0.113.0/24', // documentation (TEST-NET-3)
  '240.0.0.0/4', // reserved
  '255.255.255.255/32', // limited broadcast
  '224.0.0.0/4', // multicast (its own registry)
  // IPv6 Special-Purpose Address Registry
  '::/128', // unspecified
  '::1/128', // loopback
  '::/96', // IPv4-compatible (deprecated, still embeds an IPv4 address)
  '::ffff:0:0/96', // IPv4-mapped
  '::ffff:0:0:0/96', // IPv4-translated (SIIT)
  '64:ff9b::/96', // IPv4-IPv6 translation (NAT64 well-known prefix)
  '64:ff9b:1::/48', // IPv4-IPv6 translation (local use)
  '100::/64', // discard only
  '100:0:0:1::/64', // dummy IPv6 prefix
  '2001::/23', // IETF protocol assignments, which holds:
  '2001::/32', //   Teredo (embeds the server and client IPv4 addresses)
  '2001:1::1/128', //   PCP anycast
  '2001:1::2/128', //   TURN anycast
  '2001:1::3/128', //   DNS-SD SRP anycast
  '2001:2::/48', //   benchmarking
  '2001:3::/32', //   AMT
  '2001:4:112::/48', //   AS112-v6
  '2001:10::/28', //   deprecated ORCHID
  '2001:20::/28', //   ORCHIDv2
  '2001:30::/28', //   drone remote ID entity tags
  '2001:db8::/32', // documentation
  '2002::/16', // 6to4 (embeds an IPv4 address)
  '2620:4f:8000::/48', // direct delegation AS112
  '3fff::/20', // documentation
  '5f00::/16', // segment routing (SRv6) SIDs
  'fc00::/7', // unique local
  'fe80::/10', // link local
  'fec0::/10', // site local (deprecated)
  'ff00::/8', // multicast
];

const BLOCKS = SPECIAL_PURPOSE_BLOCKS.map((cidr) => ipaddr.parseCIDR(cidr));

/** Special-use names that resolve only inside a network (RFC 6761, 6762, 8375; ICANN's `internal`). */
const PRIVATE_NAME = /(^|\.)(localhost|local|internal|home\.arpa)$/;

export function isPrivateHost(hostname: string): boolean {
  // `localhost.` is `localhost`: a trailing dot only makes a name fully qualified.
  const host = hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.+$/, '')
    .toLowerCase();
  if (PRIVATE_NAME.test(host)) return true;
  const literal = host.replace(/%.*$/, ''); // an IPv6 zone (`fe80::1%eth0`)
  if (ipaddr.isValid(literal)) {
    const address = ipaddr.parse(literal);
    return BLOCKS.some(([block, bits]) => address.kind() === block.kind() && address.match(block, bits));
  }
  // Something that looks numeric but is no valid address (`0x1ffffffff`): never a name.
  return host.includes(':') || /^(0x[0-9a-f]+|\d+)([.](0x[0-9a-f]+|\d+))*$/.test(host);
}
