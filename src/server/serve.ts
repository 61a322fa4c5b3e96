// `discodns serve`: load the zones, bind the sockets, answer until told to stop.

import type http from 'node:http';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { SnapshotHolder } from './holder.js';
import { handlerOptions } from './identity.js';
import { listen, ListenError } from './listen.js';
import { buildRegistry, newReloadRecord, recordReload, serveMetrics } from './metrics.js';
import { queryLogger } from './querylog.js';
import { ZoneReloader, type ReloadSummary } from './reload.js';
import { newStats, type ServerStats } from './stats.js';

export interface RunningServer {
  readonly port: number;
  readonly holder: SnapshotHolder;
  readonly stats: ServerStats;
  /** Re-reads the zones directory; calls during a reload coalesce into one more. */
  reload(): Promise<ReloadSummary>;
  close(): Promise<void>;
}

/** Loads the zones under config.zones and starts answering; rejects with ListenError on bind failure. */
export async function startServer(config: Config, log: Logger): Promise<RunningServer> {
  const holderRef: { holder?: SnapshotHolder } = {};
  const reloader = new ZoneReloader(config.zones, config.cache.size, () => holderRef.holder, log);
  const { summary, snapshot } = await reloader.initial();
  collectLoadGarbage(log);
  const holder: SnapshotHolder = { current: snapshot };
  holderRef.holder = holder;
  const stats = newStats();
  const reloads = newReloadRecord();
  recordReload(reloads, summary, Date.now() / 1000);
  const listeners = await listen(config.listen, config.port, {
    holder,
    handler: handlerOptions({ udpSize: config.edns.udpSize, ...config.identity }),
    tcp: { idleTimeoutMs: config.tcp.idleTimeout, maxConnections: config.tcp.maxConnections, maxMessageSize: config.tcp.maxMessageSize },
    stats,
    log,
    queryLog: queryLogger(log, config.log.queries, config.log.querySampleRate),
  });
  let metrics: http.Server | undefined;
  if (config.metrics.enabled) {
    try {
      metrics = await serveMetrics(config.metrics.listen, buildRegistry(stats, holder, reloads), log);
    } catch (e) {
      await listeners.close();
      const [address, port] = [config.metrics.listen.replace(/:[0-9]+$/, ''), Number(/:([0-9]+)$/.exec(config.metrics.listen)?.[1])];
      throw new ListenError(address, port, 'tcp', (e as NodeJS.ErrnoException).code, `metrics: ${(e as Error).message}`);
    }
  }
  const names = reloader.servedNames();
  log.info(
    {
      zones: names.length > 20 ? [...names.slice(0, 20), `… ${names.length - 20} more`] : names,
      zoneCount: summary.zones,
      records: summary.records,
      rejectedFiles: summary.rejectedFiles,
      loadMs: summary.ms,
      listen: config.listen,
      port: listeners.port,
      transports: ['udp', 'tcp'],
      ...(metrics ? { metrics: config.metrics.listen } : {}),
    },
    'serving',
  );
  return {
    port: listeners.port,
    holder,
    stats,
    reload: async () => {
      try {
        const s = await reloader.request();
        recordReload(reloads, s, Date.now() / 1000);
        return s;
      } catch (e) {
        recordReload(reloads, undefined, 0);
        throw e;
      }
    },
    close: async () => {
      await Promise.all([listeners.close(), metrics ? new Promise<void>((r) => metrics.close(() => r())) : undefined]);
    },
  };
}

/**
 * One full garbage collection after the first load, before any socket is bound. Loading leaves
 * most of its garbage in the old generation, and a server that then idles allocates nothing
 * that would start a collection: the RSS it keeps depends on when the last one happened to run
 * (10,000 zone files: 208 to 299 MB in three starts). About 300 ms for 10,000 zones, which a
 * server not answering yet can spare; a reload, which happens while answering, does not do it.
 * Needs node's --expose-gc (on the #! line of cli.ts, in npm start and in the unit); without
 * it, nothing happens.
 */
function collectLoadGarbage(log: Logger): void {
  if (typeof globalThis.gc !== 'function') return;
  const start = performance.now();
  globalThis.gc();
  log.debug({ ms: Math.round(performance.now() - start) }, 'collected the garbage of the first load');
}
