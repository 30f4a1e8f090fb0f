import { describe, expect, it } from 'vitest';
import { isPrivateHost } from './private-address.js';

// Every row of the IANA IPv4 and IPv6 Special-Purpose Address Registries, written out
// here independently of the implementation: [name, first address, last address].
const IPV4_REGISTRY: [string, string, string][] = [
  ['this network', '0.0.0.0', '0.255.255.255'],
  ['this host on this network', '0.0.0.0', '0.0.0.0'],
  ['private-use 10/8', '10.0.0.0', '10.255.255.255'],
  ['shared address space', '100.64.0.0', '100.127.255.255'],
  ['loopback', '127.0.0.0', '127.255.255.255'],
  ['link local', '169.254.0.0', '169.254.255.255'],
  ['private-use 172.16/12', '172.16.0.0', '172.31.255.255'],
  ['IETF protocol assignments', '192.0.0.0', '192.0.0.255'],
  ['IPv4 service continuity prefix', '192.0.0.0', '192.0.0.7'],
  ['IPv4 dummy address', '192.0.0.8', '192.0.0.8'],
  ['port control protocol anycast', '192.0.0.9', '192.0.0.9'],
  ['TURN anycast', '192.0.0.10', '192.0.0.10'],
  ['NAT64/DNS64 discovery', '192.0.0.170', '192.0.0.171'],
  ['documentation TEST-NET-1', '192.0.2.0', '192.0.2.255'],
  ['AS112-v4', '192.31.196.0', '192.31.196.255'],
  ['AMT', '192.52.193.0', '192.52.193.255'],
  ['deprecated 6to4 relay anycast', '192.88.99.0', '192.88.99.255'],
  ['private-use 192.168/16', '192.168.0.0', '192.168.255.255'],
  ['direct delegation AS112', '192.175.48.0', '192.175.48.255'],
  ['benchmarking', '198.18.0.0', '198.19.255.255'],
  ['documentation TEST-NET-2', '198.51.100.0', '198.51.100.255'],
  ['documentation TEST-NET-3', '203.0.113.0', '203.0.113.255'],
  ['reserved', '240.0.0.0', '255.255.255.254'],
  ['limited broadcast', '255.255.255.255', '255.255.255.255'],
  ['multicast', '224.0.0.0', '239.255.255.255'],
];

const IPV6_REGISTRY: [string, string, string][] = [
  ['loopback', '::1', '::1'],
  ['unspecified', '::', '::'],
  ['IPv4-mapped', '::ffff:0.0.0.0', '::ffff:255.255.255.255'],
  ['IPv4-compatible (deprecated)', '::0.0.0.2', '::255.255.255.255'],
  ['IPv4-translated', '::ffff:0:0.0.0.0', '::ffff:0:255.255.255.255'],
  ['IPv4-IPv6 translation', '64:ff9b::', '64:ff9b::ffff:ffff'],
  ['IPv4-IPv6 translation, local use', '64:ff9b:1::', '64:ff9b:1:ffff:ffff:ffff:ffff:ffff'],
  ['discard-only', '100::', '100::ffff:ffff:ffff:ffff'],
  ['dummy IPv6 prefix', '100:0:0:1::', '100:0:0:1:ffff:ffff:ffff:ffff'],
  ['IETF protocol assignments', '2001::', '2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['Teredo', '2001::', '2001:0:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['PCP anycast', '2001:1::1', '2001:1::1'],
  ['TURN anycast', '2001:1::2', '2001:1::2'],
  ['DNS-SD SRP anycast', '2001:1::3', '2001:1::3'],
  ['benchmarking', '2001:2::', '2001:2:0:ffff:ffff:ffff:ffff:ffff'],
  ['AMT', '2001:3::', '2001:3:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['AS112-v6', '2001:4:112::', '2001:4:112:ffff:ffff:ffff:ffff:ffff'],
  ['deprecated ORCHID', '2001:10::', '2001:1f:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['ORCHIDv2', '2001:20::', '2001:2f:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['drone remote ID entity tags', '2001:30::', '2001:3f:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['documentation 2001:db8::/32', '2001:db8::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['6to4', '2002::', '2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['direct delegation AS112', '2620:4f:8000::', '2620:4f:8000:ffff:ffff:ffff:ffff:ffff'],
  ['documentation 3fff::/20', '3fff::', '3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['segment routing SIDs', '5f00::', '5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['unique local', 'fc00::', 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['link-local unicast', 'fe80::', 'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['site local (deprecated)', 'fec0::', 'feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['multicast', 'ff00::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
];

describe('isPrivateHost', () => {
  it.each(IPV4_REGISTRY)('refuses IPv4 %s, first and last address (%s – %s)', (_name, first, last) => {
    expect(isPrivateHost(first)).toBe(true);
    expect(isPrivateHost(last)).toBe(true);
  });

  it.each(IPV6_REGISTRY)('refuses IPv6 %s, first and last address (%s – %s)', (_name, first, last) => {
    expect(isPrivateHost(first)).toBe(true);
    expect(isPrivateHost(last)).toBe(true);
    expect(isPrivateHost(`[${first}]`)).toBe(true);
  });

  it.each([
    ['NAT64 of loopback', '64:ff9b::7f00:1'],
    ['NAT64 of the metadata address', '64:ff9b::169.254.169.254'],
    ['6to4 of a private address', '2002:c0a8:0101::1'],
    ['Teredo', '2001:0:4136:e378:8000:63bf:3fff:fdd2'],
    ['mapped loopback', '::ffff:127.0.0.1'],
    ['mapped, written in hex', '::ffff:7f00:1'],
    ['compatible loopback', '::127.0.0.1'],
    ['zone-scoped link local', 'fe80::1%eth0'],
    ['long IPv4 form', '2130706433'],
    ['hex IPv4 form', '0x7f000001'],
    ['short IPv4 form', '127.1'],
    ['octal IPv4 form', '0177.0.0.1'],
    ['out-of-range numeric host', '0x1ffffffff'],
  ])('refuses %s (%s)', (_name, host) => {
    expect(isPrivateHost(host)).toBe(true);
  });

  it.each([
    'localhost',
    'localhost.',
    'LOCALHOST..',
    'app.localhost.',
    'printer.local',
    'printer.local.',
    'metadata.google.internal',
    'metadata.google.internal.',
    'nas.home.arpa',
    'nas.home.arpa.',
  ])('refuses the private name %s, trailing dot or not', (host) => {
    expect(isPrivateHost(host)).toBe(true);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '1.1.1.1',
    '9.255.255.255',
    '11.0.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '126.255.255.255',
    '128.0.0.0',
    '169.253.255.255',
    '169.255.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '192.0.1.0',
    '192.167.255.255',
    '192.169.0.0',
    '198.17.255.255',
    '198.20.0.0',
    '223.255.255.255',
    '2606:4700:4700::1111',
    '2a00:1450:4001:81b::200e',
    '2001:200::1',
    '2001:db7:ffff::1',
    '2001:db9::1',
    '2003::1',
    '3ffe:ffff::1',
    '4000::1',
    '2620:4f:7fff::1',
    'fbff::1',
    'live.staticflickr.com',
    'upload.wikimedia.org',
    'localhost.example.org',
    'local.example',
    'internal-media.example.org',
    '1e100.net',
  ])('accepts the public %s', (host) => {
    expect(isPrivateHost(host)).toBe(false);
  });
});
