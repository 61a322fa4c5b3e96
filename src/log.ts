// The root logger: pino JSON to stdout (journald and log shippers read it); pretty on request.
//
// stdout is written so that nothing that happens to it can hold the server: a pipe or socket
// (journald, a log shipper, `| head`) is written without blocking, through libuv, with at most
// MAX_PENDING bytes waiting (later lines are dropped and counted); a closed one (EPIPE) or a
// failing one stops the logging, never the server. pino's own destination retries a failed
// synchronous write forever (sonic-boom's flushSync sleeps and retries on EPIPE), which kept a
// server whose stdout had closed from ever exiting.

import { fstatSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { pino, type Logger } from 'pino';

export type { Logger };

/** Bytes of log lines that may wait for a slow reader; beyond that lines are dropped. */
const MAX_PENDING = 1 << 20;

/** A pino destination for stdout that never blocks, never throws and never keeps the process alive. */
export class StdoutSink {
  #socket: net.Socket | undefined;
  #fd = 1;
  #sync = false;
  #closed = false;
  /** Lines dropped since the last note about it. */
  #dropped = 0;

  constructor(fd = 1) {
    let info;
    try {
      info = fstatSync(fd);
    } catch {
      this.#closed = true; // no stdout at all
      return;
    }
    if (info.isFIFO() || info.isSocket()) {
      // libuv puts the descriptor in non-blocking mode and queues what the reader has not taken.
      const socket = new net.Socket({ fd, readable: false, writable: true });
      socket.on('error', () => {
        // EPIPE and the like: nobody reads any more.
        this.#closed = true;
        socket.destroy();
      });
      socket.on('drain', () => this.#noteDropped());
      socket.unref();
      this.#socket = socket;
    } else {
      // A file, a terminal, /dev/null: writes complete (or fail) at once.
      this.#sync = true;
      this.#fd = fd;
    }
  }

  write(line: string): void {
    if (this.#closed) return;
    if (this.#sync) {
      try {
        writeSync(this.#fd, line);
      } catch {
        this.#dropped++; // ENOSPC, EIO, EAGAIN: this line is lost; the next may get through
      }
      return;
    }
    const socket = this.#socket!;
    if (socket.writableLength > MAX_PENDING) {
      this.#dropped++;
      return;
    }
    socket.write(line);
  }

  /** After a stall: one line saying how many lines were lost. */
  #noteDropped(): void {
    if (this.#dropped === 0) return;
    const n = this.#dropped;
    this.#dropped = 0;
    this.write(`${JSON.stringify({ level: 40, time: Date.now(), service: 'discodns', dropped: n, msg: `${n} log lines dropped: stdout was not read` })}\n`);
  }
}

export function createLogger(level: string, format: 'json' | 'pretty', sink: { write(line: string): void } = new StdoutSink()): Logger {
  if (format === 'pretty') {
    // Formatted in this thread, into the same sink: pino-pretty as a transport runs a worker
    // whose exit waits for stdout.
    const { prettyFactory } = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
    const pretty = prettyFactory({ translateTime: 'SYS:standard' });
    return pino({ level }, { write: (line: string) => sink.write(pretty(line)) });
  }
  return pino({ level, base: { service: 'discodns' } }, sink);
}

/** For commands whose stdout is their output (export, ds): warnings and errors go to stderr. */
export function stderrLogger(level = 'warn'): Logger {
  return pino({ level, base: { service: 'discodns' } }, pino.destination(2));
}
