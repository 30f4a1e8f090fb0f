/**
 * One HTTP/1.1 request written byte for byte to a socket (fetch cannot send duplicate
 * Host headers, NUL bytes or a megabyte of headers), and the parsed answer.
 */
import net from 'node:net';

export interface RawAnswer {
  /** 0 when the server closed the connection without answering. */
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function rawRequest(baseUrl: string, head: string, timeoutMs = 10_000): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(Number(url.port), url.hostname);
    const done = () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [top, ...rest] = text.split('\r\n\r\n');
      const lines = top.split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
      const headers: Record<string, string> = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      resolve({ status, headers, body: rest.join('\r\n\r\n') });
    };
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', done);
    socket.on('close', done);
    socket.setTimeout(timeoutMs, () => socket.destroy());
    socket.write(head);
  });
}

/** A GET of `path` with `Connection: close` and the given raw header lines ("Name: value"). */
export function rawGet(baseUrl: string, path: string, headerLines: string[] = [], host = new URL(baseUrl).host): Promise<RawAnswer> {
  const lines = [`GET ${path} HTTP/1.1`, `Host: ${host}`, 'Connection: close', ...headerLines];
  return rawRequest(baseUrl, `${lines.join('\r\n')}\r\n\r\n`);
}
