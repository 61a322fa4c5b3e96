// `discodns serve`: load the zones, bind the sockets, answer until told to stop.

import type http from 'node:http';
import v8 from 'node:v8';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { isNameError, nameToText, parseName } from '../dns/name.js';
import { claimSocket, ControlError, serveControl, type ControlServer, type Handler } from './control.js';
import type { SnapshotHolder } from './holder.js';
import { AutoconfigPublisher } from './http/publish.js';
import { HttpConfigError, newHttpStats, startHttp, type HttpListener } from './http/server.js';
import { startCookieSecrets, type CookieSecretKeeper } from './cookie-secret.js';
import { handlerOptions } from './identity.js';
import { listen, ListenError } from './listen.js';
import { buildRegistry, newReloadRecord, recordReload, serveMetrics } from './metrics.js';
import { notifyReady, notifyReloading, type NotifyDone } from './notify.js';
import { queryLogger } from './querylog.js';
import { Dnssec } from './dnssec.js';
import { failedReload, ZoneReloader, type ReloadSummary, type ServedZone } from './reload.js';
import { StateDir } from './state.js';
import { ResponseRateLimiter } from './rrl.js';
import { newStats, type ServerStats } from './stats.js';
import { parseAclRule, type AclRule } from '../dns/acl.js';
import { keyName } from '../wire/tsig.js';
import { CatalogZone } from './catalog-zone.js';
import { IxfrHistory } from './ixfr-history.js';
import { IxfrJournal } from './ixfr-journal.js';
import { loadKeyring } from './keyring.js';
import { newNotifyStats, NotifySender, type NotifyStats, type NotifyTarget } from './notify-out.js';
import { Replication } from './replication.js';
import { newXfrStats, type XfrOptions, type XfrStats } from './xfr.js';

/** A configuration problem found at start-up (a key file, a key name): the message names the key. */
export class ConfigError extends Error {}

export interface RunningServer {
  readonly port: number;
  readonly holder: SnapshotHolder;
  readonly stats: ServerStats;
  /** Response rate limiting, when rrl.enabled. */
  readonly rrl: ResponseRateLimiter | undefined;
  /** Re-reads the zones directory; calls during a reload coalesce into one more. Never rejects. */
  readonly xfrStats: XfrStats;
  readonly notifyStats: NotifyStats;
  /** Resolves when the IXFR history and NOTIFYs of every reload so far are handled. */
  replicated(): Promise<void>;
  readonly dnssec: Dnssec;
  reload(): Promise<ReloadSummary>;
  close(): Promise<void>;
}

/**
 * Loads the zones under config.zones and starts answering. Rejects with ListenError on a bind
 * failure, StartError when there is nothing to serve, ControlError when another server holds
 * the control socket.
 */
export async function startServer(config: Config, log: Logger): Promise<RunningServer> {
  const startedAt = Date.now();
  const state = StateDir.open(config.state);
  if (state.unwritable) {
    log.warn({ state: config.state }, `state directory ${config.state} cannot be written (${state.unwritable}): serving without it; a restart will not keep last-known-good versions or serials (set state, --state, DISCODNS_STATE)`);
  }
  // Before anything is loaded or bound: a second server on the same state stops here.
  await claimSocket(config.control.socket);
  const loadedKeys = loadKeyring(config);
  if ('error' in loadedKeys) throw new ConfigError(loadedKeys.error);
  for (const w of loadedKeys.warnings) log.warn(w);
  const keyring = loadedKeys.keyring;
  const now = (): number => Math.floor(Date.now() / 1000);
  const journal = config.transfer.history > 0 ? new IxfrJournal(config.state, log) : undefined;
  const history = journal ? new IxfrHistory(config.transfer.history, journal) : undefined;
  if (history) journal?.load(history);
  const xfrStats = newXfrStats();
  const notifyStats = newNotifyStats();
  const xfr: XfrOptions = { keyring, allow: config.transfer.allow.map((t) => parseAclRule(t) as AclRule), history, stats: xfrStats, log, now };
  const targets: NotifyTarget[] = config.notify.map((t) => {
    const n = t.key === undefined ? undefined : keyName(t.key);
    return { address: t.address, port: t.port ?? 53, key: n === undefined || typeof n === 'string' ? undefined : keyring.get(n.key) };
  });
  const sender = new NotifySender({ rate: config.transfer.notifyRate, log, stats: notifyStats });
  const replication = new Replication({ history, sender, targets, keyring, log, recorded: () => journal?.flush() });
  const catalog = config.catalog.zone ? new CatalogZone(config.catalog.zone, now) : undefined;
  const holderRef: { holder?: SnapshotHolder } = {};
  // The PACC digest TXT of each `autoconfig:` zone; an old one expiring asks for a new snapshot.
  const publisher = new AutoconfigPublisher(() => void reloader.republish());
  const dnssec = new Dnssec(config.dnssec, config.state, log);
  const reloader = new ZoneReloader(config.zones, config.cache.size, () => holderRef.holder, log, state, {
    allowEmpty: config.allowEmpty,
    parse: { ...(config.http.host ? { httpHost: config.http.host } : {}), ...(config.external.length ? { external: config.external } : {}), tsigKeys: new Set(keyring.keys()), dnssec: config.dnssec.enabled },
    publish: (zones) => {
      const inputs = publisher.inputs(catalog ? zones.filter((z) => z.origin.key !== catalog.origin.key) : zones);
      return catalog ? [...inputs, catalog.input(inputs)] : inputs;
    },
    dnssec,
    onSwap: (before, after) => void replication.swapped(before, after),
  });
  const { summary, snapshot } = await reloader.initial();
  const dropped = history?.validate(snapshot.catalog.zones) ?? 0;
  if (dropped) log.info({ zones: dropped }, 'IXFR history dropped for zones whose serial it does not lead to');
  collectLoadGarbage(log);
  const holder: SnapshotHolder = { current: snapshot };
  holderRef.holder = holder;
  // The signature stores follow the zones served (later swaps do it in the reloader).
  dnssec.adopt(snapshot);
  // Rollovers move on with time: a look every ten minutes, and at every reload (SIGHUP).
  const rollovers = new RolloverTimer(dnssec, reloader, log);
  const stats = newStats();
  const reloads = newReloadRecord();
  recordReload(reloads, summary);
  const cookies: CookieSecretKeeper | undefined = config.cookies.enabled ? await startCookieSecrets(config.cookies, config.state, log) : undefined;
  const rrl = config.rrl.enabled ? new ResponseRateLimiter(config.rrl, log) : undefined;
  rrl?.start();
  // Every timer the server runs: the cookie secrets', RRL's and the DNSSEC rollovers'.
  const stopTimers = (): void => {
    cookies?.stop();
    rrl?.stop();
    rollovers.stop();
  };
  let listeners;
  try {
    listeners = await listen(config.listen, config.port, {
      holder,
      handler: { ...handlerOptions({ udpSize: config.edns.udpSize, ...config.identity }), cookies: cookies?.jar, rrl, xfr },
      tcp: {
        idleTimeoutMs: config.tcp.idleTimeout,
        maxConnections: config.tcp.maxConnections,
        maxPerSource: config.tcp.maxPerSource,
        maxMessageSize: config.tcp.maxMessageSize,
        partialTimeoutMs: config.tcp.partialTimeout,
        maxInFlight: config.tcp.maxInFlight,
      },
      stats,
      log,
      queryLog: queryLogger(log, config.log.queries, config.log.querySampleRate),
      perSource: new Map(),
    });
  } catch (e) {
    stopTimers();
    throw e;
  }
  const httpStats = newHttpStats();
  let autoconfigHttp: HttpListener | undefined;
  if (config.http.listen) {
    try {
      autoconfigHttp = await startHttp(config.http, holder, httpStats, log, config.log.queries);
    } catch (e) {
      await listeners.close();
      publisher.stop();
      stopTimers();
      if (e instanceof HttpConfigError) throw e;
      const [address, port] = [config.http.listen.replace(/^\[?([^\]]*?)\]?:[0-9]+$/, '$1'), Number(/:([0-9]+)$/.exec(config.http.listen)?.[1])];
      throw new ListenError(address, port, 'tcp', (e as NodeJS.ErrnoException).code, (e as Error).message, 'http.listen');
    }
  }
  let metrics: http.Server | undefined;
  if (config.metrics.enabled) {
    try {
      metrics = await serveMetrics(config.metrics.listen, await buildRegistry(stats, holder, reloads, () => reloader.last(), { http: httpStats, rrl, xfr: xfrStats, notify: notifyStats, dnssec }), log);
    } catch (e) {
      await Promise.all([listeners.close(), autoconfigHttp?.close()]);
      publisher.stop();
      stopTimers();
      const [address, port] = [config.metrics.listen.replace(/^\[?([^\]]*?)\]?:[0-9]+$/, '$1'), Number(/:([0-9]+)$/.exec(config.metrics.listen)?.[1])];
      throw new ListenError(address, port, 'tcp', (e as NodeJS.ErrnoException).code, (e as Error).message, 'metrics.listen');
    }
  }
  const reload = async (): Promise<ReloadSummary> => {
    notifyReloading(notified(log));
    autoconfigHttp?.reloadCertificate();
    let s: ReloadSummary;
    try {
      s = await reloader.request();
    } catch (err) {
      // A bug: nothing was swapped, so every zone stays as it was; say so as a failed reload.
      log.error({ err }, 'bug: reload failed; every zone stays as it was');
      s = failedReload(`internal error (a bug): ${(err as Error).message}`, ctx());
    }
    // DNSSEC rollovers move on at every reload too (ds-seen and key-roll are acted on now).
    await rollovers.now();
    recordReload(reloads, s);
    // READY=1 after every reload, failed or not, or systemd waits in "reloading" until timeout.
    notifyReady(notified(log));
    return s;
  };
  const ctx = () => ({ zones: holder.current.zoneCount, records: holder.current.recordCount, lastKnownGood: reloader.last()?.lastKnownGood ?? 0 });
  const addresses = config.listen.map((a) => (a.includes(':') ? `[${a}]:${listeners.port}` : `${a}:${listeners.port}`));
  let control: ControlServer | undefined;
  try {
    control = await serveControl(config.control.socket, controlHandler({ reloader, holder, reload, startedAt, addresses, config, dnssec }), log);
  } catch (e) {
    if (e instanceof ControlError && e.live) {
      publisher.stop();
      stopTimers();
      await Promise.all([listeners.close(), autoconfigHttp?.close(), metrics ? new Promise<void>((r) => metrics.close(() => r())) : undefined]);
      throw e;
    }
    // No socket (a state directory that cannot be written, a path too long): serve on without
    // it; SIGHUP still reloads.
    log.error({ socket: config.control.socket }, `${(e as Error).message}; serving without it: discodns ctl cannot reach this server (SIGHUP still reloads)`);
  }
  void replication.started(snapshot);
  const names = reloader.servedNames();
  const line = {
    zones: names.length > 20 ? [...names.slice(0, 20), `… ${names.length - 20} more`] : names,
    zoneCount: summary.zones,
    records: summary.records,
    lastKnownGood: summary.lastKnownGood,
    rejected: summary.rejected,
    rejectedFiles: summary.rejectedFiles,
    loadMs: summary.ms,
    listen: config.listen,
    port: listeners.port,
    transports: ['udp', 'tcp'],
    rrl: rrl ? { rate: config.rrl.rate, slip: config.rrl.slip, exempt: config.rrl.exempt } : false,
    cookies: config.cookies.enabled,
    control: config.control.socket,
    state: config.state,
    ...(metrics ? { metrics: config.metrics.listen } : {}),
    ...(autoconfigHttp ? { http: { address: autoconfigHttp.address, port: autoconfigHttp.port, tls: autoconfigHttp.tls } } : {}),
  };
  // At warn when some zones are on a last-known-good version (their own error lines say why).
  if (summary.lastKnownGood > 0) log.warn(line, 'serving');
  else log.info(line, 'serving');
  return {
    port: listeners.port,
    holder,
    stats,
    rrl,
    xfrStats,
    notifyStats,
    replicated: () => replication.idle(),
    dnssec,
    reload,
    close: async () => {
      publisher.stop();
      stopTimers();
      sender.close();
      await Promise.all([
        listeners.close(),
        autoconfigHttp?.close(),
        metrics ? new Promise<void>((r) => metrics.close(() => r())) : undefined,
        control?.close(),
      ]);
      await reloader.settled();
    },
  };
}

function notified(log: Logger): NotifyDone {
  return (err) => {
    if (err) log.warn({ err: err.message }, 'systemd notification failed');
  };
}

const MB = 2 ** 20;

/** The answers to `discodns ctl`. */
function controlHandler(ctx: {
  reloader: ZoneReloader;
  holder: SnapshotHolder;
  reload: () => Promise<ReloadSummary>;
  startedAt: number;
  addresses: readonly string[];
  config: Config;
  dnssec: Dnssec;
}): Handler {
  const zoneInfo = (z: ServedZone): Record<string, unknown> => ({
    zone: nameToText(z.content.origin),
    serial: z.content.serial,
    file: z.file,
    line: z.content.line,
    lastKnownGood: z.lastKnownGood,
    // A zone on its last-known-good copy was read from the state directory.
    ...(z.content.file !== z.file ? { from: z.content.file } : {}),
  });
  return async (req) => {
    switch (req.command) {
      case 'status': {
        const mem = process.memoryUsage();
        const zones = ctx.reloader.zones();
        let lastKnownGood = 0;
        for (const z of zones.values()) if (z.lastKnownGood) lastKnownGood++;
        return {
          ok: true,
          pid: process.pid,
          uptimeSeconds: Math.round((Date.now() - ctx.startedAt) / 1000),
          zones: ctx.holder.current.zoneCount,
          records: ctx.holder.current.recordCount,
          lastKnownGood,
          lastReload: ctx.reloader.last(),
          listen: ctx.addresses,
          zonesDir: ctx.config.zones,
          state: ctx.config.state,
          memory: { rssMb: Math.round(mem.rss / MB), heapUsedMb: Math.round(mem.heapUsed / MB) },
        };
      }
      case 'zones':
        return { ok: true, zones: [...ctx.reloader.zones().values()].map(zoneInfo) };
      case 'zone': {
        const parsed = parseName(req.zone!.endsWith('.') ? req.zone! : `${req.zone}.`);
        if (isNameError(parsed)) return { ok: false, error: `zone ${req.zone}: ${parsed.error}` };
        const z = ctx.reloader.zones().get(parsed.key);
        if (!z) return { ok: false, error: `no zone ${req.zone} is served here` };
        const served = ctx.holder.current.catalog.zones.get(parsed.key);
        return { ok: true, ...zoneInfo(z), records: served?.recordCount, ...(served ? { dnssec: ctx.dnssec.status([served])[0] } : {}) };
      }
      case 'reload':
        return { ok: true, reload: await ctx.reload() };
      case 'check':
        return { ok: true, check: await ctx.reloader.check() };
    }
  };
}

/** Runs Dnssec.tick every ten minutes (and when asked), and builds a new snapshot when keys changed or a signing epoch moved on. */
class RolloverTimer {
  private readonly timer: NodeJS.Timeout;
  private running: Promise<void> | undefined;
  /** A republish asked for and not done (it failed): tried again at the next turn, for serials must follow. */
  private owed = false;

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
        if (await this.dnssec.tick()) this.owed = true;
        if (this.owed) {
          await this.reloader.republish();
          this.owed = false;
        }
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
