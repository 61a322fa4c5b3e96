// The HTTP(S) listener of the autoconfig responder (off unless http.listen is set): reads a
// request, caps a POST body, asks router.ts, writes the answer. With http.tls.cert and
// http.tls.key it speaks HTTPS, and reloadCertificate() reads both files again (on SIGHUP).
// The request path and POX body can hold an e-mail address: nothing about a request is logged
// unless the query log (log.queries) is on.

import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { SnapshotHolder } from '../holder.js';
import { FORMATS, route, snapshotZones, type Format, type HttpAnswer } from './router.js';

/** Largest POST body read: an Outlook request is about 400 bytes. */
export const MAX_BODY = 16 * 1024;

export interface HttpConfig {
  /** host:port, [v6]:port. */
  readonly listen: string;
  readonly tls: { readonly cert: string; readonly key: string };
}

/** Requests answered, by format and status code: what discodns_http_requests_total reports. */
export interface HttpStats {
  readonly requests: Map<string, number>;
}

export function newHttpStats(): HttpStats {
  return { requests: new Map() };
}

/** Counts by format (mozilla, pox, json, apple, pacc, other) and status. */
export function httpCounts(stats: HttpStats): { format: string; status: string; count: number }[] {
  return [...stats.requests].map(([k, count]) => {
    const [format, status] = k.split(' ');
    return { format: format!, status: status!, count };
  });
}

export interface HttpListener {
  readonly address: string;
  readonly port: number;
  readonly tls: boolean;
  /** Reads http.tls.cert and http.tls.key again; on failure logs it and keeps the certificate in use. */
  reloadCertificate(): void;
  close(): Promise<void>;
}

/** A start-up problem a person can fix, naming the configuration key. */
export class HttpConfigError extends Error {}

function readPair(tls: HttpConfig['tls']): { cert: Buffer; key: Buffer } {
  const read = (key: string, file: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new HttpConfigError(`${key} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
  return { cert: read('http.tls.cert', tls.cert), key: read('http.tls.key', tls.key) };
}

export async function startHttp(config: HttpConfig, holder: SnapshotHolder, stats: HttpStats, log: Logger, logRequests: boolean): Promise<HttpListener> {
  const m = /^\[?([^\]]+?)\]?:([0-9]+)$/.exec(config.listen)!;
  const tlsOn = config.tls.cert !== '';
  let server: http.Server;
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => handle(req, res, holder, stats, log, logRequests);
  if (tlsOn) {
    const pair = readPair(config.tls);
    try {
      server = https.createServer({ ...pair }, handler);
    } catch (e) {
      throw new HttpConfigError(`http.tls.cert and http.tls.key: ${(e as Error).message}`);
    }
  } else {
    server = http.createServer(handler);
  }
  // Slow or idle clients are cut off: this port faces the Internet, behind a proxy or not.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  server.keepAliveTimeout = 5_000;
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(m[2]), m[1], () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  return {
    address: bound.address,
    port: bound.port,
    tls: tlsOn,
    reloadCertificate: () => {
      if (!tlsOn) return;
      try {
        (server as https.Server).setSecureContext(readPair(config.tls));
        log.info({ cert: config.tls.cert }, 'http: certificate reloaded');
      } catch (e) {
        log.error({ err: (e as Error).message }, 'http: certificate not reloaded; the previous one stays in use');
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function handle(req: http.IncomingMessage, res: http.ServerResponse, holder: SnapshotHolder, stats: HttpStats, log: Logger, logRequests: boolean): void {
  const send = (a: HttpAnswer): void => {
    const key = `${a.format} ${a.status}`;
    stats.requests.set(key, (stats.requests.get(key) ?? 0) + 1);
    if (logRequests) {
      log.info({ kind: 'http', client: req.socket.remoteAddress, method: req.method, host: req.headers.host, path: req.url, format: a.format, status: a.status, email: a.email }, 'http');
    }
    const body = typeof a.body === 'string' ? Buffer.from(a.body, 'utf8') : a.body;
    res.writeHead(a.status, { 'content-type': a.type, 'content-length': body.length, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...a.headers });
    res.end(body);
  };
  const view = { method: req.method ?? 'GET', url: req.url ?? '/', host: req.headers.host };
  if (req.method !== 'POST') {
    req.resume();
    send(answer(holder, view, log));
    return;
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  const tooLarge = (): void => {
    send({ status: 413, body: `a request body is at most ${MAX_BODY} bytes\n`, type: 'text/plain; charset=utf-8', format: 'pox', headers: { connection: 'close' } });
    req.destroy();
  };
  if (declared > MAX_BODY) return tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > MAX_BODY) {
      if (!res.headersSent) tooLarge();
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => {
    if (size <= MAX_BODY && !res.headersSent) send(answer(holder, { ...view, body: Buffer.concat(chunks).toString('utf8') }, log));
  });
  req.on('error', () => req.destroy());
}

function answer(holder: SnapshotHolder, view: Parameters<typeof route>[1], log: Logger): HttpAnswer {
  try {
    return route(snapshotZones(holder.current), view);
  } catch (e) {
    // A bug, not the client's fault: logged (without the request, which may hold an address), counted as 500, never a crash.
    log.error({ err: (e as Error).message }, 'bug: http request failed');
    return { status: 500, body: 'internal error\n', type: 'text/plain; charset=utf-8', format: 'other' };
  }
}

export function isFormat(s: string): s is Format {
  return (FORMATS as readonly string[]).includes(s);
}
