// Binds UDP and TCP on every listen address, on one port. With port 0 the first UDP socket picks
// the port and the rest follow it; if another program holds that port for one of them, try again.

import type dgram from 'node:dgram';
import { bindTcp, type TcpContext, type TcpListener } from './tcp.js';
import { bindUdp, serveUdp } from './udp.js';

export interface Listeners {
  readonly port: number;
  readonly addresses: readonly string[];
  /** Stops accepting; resolves when every socket is closed. */
  close(): Promise<void>;
}

/** A listen failure a person can fix: which address, and why. */
export class ListenError extends Error {
  constructor(
    readonly address: string,
    readonly port: number,
    readonly transport: 'udp' | 'tcp',
    readonly code: string | undefined,
    message: string,
    /** The config key that names this address, when it is not `listen`/`port`. */
    readonly key?: string,
  ) {
    super(message);
  }
}

export async function listen(addresses: readonly string[], port: number, ctx: TcpContext): Promise<Listeners> {
  const attempts = port === 0 ? 5 : 1;
  for (let attempt = 1; ; attempt++) {
    const udp: dgram.Socket[] = [];
    const tcp: TcpListener[] = [];
    let chosen = port;
    try {
      for (const address of addresses) {
        const s = await bindUdp(address, chosen).catch((e: NodeJS.ErrnoException) => {
          throw new ListenError(address, chosen, 'udp', e.code, e.message);
        });
        udp.push(s);
        if (chosen === 0) chosen = s.address().port;
        const t = await bindTcp(address, chosen, ctx).catch((e: NodeJS.ErrnoException) => {
          throw new ListenError(address, chosen, 'tcp', e.code, e.message);
        });
        tcp.push(t);
      }
    } catch (err) {
      for (const s of udp) s.close();
      for (const t of tcp) void t.close();
      if (port === 0 && attempt < attempts && err instanceof ListenError && err.code === 'EADDRINUSE') continue;
      throw err;
    }
    for (const s of udp) serveUdp(s, ctx.holder, ctx.handler, ctx.stats, ctx.log, ctx.queryLog);
    return {
      port: chosen,
      addresses,
      close: async () => {
        await Promise.all([
          ...udp.map((s) => new Promise<void>((r) => s.close(() => r()))),
          ...tcp.map((t) => t.close()),
        ]);
      },
    };
  }
}
