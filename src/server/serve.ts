// `discodns serve`: load the zones, bind the sockets, answer until told to stop.

import type http from 'node:http';
import v8 from 'node:v8';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { SnapshotHolder } from './holder.js';
import { AutoconfigPublisher } from './http/publish.js';
import { HttpConfigError, newHttpStats, startHttp, type HttpListener } from './http/server.js';
import { handlerOptions } from './identity.js';
import { listen, ListenError } from './listen.js';
import { buildRegistry, newReloadRecord, recordReload, serveMetrics } from './metrics.js';
import { queryLogger } from './querylog.js';
import { Dnssec } from './dnssec.js';
import { ZoneReloader, type ReloadSummary } from './reload.js';
import { newStats, type ServerStats } from './stats.js';

export interface RunningServer {
  readonly port: number;
  readonly holder: SnapshotHolder;
  readonly stats: ServerStats;
  readonly dnssec: Dnssec;
  /** Re-reads the zones directory; calls during a reload coalesce into one more. */
  reload(): Promise<ReloadSummary>;
  close(): Promise<void>;
}

/** Loads the zones under config.zones and starts answering; rejects with ListenError on bind failure. */
export async function startServer(config: Config, log: Logger): Promise<RunningServer> {
  const holderRef: { holder?: SnapshotHolder } = {};
  // The PACC digest TXT of each `autoconfig:` zone; an old one expiring asks for a new snapshot.
  const publisher = new AutoconfigPublisher(() => void reloader.republish());
  const dnssec = new Dnssec(config.dnssec, config.state, log);
  const reloader = new ZoneReloader(config.zones, config.cache.size, () => holderRef.holder, log, {
    parse: { ...(config.http.host ? { httpHost: config.http.host } : {}), dnssec: config.dnssec.enabled },
    publish: (zones) => publisher.inputs(zones),
    dnssec,
  });
  const { summary, snapshot } = await reloader.initial();
  collectLoadGarbage(log);
  const holder: SnapshotHolder = { current: snapshot };
  holderRef.holder = holder;
  reloader.swap(snapshot);
  // Rollovers move on with time: a look every ten minutes, and at every reload (SIGHUP).
  const rollovers = new RolloverTimer(dnssec, reloader, log);
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
  const httpStats = newHttpStats();
  let autoconfigHttp: HttpListener | undefined;
  if (config.http.listen) {
    try {
      autoconfigHttp = await startHttp(config.http, holder, httpStats, log, config.log.queries);
    } catch (e) {
      await listeners.close();
      publisher.stop();
      rollovers.stop();
      if (e instanceof HttpConfigError) throw e;
      const [address, port] = [config.http.listen.replace(/:[0-9]+$/, ''), Number(/:([0-9]+)$/.exec(config.http.listen)?.[1])];
      throw new ListenError(address, port, 'tcp', (e as NodeJS.ErrnoException).code, `http.listen: ${(e as Error).message}`);
    }
  }
  let metrics: http.Server | undefined;
  if (config.metrics.enabled) {
    try {
      metrics = await serveMetrics(config.metrics.listen, await buildRegistry(stats, holder, reloads, httpStats, dnssec), log);
    } catch (e) {
      await Promise.all([listeners.close(), autoconfigHttp?.close()]);
      publisher.stop();
      rollovers.stop();
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
      ...(autoconfigHttp ? { http: { address: autoconfigHttp.address, port: autoconfigHttp.port, tls: autoconfigHttp.tls } } : {}),
    },
    'serving',
  );
  return {
    port: listeners.port,
    holder,
    stats,
    dnssec,
    reload: async () => {
      autoconfigHttp?.reloadCertificate();
      try {
        const s = await reloader.request();
        await rollovers.now();
        recordReload(reloads, s, Date.now() / 1000);
        return s;
      } catch (e) {
        recordReload(reloads, undefined, 0);
        throw e;
      }
    },
    close: async () => {
      publisher.stop();
      rollovers.stop();
      await Promise.all([listeners.close(), autoconfigHttp?.close(), metrics ? new Promise<void>((r) => metrics.close(() => r())) : undefined]);
    },
  };
}

/** Runs Dnssec.tick every ten minutes (and when asked), and builds a new snapshot when keys changed. */
class RolloverTimer {
  private readonly timer: NodeJS.Timeout;
  private running: Promise<void> | undefined;

  constructor(
    private readonly dnssec: Dnssec,
    private readonly reloader: ZoneReloader,
    private readonly log: Logger,
    everyMs = 600_000,
  ) {
    this.timer = setInterval(() => void this.now(), everyMs);
    this.timer.unref();
  }

  now(): Promise<void> {
    this.running ??= (async () => {
      try {
        if (await this.dnssec.tick()) await this.reloader.republish();
      } catch (e) {
        this.log.error({ err: e }, 'bug: DNSSEC rollover step failed');
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * One full collection after the first load, before any socket is bound, and a compacting one
 * when a quarter of the old generation is then free: a server that idles after loading would
 * otherwise keep the load's garbage, more or less by chance (docs/performance.md, "One
 * collection after the first load"). Needs node's --expose-gc; without it, nothing happens.
 */
function collectLoadGarbage(log: Logger): void {
  if (typeof globalThis.gc !== 'function') return;
  const start = performance.now();
  globalThis.gc();
  const old = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
  const fragmented = old !== undefined && old.physical_space_size > old.space_used_size * 1.25;
  if (fragmented) {
    // Read at each full collection, so it applies to this one alone.
    v8.setFlagsFromString('--compact-on-every-full-gc');
    try {
      globalThis.gc();
    } finally {
      v8.setFlagsFromString('--no-compact-on-every-full-gc');
    }
  }
  // Old space after the first collection: what decided whether to compact.
  const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);
  const freeMb = old ? mb(old.physical_space_size - old.space_used_size) : undefined;
  log.debug({ ms: Math.round(performance.now() - start), compacted: fragmented, oldSpaceUsedMb: old && mb(old.space_used_size), oldSpaceFreeMb: freeMb }, 'collected the garbage of the first load');
}
