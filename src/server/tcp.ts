// TCP transport (RFC 7766, RFC 1035 §4.2.2): two-byte length framing, pipelined queries answered
// in order, and the limits that bound what a client can hold: connections in all and per client
// address, message size, time without a whole query (idle), time to finish a message begun
// (slowloris), and answers waiting for a client that does not read them (backpressure).

import { Buffer } from 'node:buffer';
import process from 'node:process';
import net from 'node:net';
import type { Logger } from 'pino';
import { ClientAddress } from './client-address.js';
import { handleStreamMessage, type HandlerOptions } from './handler.js';
import type { SnapshotHolder } from './holder.js';
import type { QueryLog } from './querylog.js';
import type { ServerStats } from './stats.js';

export interface TcpOptions {
  /** Close a connection with no complete query for this long (RFC 7766 §6.2.3). */
  readonly idleTimeoutMs: number;
  readonly maxConnections: number;
  /** Connections one client address may hold at once; more are closed at once. */
  readonly maxPerSource: number;
  /** Longest query message accepted; a longer length prefix closes the connection. */
  readonly maxMessageSize: number;
  /** Close a connection whose message has begun and is not whole this long after its first byte (slowloris). */
  readonly partialTimeoutMs: number;
  /** Answers written and not yet taken by the kernel, per connection, before we stop reading queries. */
  readonly maxInFlight: number;
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
  /** Open connections by client address, for tcp.maxPerSource, shared by every listener; at most maxConnections entries. */
  readonly perSource?: Map<string, number>;
}

export function bindTcp(address: string, port: number, ctx: TcpContext): Promise<TcpListener> {
  const { tcp: options, log, stats } = ctx;
  const connections = new Set<net.Socket>();
  const perSource = ctx.perSource ?? new Map<string, number>();
  const server = net.createServer({ noDelay: true }, (socket) => {
    const source = socket.remoteAddress ?? '';
    const open = perSource.get(source) ?? 0;
    if (open >= options.maxPerSource) {
      stats.tcpPerSourceRefused++;
      socket.destroy();
      return;
    }
    perSource.set(source, open + 1);
    connections.add(socket);
    socket.on('close', () => {
      connections.delete(socket);
      const left = (perSource.get(source) ?? 1) - 1;
      if (left > 0) perSource.set(source, left);
      else perSource.delete(source);
    });
    serveConnection(socket, source, ctx);
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

const EMPTY = Buffer.alloc(0);

/**
 * One connection: framing, answers in order, and the limits that keep a client from holding
 * memory or the connection: an idle timer (no complete query), a partial-message timer (one
 * begun and not finished: bytes trickled one at a time), and backpressure: when maxInFlight
 * answers wait to be taken by the kernel, or the socket's write buffer is past its high-water
 * mark, the client is not reading, and we stop reading it, its queries left in the kernel.
 */
function serveConnection(socket: net.Socket, source: string, ctx: TcpContext): void {
  const { holder, tcp: options, stats, log, queryLog } = ctx;
  const client = new ClientAddress().set(source);
  let pending: Buffer = EMPTY;
  let inFlight = 0;
  let paused = false;
  /** A zone transfer under way: its messages go out before the next query is read. */
  let transfer: Iterator<Buffer> | undefined;
  // Our own timers: socket.setTimeout resets on any byte, so a client trickling one byte at a
  // time would keep the connection forever. The idle timer is refreshed by whole queries only.
  const idle = setTimeout(() => {
    stats.tcpIdleTimeouts++;
    socket.destroy();
  }, options.idleTimeoutMs);
  idle.unref();
  let partial: NodeJS.Timeout | undefined;
  const partialExpired = (): void => {
    stats.tcpPartialTimeouts++;
    socket.destroy();
  };
  socket.on('error', () => {
    stats.sendErrors++;
  });
  socket.on('close', () => {
    clearTimeout(idle);
    clearTimeout(partial);
  });
  // Reading resumes at half the cap, not just under it: else each answer taken would resume
  // reading for one query and pause again.
  const lowWater = options.maxInFlight >> 1;
  const flushed = (): void => {
    inFlight--;
    if (paused && inFlight <= lowWater && !socket.writableNeedDrain) resume();
  };
  const resume = (): void => {
    paused = false;
    answerPending();
    if (!paused && !transfer && !socket.destroyed) socket.resume();
  };
  socket.on('drain', () => {
    if (paused && inFlight <= lowWater) resume();
  });

  const send = (response: Buffer): boolean => {
    const prefix = Buffer.allocUnsafe(2);
    prefix.writeUInt16BE(response.length, 0);
    socket.write(prefix);
    return socket.write(response);
  };

  /** Answers the whole messages in `pending` until backpressure says stop, or a transfer starts. */
  const answerPending = (): void => {
    let at = 0;
    // Corked: the answers to every query in this chunk leave in one writev, not one each.
    socket.cork();
    process.nextTick(() => socket.uncork());
    while (!transfer && pending.length - at >= 2) {
      if (inFlight >= options.maxInFlight || socket.writableNeedDrain) {
        paused = true;
        stats.tcpPaused++;
        socket.pause();
        break;
      }
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
      if (queryLog) queryLog(response, source, 'tcp');
      const prefix = Buffer.allocUnsafe(2);
      prefix.writeUInt16BE(response.length, 0);
      socket.write(prefix);
      inFlight++;
      socket.write(response, flushed);
    }
    pending = at === pending.length ? EMPTY : pending.subarray(at);
    // A message begun and not whole has partialTimeout from now, however slowly it comes.
    if (pending.length === 0 || paused || transfer) {
      clearTimeout(partial);
      partial = undefined;
    } else if (at > 0 || partial === undefined) {
      clearTimeout(partial);
      partial = setTimeout(partialExpired, options.partialTimeoutMs);
      partial.unref();
    }
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
        if (!paused) socket.resume();
        answerPending();
        return;
      }
      idle.refresh();
      if (queryLog && n === 0) queryLog(next.value, source, 'tcp');
      if (!send(next.value)) {
        socket.once('drain', pump);
        return;
      }
    }
    setImmediate(pump);
  };

  socket.on('data', (chunk: Buffer) => {
    // While paused, node delivers at most the chunk it had already read: pending stays bounded.
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    if (!paused && !transfer) answerPending();
  });
}
