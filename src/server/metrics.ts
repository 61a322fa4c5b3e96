// Prometheus metrics over HTTP, off by default. Every value is read from the plain counters at
// scrape time (collect callbacks), so the query path never touches prom-client. prom-client is
// imported only when metrics are on: loading it takes about 50 ms of every start.

import http from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { nameToText } from '../dns/name.js';
import type { SnapshotHolder } from './holder.js';
import { httpCounts, type HttpStats } from './http/server.js';
import type { NotifyStats } from './notify-out.js';
import type { ReloadSummary } from './reload.js';
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

/** Counts one reload's outcome: partial when some file was rejected and old zones kept. */
export function recordReload(r: ReloadRecord, summary: ReloadSummary | undefined, nowSeconds: number): void {
  if (!summary) r.failed++;
  else if (summary.rejectedFiles > 0) r.partial++;
  else r.ok++;
  if (summary) r.lastSuccess = nowSeconds;
}

export async function buildRegistry(stats: ServerStats, holder: SnapshotHolder, reloads: ReloadRecord, http?: HttpStats, xfr?: XfrStats, notify?: NotifyStats): Promise<Registry> {
  const { Counter, Gauge, Registry } = await import('prom-client');
  const registry = new Registry();
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
  new Gauge({ name: 'discodns_zones', help: 'Zones in service', registers: [registry], collect() { this.set(holder.current.zoneCount); } });
  new Gauge({ name: 'discodns_records', help: 'Records in service', registers: [registry], collect() { this.set(holder.current.recordCount); } });
  new Counter({
    name: 'discodns_reloads_total',
    help: 'Reloads by outcome: ok, partial (some definitions rejected, their old zones kept), failed',
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
  return registry;
}

/** Serves GET /metrics on host:port; resolves with the server once listening. */
export function serveMetrics(listen: string, registry: Registry, log: Logger): Promise<http.Server> {
  const m = /^\[?([^\]]+?)\]?:([0-9]+)$/.exec(listen)!;
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url !== '/metrics' && req.url !== '/')) {
      res.writeHead(404).end('not found: GET /metrics\n');
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
