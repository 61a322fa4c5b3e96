// The control socket, as knotc's is to Knot: a unix socket (mode 0600) on which `discodns ctl`
// asks the running server for its status, its zones, or a reload, and waits for the answer.
// One request a connection: a JSON line in, a JSON line out.
//
// The socket is also what tells two servers apart: one that finds a live socket at its path
// refuses to start (another server answers there); a socket nobody answers on is a leftover of
// a server that died, and is replaced.

import { lstatSync, chmodSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import type { Logger } from 'pino';

export const COMMANDS = ['status', 'zones', 'zone', 'reload', 'check'] as const;
export type Command = (typeof COMMANDS)[number];

export interface Request {
  readonly command: Command;
  /** For `zone`. */
  readonly zone?: string;
}

export type Response = ({ readonly ok: true } & Record<string, unknown>) | { readonly ok: false; readonly error: string };

export type Handler = (request: Request) => Promise<Response> | Response;

/** Why the control socket cannot be had: the message says what to do. */
export class ControlError extends Error {
  constructor(
    message: string,
    /** Another server answers on the socket (a reason not to start at all). */
    readonly live = false,
  ) {
    super(message);
  }
}

/** Longest a request line may be; requests are a few dozen bytes. */
const MAX_REQUEST = 4096;

/** Whether a server answers on `path`: connects, and hangs up. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(path);
    const done = (live: boolean): void => {
      sock.destroy();
      resolve(live);
    };
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
    sock.setTimeout(2000, () => done(true)); // something holds it but is slow: do not take it over
  });
}

/**
 * Makes the path free for this server's socket: nothing there, or a socket nobody answers on
 * (removed). A live one, or something that is not a socket, is a ControlError.
 */
export async function claimSocket(path: string): Promise<void> {
  let info;
  try {
    info = lstatSync(path);
  } catch {
    return; // nothing there
  }
  if (!info.isSocket()) throw new ControlError(`control socket ${path} exists and is not a socket: remove it, or set control.socket (--socket) to another path`, true);
  if (await answers(path)) {
    throw new ControlError(
      `another discodns is running with the control socket ${path} (discodns ctl --socket ${path} status shows it): stop it, or give this one another --state or --socket`,
      true,
    );
  }
  unlinkSync(path); // left by a server that did not stop cleanly
}

export interface ControlServer {
  /** Stops listening (the socket file goes) and drops the connections open. */
  close(): Promise<void>;
}

/** Listens on `path` (mode 0600) and answers each request with `handle`. */
export function serveControl(path: string, handle: Handler, log: Logger): Promise<ControlServer> {
  const open = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    open.add(sock);
    sock.on('close', () => open.delete(sock));
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('error', () => undefined); // ctl went away: nothing to answer
    sock.on('data', (chunk: string) => {
      buf += chunk;
      const end = buf.indexOf('\n');
      if (end < 0) {
        if (buf.length > MAX_REQUEST) sock.destroy();
        return;
      }
      sock.removeAllListeners('data');
      const request = parseRequest(buf.slice(0, end));
      void Promise.resolve('error' in request ? { ok: false as const, error: request.error } : handle(request))
        .catch((err: unknown): Response => {
          log.error({ err }, 'bug: control request failed');
          return { ok: false, error: `internal error: ${(err as Error).message}` };
        })
        .then((response) => sock.end(`${JSON.stringify(response)}\n`));
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'EADDRINUSE'
          ? new ControlError(`another discodns is running with the control socket ${path}: stop it, or give this one another --state or --socket`, true)
          : new ControlError(`cannot listen on the control socket ${path} (control.socket): ${e.message}`),
      );
    });
    // Created with no access for others (the umask applies at bind), then made sure of.
    const umask = process.umask(0o177);
    try {
      server.listen(path, () => {
        server.removeAllListeners('error');
        server.on('error', (err) => log.error({ err }, 'control socket error'));
        try {
          chmodSync(path, 0o600);
        } catch {
          /* the umask already did it */
        }
        resolve({
          close: () =>
            new Promise<void>((done) => {
              server.close(() => done());
              // A ctl still waiting (for a reload) gets no answer: the server is going.
              for (const sock of open) sock.destroy();
            }),
        });
      });
    } finally {
      process.umask(umask);
    }
  });
}

function parseRequest(line: string): Request | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { error: 'not a JSON request' };
  }
  const r = value as { command?: unknown; zone?: unknown };
  if (typeof r !== 'object' || r === null || !COMMANDS.includes(r.command as Command)) return { error: `unknown command; known: ${COMMANDS.join(', ')}` };
  if (r.command === 'zone' && typeof r.zone !== 'string') return { error: 'zone needs a zone name' };
  return typeof r.zone === 'string' ? { command: r.command as Command, zone: r.zone } : { command: r.command as Command };
}

/** Sends one request to the server at `path`; rejects with a message a person can act on. */
export function request(path: string, req: Request, timeoutMs: number): Promise<Response> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(path);
    let buf = '';
    sock.setEncoding('utf8');
    const timer = timeoutMs > 0 ? setTimeout(() => fail(new ControlError(`no answer from discodns at ${path} within ${timeoutMs / 1000} s`)), timeoutMs) : undefined;
    const fail = (e: Error): void => {
      if (timer) clearTimeout(timer);
      sock.destroy();
      reject(e);
    };
    sock.on('connect', () => sock.write(`${JSON.stringify(req)}\n`));
    sock.on('data', (chunk: string) => (buf += chunk));
    sock.on('end', () => {
      if (timer) clearTimeout(timer);
      try {
        resolve(JSON.parse(buf) as Response);
      } catch {
        reject(new ControlError(`discodns at ${path} sent an answer that is not JSON`));
      }
    });
    sock.on('error', (e: NodeJS.ErrnoException) => {
      const why =
        e.code === 'ENOENT'
          ? 'no such socket: is discodns running, with this --state (or --socket)?'
          : e.code === 'ECONNREFUSED'
            ? 'nobody answers: discodns is not running (the socket is left from an earlier run)'
            : e.code === 'EACCES'
              ? 'permission denied: run ctl as the user discodns runs as'
              : e.message;
      fail(new ControlError(`cannot reach discodns at ${path}: ${why}`));
    });
  });
}
