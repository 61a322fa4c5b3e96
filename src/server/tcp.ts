// TCP transport (RFC 7766, RFC 1035 §4.2.2): two-byte length framing, pipelined queries answered
// in order, an idle timeout that also bounds how long a partial message may take, and limits on
// connections and message size.

import { Buffer } from 'node:buffer';
import process from 'node:process';
import net from 'node:net';
import type { Logger } from 'pino';
import { handleStreamMessage, type HandlerOptions } from './handler.js';
import type { SnapshotHolder } from './holder.js';
import type { QueryLog } from './querylog.js';
import type { ServerStats } from './stats.js';

export interface TcpOptions {
  /** Close a connection with no complete query for this long (RFC 7766 §6.2.3). */
  readonly idleTimeoutMs: number;
  readonly maxConnections: number;
  /** Longest query message accepted; a longer length prefix closes the connection. */
  readonly maxMessageSize: number;
}

export interface TcpListener {
  readonly server: net.Server;
  /** Stops accepting, ends open connections once their written answers are flushed. */
  close(): Promise<void>;
}

export interface TcpContext {
  readonly holder: SnapshotHolder;
  readonly handler: HandlerOptions;
  readonly tcp: TcpOptions;
  readonly stats: ServerStats;
  readonly log: Logger;
  readonly queryLog: QueryLog | undefined;
}

export function bindTcp(address: string, port: number, ctx: TcpContext): Promise<TcpListener> {
  const { tcp: options, log } = ctx;
  const connections = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    serveConnection(socket, ctx);
  });
  server.maxConnections = options.maxConnections;
  const close = (): Promise<void> =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Every query received has been answered synchronously; end() flushes those answers.
      for (const c of connections) c.end();
      // A client that never closes its side must not hold shutdown open.
      setTimeout(() => {
        for (const c of connections) c.destroy();
      }, 2000).unref();
    });
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen({ port, host: address, ipv6Only: net.isIPv6(address) }, () => {
      server.off('error', onError);
      server.on('error', (err) => log.warn({ err: err.message }, 'tcp server error'));
      resolve({ server, close });
    });
  });
}

function serveConnection(socket: net.Socket, ctx: TcpContext): void {
  const { holder, tcp: options, stats, log, queryLog } = ctx;
  const client = socket.remoteAddress ?? '';
  let pending: Buffer = Buffer.alloc(0);
  /** A zone transfer under way: its messages go out before the next query is read. */
  let transfer: Iterator<Buffer> | undefined;
  // Our own timer, refreshed only when a whole message arrives (or a transfer sends one): a client
  // trickling one byte at a time cannot keep the connection forever (socket.setTimeout resets on any byte).
  const idle = setTimeout(() => socket.destroy(), options.idleTimeoutMs);
  idle.unref();
  socket.on('error', () => {
    stats.sendErrors++;
  });
  socket.on('close', () => clearTimeout(idle));
  socket.on('drain', () => {
    if (!transfer) socket.resume();
  });

  const send = (response: Buffer): boolean => {
    const prefix = Buffer.allocUnsafe(2);
    prefix.writeUInt16BE(response.length, 0);
    socket.write(prefix);
    return socket.write(response);
  };

  /** Answers every whole message in `pending`, until a transfer starts. */
  const answerPending = (): void => {
    let at = 0;
    // Corked: the answers to every query in this chunk leave in one writev, not one each.
    socket.cork();
    process.nextTick(() => socket.uncork());
    while (!transfer && pending.length - at >= 2) {
      const len = pending.readUInt16BE(at);
      if (len > options.maxMessageSize || len === 0) {
        socket.destroy();
        return;
      }
      if (pending.length - at - 2 < len) break;
      const msg = pending.subarray(at + 2, at + 2 + len);
      at += 2 + len;
      idle.refresh();
      let response: Buffer | Iterator<Buffer> | undefined;
      try {
        response = handleStreamMessage(holder.current, msg, ctx.handler, stats, client);
      } catch (err) {
        stats.handlerBugs++;
        log.error({ err }, 'bug: query handler threw');
        continue;
      }
      if (!response) continue;
      if (!(response instanceof Buffer)) {
        transfer = response as Iterator<Buffer>;
        // No more reading until the transfer is out: the queries after it wait their turn.
        socket.pause();
        setImmediate(pump);
        break;
      }
      if (queryLog) queryLog(response, client, 'tcp');
      // Backpressure: a client that pipelines without reading gets no more reads from us.
      if (!send(response)) socket.pause();
    }
    pending = at === pending.length ? Buffer.alloc(0) : pending.subarray(at);
  };

  /**
   * Sends the transfer's messages while the socket takes them, a few per turn of the event loop
   * so that other clients are answered meanwhile; waits for 'drain' when the socket is full.
   */
  const pump = (): void => {
    for (let n = 0; n < 4; n++) {
      if (!transfer || socket.destroyed) return;
      let next: IteratorResult<Buffer>;
      try {
        next = transfer.next();
      } catch (err) {
        stats.handlerBugs++;
        log.error({ err }, 'bug: zone transfer threw');
        socket.destroy();
        return;
      }
      if (next.done) {
        transfer = undefined;
        socket.resume();
        answerPending();
        return;
      }
      idle.refresh();
      if (queryLog && n === 0) queryLog(next.value, client, 'tcp');
      if (!send(next.value)) {
        socket.once('drain', pump);
        return;
      }
    }
    setImmediate(pump);
  };

  socket.on('data', (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    if (!transfer) answerPending();
  });
}
