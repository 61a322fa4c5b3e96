// Counters the hot path increments and the metrics endpoint reads. Plain numbers in typed
// arrays: one index computation and one increment per query, no labels built per query.

import { Rcode, RRType } from '../dns/types.js';

export type Transport = 'udp' | 'tcp';
export const TRANSPORTS: readonly Transport[] = ['udp', 'tcp'];

/** Query types reported by name; every other type is counted as "other" (untrusted input). */
export const COUNTED_TYPES: readonly string[] = ['A', 'NS', 'CNAME', 'SOA', 'PTR', 'MX', 'TXT', 'AAAA', 'SRV', 'NAPTR', 'DS', 'DNSKEY', 'TLSA', 'SVCB', 'HTTPS', 'CAA', 'IXFR', 'AXFR', 'ANY', 'other'];
export const COUNTED_RCODES: readonly string[] = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'NOTAUTH', 'BADVERS', 'other'];

const typeIndex = new Uint8Array(65536).fill(COUNTED_TYPES.length - 1);
COUNTED_TYPES.forEach((name, i) => {
  const code = (RRType as Record<string, number>)[name];
  if (code !== undefined) typeIndex[code] = i;
});
const rcodeIndex = new Uint8Array(4096).fill(COUNTED_RCODES.length - 1);
COUNTED_RCODES.forEach((name, i) => {
  const code = (Rcode as Record<string, number>)[name];
  if (code !== undefined) rcodeIndex[code] = i;
});

const PER_TRANSPORT = COUNTED_TYPES.length * COUNTED_RCODES.length;

export interface ServerStats {
  /** Answered queries by transport × qtype × rcode; see queryCount(). */
  readonly queries: Float64Array;
  droppedShort: number;
  droppedResponse: number;
  formerr: number;
  truncated: number;
  sendErrors: number;
  /** Exceptions from the handler: bugs, counted so they are visible, never fatal. */
  handlerBugs: number;
  /** Queries whose COOKIE option held a valid server cookie, a client cookie alone, or a server cookie not valid (RFC 7873 §5.2). */
  cookieValid: number;
  cookieClientOnly: number;
  cookieInvalid: number;
  /** BADCOOKIE responses sent (RFC 7873 §5.2.3, §5.4). */
  badCookie: number;
  /** TCP connections closed by a limit: over tcp.maxPerSource, a partial message past tcp.partialTimeout, idle past tcp.idleTimeout. */
  tcpPerSourceRefused: number;
  tcpPartialTimeouts: number;
  tcpIdleTimeouts: number;
  /** Times a TCP connection stopped being read because its client was not reading its answers. */
  tcpPaused: number;
}

export function newStats(): ServerStats {
  return {
    queries: new Float64Array(2 * PER_TRANSPORT),
    droppedShort: 0,
    droppedResponse: 0,
    formerr: 0,
    truncated: 0,
    sendErrors: 0,
    handlerBugs: 0,
    cookieValid: 0,
    cookieClientOnly: 0,
    cookieInvalid: 0,
    badCookie: 0,
    tcpPerSourceRefused: 0,
    tcpPartialTimeouts: 0,
    tcpIdleTimeouts: 0,
    tcpPaused: 0,
  };
}

export function countQuery(stats: ServerStats, transport: Transport, qtype: number, rcode: number): void {
  stats.queries[(transport === 'udp' ? 0 : PER_TRANSPORT) + typeIndex[qtype]! * COUNTED_RCODES.length + rcodeIndex[rcode & 0xfff]!]!++;
}

/** Reads one counter back, for metrics and tests. */
export function queryCount(stats: ServerStats, transport: Transport, type: string, rcode: string): number {
  const t = COUNTED_TYPES.indexOf(type);
  const r = COUNTED_RCODES.indexOf(rcode);
  return stats.queries[(transport === 'udp' ? 0 : PER_TRANSPORT) + t * COUNTED_RCODES.length + r] ?? 0;
}
