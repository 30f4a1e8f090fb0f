import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadMedia } from './media-download.js';

let server: http.Server;
let base = '';
const hits: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(req.url!);
    if (req.url === '/to-loopback') return void res.writeHead(302, { Location: 'http://127.0.0.1:9/secret' }).end();
    if (req.url === '/hop') return void res.writeHead(301, { Location: '/file' }).end();
    if (req.url === '/big') {
      // No Content-Length: the cap must hold while reading.
      res.writeHead(200, { 'Content-Type': 'audio/wav' });
      for (let i = 0; i < 20; i++) res.write(Buffer.alloc(1024));
      return void res.end();
    }
    res.writeHead(200, { 'Content-Type': 'audio/wav' }).end(Buffer.alloc(100));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('downloadMedia', () => {
  it('never fetches a loopback or private address unless allowed', async () => {
    const before = hits.length;
    await expect(downloadMedia(`${base}/file`, { maxBytes: 1000 })).rejects.toThrow(/private address/);
    await expect(downloadMedia('http://localhost/file', { maxBytes: 1000 })).rejects.toThrow(/private address/);
    await expect(downloadMedia('file:///etc/passwd', { maxBytes: 1000 })).rejects.toThrow(/scheme/);
    expect(hits.length).toBe(before);
    expect((await downloadMedia(`${base}/file`, { maxBytes: 1000, allowPrivate: true })).length).toBe(100);
  });

  it('refuses a public name that resolves to a private address', async () => {
    await expect(
      downloadMedia('http://media.example.org/a.wav', { maxBytes: 1000, resolve: async () => ['93.184.216.34', '10.0.0.7'] }),
    ).rejects.toThrow(/resolves to a private address \(10\.0\.0\.7\)/);
  });

  it('connects to the addresses its own lookup checked, never to a second answer (DNS rebinding)', async () => {
    // fetch's own resolution of `media.invalid` would fail: a download that works went to
    // the address the checked lookup returned, looked up once for the one connection.
    const asked: string[] = [];
    const resolve = async (host: string) => {
      asked.push(host);
      return ['127.0.0.1'];
    };
    const port = new URL(base).port;
    expect((await downloadMedia(`http://media.invalid:${port}/file`, { maxBytes: 1000, allowPrivate: true, resolve })).length).toBe(100);
    expect(asked).toEqual(['media.invalid']);
    // Without the local exemption the same answer is refused before any byte is sent.
    const before = hits.length;
    await expect(downloadMedia(`http://media.invalid:${port}/file`, { maxBytes: 1000, resolve })).rejects.toThrow(
      /resolves to a private address \(127\.0\.0\.1\)/,
    );
    expect(hits.length).toBe(before);
  });

  it('checks every redirect hop, and caps the size while reading', async () => {
    // The first hop is allowed here (a test server on loopback); what matters is the hop check.
    expect((await downloadMedia(`${base}/hop`, { maxBytes: 1000, allowPrivate: true })).length).toBe(100);
    await expect(downloadMedia(`${base}/big`, { maxBytes: 10_000, allowPrivate: true })).rejects.toThrow(/too large/);
  });
});
