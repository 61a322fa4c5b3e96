// Prometheus metrics over HTTP, off by default. Every value is read from the plain counters at
// scrape time (collect callbacks), so the query path never touches prom-client. prom-client is
// imported only when metrics are on: loading it takes about 50 ms of every start.

import http from 'node:http';
import process from 'node:process';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { nameToText } from '../dns/name.js';
import { SignedZone } from '../dns/dnssec/signed-zone.js';
import type { Dnssec } from './dnssec.js';
import type { SnapshotHolder } from './holder.js';
import { httpCounts, type HttpStats } from './http/server.js';
import type { NotifyStats } from './notify-out.js';
import type { ReloadSummary } from './reload.js';
import type { ResponseRateLimiter } from './rrl.js';
import type { XfrStats } from './xfr.js';
import { COUNTED_RCODES, COUNTED_TYPES, queryCount, TRANSPORTS, type ServerStats } from './stats.js';

export interface ReloadRecord {
  ok: number;
  partial: number;
  failed: number;
  lastSuccess: number | undefined;
}

export function newReloadRecord(): ReloadRecord {
  return { ok: 0, partial: 0, failed: 0, lastSuccess: undefined };
}

/** Counts one load's outcome (start-up included): ok, partial (something rejected), failed (nothing changed). */
export function recordReload(r: ReloadRecord, summary: ReloadSummary): void {
  r[summary.outcome]++;
  if (summary.outcome !== 'failed') r.lastSuccess = summary.at / 1000;
}

export async function buildRegistry(
  stats: ServerStats,
  holder: SnapshotHolder,
  reloads: ReloadRecord,
  last: () => ReloadSummary | undefined,
  extra: { readonly http?: HttpStats | undefined; readonly rrl?: ResponseRateLimiter | undefined; readonly xfr?: XfrStats | undefined; readonly notify?: NotifyStats | undefined; readonly dnssec?: Dnssec | undefined } = {},
): Promise<Registry> {
  const { http, rrl, xfr, notify, dnssec } = extra;
  const { Counter, Gauge, Registry, collectDefaultMetrics } = await import('prom-client');
  const registry = new Registry();
  // process_* and nodejs_*: CPU, memory, file descriptors, event loop lag, garbage collection.
  collectDefaultMetrics({ register: registry });
  const counter = (name: string, help: string, read: () => number): void => {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  };
  new Counter({
    name: 'discodns_queries_total',
    help: 'Queries answered, by transport, query type (known types; the rest as other) and rcode',
    labelNames: ['transport', 'qtype', 'rcode'],
    registers: [registry],
    collect() {
      this.reset();
      for (const transport of TRANSPORTS) {
        for (const qtype of COUNTED_TYPES) {
          for (const rcode of COUNTED_RCODES) {
            const n = queryCount(stats, transport, qtype, rcode);
            if (n > 0) this.inc({ transport, qtype, rcode }, n);
          }
        }
      }
    },
  });
  counter('discodns_responses_truncated_total', 'UDP responses sent with TC set', () => stats.truncated);
  counter('discodns_malformed_dropped_total', 'Messages dropped unanswered (shorter than a header, or QR=1)', () => stats.droppedShort + stats.droppedResponse);
  counter('discodns_formerr_total', 'Malformed queries answered with FORMERR', () => stats.formerr);
  counter('discodns_send_errors_total', 'Responses that could not be sent', () => stats.sendErrors);
  counter('discodns_handler_bugs_total', 'Exceptions in the query handler (bugs; the query got no answer)', () => stats.handlerBugs);
  if (rrl) {
    counter('discodns_rrl_responses_dropped_total', 'UDP responses not sent: over the rate of their bucket (RRL)', () => rrl.dropped);
    counter('discodns_rrl_responses_slipped_total', 'UDP responses over the rate sent as a truncated reply (or BADCOOKIE to a client with a cookie) instead (RRL slip)', () => rrl.slipped);
    new Gauge({ name: 'discodns_rrl_buckets_in_use', help: 'RRL buckets that counted a response in the last second, of rrl.tableSize', registers: [registry], collect() { this.set(rrl.bucketsInUse()); } });
  }
  new Counter({
    name: 'discodns_cookies_total',
    help: 'Queries with a DNS COOKIE option, by what it held: valid (a server cookie of ours), client_only, invalid (a server cookie not valid here)',
    labelNames: ['cookie'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ cookie: 'valid' }, stats.cookieValid);
      this.inc({ cookie: 'client_only' }, stats.cookieClientOnly);
      this.inc({ cookie: 'invalid' }, stats.cookieInvalid);
    },
  });
  counter('discodns_badcookie_total', 'BADCOOKIE responses sent (RFC 7873 §5.2.3: to rate-limited clients that sent a cookie; §5.4)', () => stats.badCookie);
  new Counter({
    name: 'discodns_tcp_closed_by_limit_total',
    help: 'TCP connections closed by a limit: per_source (tcp.maxPerSource), partial (tcp.partialTimeout), idle (tcp.idleTimeout)',
    labelNames: ['limit'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ limit: 'per_source' }, stats.tcpPerSourceRefused);
      this.inc({ limit: 'partial' }, stats.tcpPartialTimeouts);
      this.inc({ limit: 'idle' }, stats.tcpIdleTimeouts);
    },
  });
  counter('discodns_tcp_paused_total', 'Times a TCP connection stopped being read because its client did not read its answers (tcp.maxInFlight, or the write buffer full)', () => stats.tcpPaused);
  new Gauge({ name: 'discodns_resident_memory_bytes', help: 'Resident set size of the server process', registers: [registry], collect() { this.set(process.memoryUsage.rss()); } });
  new Gauge({ name: 'discodns_heap_used_bytes', help: 'V8 heap in use', registers: [registry], collect() { this.set(process.memoryUsage().heapUsed); } });
  new Gauge({ name: 'discodns_zones', help: 'Zones in service', registers: [registry], collect() { this.set(holder.current.zoneCount); } });
  new Gauge({ name: 'discodns_records', help: 'Records in service', registers: [registry], collect() { this.set(holder.current.recordCount); } });
  new Gauge({
    name: 'discodns_zones_last_known_good',
    help: 'Zones served from a version their file no longer gives (rejected now; kept, or from the state directory at start-up)',
    registers: [registry],
    collect() {
      this.set(last()?.lastKnownGood ?? 0);
    },
  });
  new Counter({
    name: 'discodns_reloads_total',
    help: 'Loads by outcome (start-up included): ok, partial (something rejected, its zones kept on their previous version), failed (zones directory unreadable: nothing changed)',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ outcome: 'ok' }, reloads.ok);
      this.inc({ outcome: 'partial' }, reloads.partial);
      this.inc({ outcome: 'failed' }, reloads.failed);
    },
  });
  if (http) {
    new Counter({
      name: 'discodns_http_requests_total',
      help: 'HTTP autoconfig requests answered, by format (mozilla, pox, json, apple, pacc, other) and status code',
      labelNames: ['format', 'status'],
      registers: [registry],
      collect() {
        this.reset();
        for (const c of httpCounts(http)) this.inc({ format: c.format, status: c.status }, c.count);
      },
    });
  }
  if (xfr && notify) {
    const labelled = (metric: string, help: string, label: string, read: () => Record<string, number>): void => {
      new Counter({
        name: metric,
        help,
        labelNames: [label],
        registers: [registry],
        collect() {
          this.reset();
          for (const [k, v] of Object.entries(read())) this.inc({ [label]: k }, v);
        },
      });
    };
    labelled('discodns_transfers_total', 'Zone transfers served, by kind: axfr, ixfr (increments), ixfr-full (the whole zone), ixfr-current (one SOA)', 'kind', () => xfr.served);
    labelled('discodns_transfers_refused_total', 'Transfers refused, by reason: acl, tsig (BADKEY, BADSIG, BADTIME), notauth (zone not served), udp (AXFR over UDP), formerr', 'reason', () => xfr.refused);
    labelled('discodns_tsig_errors_total', 'Signed messages that failed verification, by TSIG error', 'error', () => xfr.tsig);
    labelled('discodns_notify_sent_total', 'NOTIFY sent, by outcome: answered, retried (a try timed out), failed (gave up)', 'outcome', () => ({ answered: notify.answered, retried: notify.retried, failed: notify.failed }));
    counter('discodns_notify_received_total', 'NOTIFY received (answered NOTAUTH: this server is the primary)', () => xfr.notifyReceived);
  }
  new Gauge({
    name: 'discodns_last_reload_success_timestamp_seconds',
    help: 'When the zones were last loaded successfully (start-up counts)',
    registers: [registry],
    collect() {
      if (reloads.lastSuccess !== undefined) this.set(reloads.lastSuccess);
    },
  });
  new Gauge({
    name: 'discodns_zone_serial',
    help: 'SOA serial of each zone in service',
    labelNames: ['zone'],
    registers: [registry],
    collect() {
      this.reset();
      for (const zone of holder.current.catalog.zones.values()) this.set({ zone: nameToText(zone.origin) }, zone.serial);
    },
  });
  if (dnssec) dnssecMetrics(registry, Counter, Gauge, holder, dnssec);
  return registry;
}

/**
 * DNSSEC: totals, each key, and per zone for the zones signed so far (a zone that no DO query
 * or transfer has needed has no signatures and no series: 100,000 idle zones add none).
 */
function dnssecMetrics(registry: Registry, Counter: typeof import('prom-client').Counter, Gauge: typeof import('prom-client').Gauge, holder: SnapshotHolder, dnssec: Dnssec): void {
  const registers = [registry];
  new Counter({
    name: 'discodns_dnssec_signatures_total',
    help: 'RRSIGs made since start, every zone',
    registers,
    collect() {
      this.reset();
      this.inc(dnssec.stores.stats.made);
    },
  });
  new Gauge({ name: 'discodns_dnssec_signature_store_size', help: 'RRSIG sets kept in the signature stores, every zone', registers, collect() { this.set(dnssec.stores.size); } });
  new Gauge({
    name: 'discodns_dnssec_zones_signed',
    help: 'Zones served signed',
    registers,
    collect() {
      let n = 0;
      for (const z of holder.current.catalog.zones.values()) if (z instanceof SignedZone) n++;
      this.set(n);
    },
  });
  new Gauge({
    name: 'discodns_dnssec_key',
    help: 'Each DNSSEC key of each key set in use (1), by key tag, role (csk, ksk, zsk), state (published, active, retired) and algorithm',
    labelNames: ['keyset', 'tag', 'role', 'state', 'algorithm'],
    registers,
    collect() {
      this.reset();
      for (const set of dnssec.keysets()) for (const k of set.published()) this.set({ keyset: set.name, tag: String(k.key.keyTag), role: k.role, state: k.times.retired !== undefined ? 'retired' : k.times.active !== undefined ? 'active' : 'published', algorithm: String(k.key.algorithm) }, 1);
    },
  });
  const perZone = (name: string, help: string, read: (s: ReturnType<Dnssec['status']>[number]) => number | undefined): void => {
    new Gauge({
      name,
      help,
      labelNames: ['zone', 'keyset', 'key_tags'],
      registers,
      collect() {
        this.reset();
        const signed = [...holder.current.catalog.zones.values()].filter((z) => z instanceof SignedZone && dnssec.stores.peek(z.origin.key));
        for (const s of dnssec.status(signed)) {
          const v = read(s);
          if (v !== undefined) this.set({ zone: s.zone, keyset: s.keyset ?? '', key_tags: (s.keys ?? []).map((k) => k.tag).join(',') }, v);
        }
      },
    });
  };
  perZone('discodns_dnssec_zone_signatures_made', 'RRSIGs made for the zone since start (zones signed so far)', (s) => s.signaturesMade);
  perZone('discodns_dnssec_zone_store_size', 'RRSIG sets kept for the zone', (s) => s.storeSize);
  perZone('discodns_dnssec_zone_next_resign_timestamp_seconds', 'When the first signature kept for the zone is due to be made again', (s) => s.nextResign);
}

/** Serves GET /metrics on host:port; resolves with the server once listening. */
export function serveMetrics(listen: string, registry: Registry, log: Logger): Promise<http.Server> {
  const m = /^\[?([^\]]+?)\]?:([0-9]+)$/.exec(listen)!;
  const server = http.createServer((req, res) => {
    // Only /metrics: anything else a scanner tries is not found.
    if (new URL(req.url ?? '/', 'http://metrics').pathname !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => {
        log.error({ err }, 'bug: metrics collection failed');
        res.writeHead(500).end();
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(m[2]), m[1], () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
