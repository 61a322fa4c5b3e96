// Off the fast path: TSIG-signed messages, zone transfers (AXFR over TCP, RFC 5936; IXFR over
// TCP and UDP, RFC 1995) under the transfer ACL, and NOTIFY received (RFC 1996), which a primary
// answers NOTAUTH. A transfer reads every record from the one snapshot it started with, so a
// reload during it changes nothing it sends.

import { Buffer } from 'node:buffer';
import { pino, type Logger } from 'pino';
import { aclAllows, type AclRule } from '../dns/acl.js';
import { nameFromWire, nameToText } from '../dns/name.js';
import type { ResourceRecord, RRset } from '../dns/records.js';
import { isSigned, SignedZone } from '../dns/dnssec/signed-zone.js';
import type { RRsigOf } from '../dns/dnssec/zone-records.js';
import { transferRRsets } from '../dns/transfer.js';
import { RRClass, RRType, Rcode } from '../dns/types.js';
import type { Zone } from '../dns/zone.js';
import { decodeMessage, DecodeError } from '../wire/decode.js';
import { OPCODE_NOTIFY, type Query } from '../wire/query.js';
import { udpLimit, TCP_MAX } from '../wire/respond.js';
import { FUDGE, findTsig, NOTAUTH, sign, TsigError, tsigSize, unsignedError, verifyRequest, type Keyring, type TsigKey } from '../wire/tsig.js';
import { bareResponse, TransferTooLarge, transferMessages, type TransferQuestion } from '../wire/xfr.js';
import type { IxfrHistory } from './ixfr-history.js';
import { transferSigner } from './signer.js';
import type { Snapshot } from './snapshot.js';

/** Counters for transfers, TSIG and NOTIFY; read by the metrics endpoint. */
export interface XfrStats {
  /** Transfers served, by kind: axfr, ixfr (incremental), ixfr-full (AXFR-style), ixfr-current (one SOA). */
  readonly served: Record<'axfr' | 'ixfr' | 'ixfr-full' | 'ixfr-current', number>;
  /** Transfers refused, by reason. */
  readonly refused: Record<'acl' | 'notauth' | 'tsig' | 'udp' | 'formerr', number>;
  /** TSIG verification failures, by error. */
  readonly tsig: Record<'badkey' | 'badsig' | 'badtime' | 'formerr', number>;
  notifyReceived: number;
}

export function newXfrStats(): XfrStats {
  return {
    served: { axfr: 0, ixfr: 0, 'ixfr-full': 0, 'ixfr-current': 0 },
    refused: { acl: 0, notauth: 0, tsig: 0, udp: 0, formerr: 0 },
    tsig: { badkey: 0, badsig: 0, badtime: 0, formerr: 0 },
    notifyReceived: 0,
  };
}

export interface XfrOptions {
  readonly keyring: Keyring;
  /** The configuration's transfer.allow; a definition's `transfer:` adds to it or empties it. */
  readonly allow: readonly AclRule[];
  readonly history: IxfrHistory | undefined;
  readonly stats: XfrStats;
  readonly log: Logger;
  /** Seconds since the epoch. */
  readonly now: () => number;
}

/** What a signed request's answers are signed with (RFC 8945 §5.3). */
interface Signer {
  readonly key: TsigKey;
  readonly requestMac: Buffer;
}

/** What the handler gives this module: the query and how to answer it the ordinary way. */
export interface SpecialRequest {
  readonly snapshot: Snapshot;
  readonly msg: Buffer;
  readonly query: Query;
  readonly transport: 'udp' | 'tcp';
  readonly client: string;
  readonly udpSize: number;
  /** The ordinary answer within `limit` bytes (for a signed QUERY that is not a transfer). */
  readonly ordinary: (limit: number) => Buffer | undefined;
}

/** A response, the messages of a transfer (TCP), or nothing. */
export type SpecialAnswer = Buffer | Iterator<Buffer> | undefined;

/** The rules for transfers of `zone`: the global ones, plus or instead of the definition's. */
export function transferRules(snapshot: Snapshot, zone: Zone, options: XfrOptions): readonly AclRule[] {
  const own = snapshot.sources?.get(zone.origin.key)?.replication?.transfer;
  if (own === 'none') return [];
  return own ? [...options.allow, ...own] : options.allow;
}

/** Rate-limited refusal log: one line per source and zone per minute. */
const refusalLogged = new Map<string, number>();

function logRefusal(options: XfrOptions, client: string, zone: string, why: string): void {
  const now = options.now();
  const key = `${client} ${zone}`;
  const last = refusalLogged.get(key);
  if (last !== undefined && now - last < 60) return;
  if (refusalLogged.size >= 10_000) for (const [k, t] of refusalLogged) if (now - t >= 60) refusalLogged.delete(k);
  refusalLogged.set(key, now);
  options.log.warn({ client, zone, why }, 'transfer refused');
}

export function handleSpecial(req: SpecialRequest, options: XfrOptions | undefined): SpecialAnswer {
  const { msg, query } = req;
  const o = options ?? NO_TRANSFERS;
  const qname = nameFromWire(Buffer.from(msg.subarray(12, query.questionEnd - 4)));
  const question = { qname, qtype: query.qtype, qclass: query.qclass };
  const ednsSize = query.edns ? req.udpSize : undefined;
  const transfer = query.opcode === 0 && (query.qtype === RRType.AXFR || query.qtype === RRType.IXFR);
  const zoneText = nameToText(qname);

  let signer: Signer | undefined;
  if (query.signed) {
    const tsig = findTsig(msg);
    if (tsig === undefined || tsig instanceof DecodeError) {
      o.stats.tsig.formerr++;
      return bareResponse(query.id, query.opcode, query.rd, Rcode.FORMERR, question, false, ednsSize);
    }
    const now = o.now();
    const v = verifyRequest(msg, tsig, o.keyring, now);
    if (!v.ok) {
      if (v.rcode !== NOTAUTH) {
        o.stats.tsig.formerr++;
        return bareResponse(query.id, query.opcode, query.rd, v.rcode, question, false, ednsSize);
      }
      const name = v.error === TsigError.BADKEY ? 'badkey' : v.error === TsigError.BADSIG ? 'badsig' : 'badtime';
      o.stats.tsig[name]++;
      if (transfer) {
        o.stats.refused.tsig++;
        logRefusal(o, req.client, zoneText, `TSIG ${name.toUpperCase()}: ${v.why}`);
      }
      const bare = bareResponse(query.id, query.opcode, query.rd, NOTAUTH, question, false, ednsSize);
      if (v.error !== TsigError.BADTIME || !v.key) return unsignedError(bare, tsig, v.error, now);
      // RFC 8945 §5.2.3: signed, the request's time kept, ours in Other Data.
      const other = Buffer.alloc(6);
      other.writeUInt16BE(Math.floor(now / 2 ** 32), 0);
      other.writeUInt32BE(now % 2 ** 32, 2);
      return sign(bare, v.key, { chain: { kind: 'response', requestMac: tsig.mac }, timeSigned: tsig.timeSigned, fudge: tsig.fudge, error: TsigError.BADTIME, other }).message;
    }
    signer = { key: v.key, requestMac: tsig.mac };
  }
  const signed = (response: Buffer | undefined): Buffer | undefined => (response && signer ? sign(response, signer.key, { chain: { kind: 'response', requestMac: signer.requestMac }, timeSigned: o.now(), fudge: FUDGE }).message : response);

  if (query.opcode === OPCODE_NOTIFY) {
    // RFC 1996 is for secondaries; a primary has nothing to refresh (as Knot: NOTAUTH).
    o.stats.notifyReceived++;
    return signed(bareResponse(query.id, OPCODE_NOTIFY, query.rd, NOTAUTH, question, false, ednsSize));
  }
  if (!transfer) {
    const room = signer ? tsigSize(signer.key) : 0;
    return signed(req.ordinary((req.transport === 'udp' ? udpLimit(query.edns, req.udpSize) : TCP_MAX) - room));
  }

  const refuse = (rcode: number, reason: keyof XfrStats['refused']): Buffer | undefined => {
    o.stats.refused[reason]++;
    return signed(bareResponse(query.id, 0, query.rd, rcode, question, false, ednsSize));
  };
  if (query.qclass !== RRClass.IN) return refuse(Rcode.REFUSED, 'notauth');
  // AXFR needs TCP (RFC 5936 §4.2); over UDP it is not implemented, as before.
  if (query.qtype === RRType.AXFR && req.transport === 'udp') return refuse(Rcode.NOTIMP, 'udp');
  const zone = req.snapshot.catalog.zones.get(qname.key);
  if (!zone) return refuse(NOTAUTH, 'notauth');
  if (!aclAllows(transferRules(req.snapshot, zone, o), req.client, signer?.key.name.key)) {
    logRefusal(o, req.client, zoneText, signer ? `key ${nameToText(signer.key.name)} is not allowed` : 'source not allowed, request not signed by an allowed key');
    return refuse(Rcode.REFUSED, 'acl');
  }

  let rrsets: Iterable<RRset>;
  let kind: keyof XfrStats['served'] = 'axfr';
  const source = req.snapshot.sources?.get(zone.origin.key);
  const records = source ? () => source.records : undefined;
  const rrsigOf = isSigned(zone) ? transferSigner(zone, o.now()) : undefined;
  if (zone instanceof SignedZone && zone.keys.denial === 'compact') logCompactTransfer(o, zone);
  if (query.qtype === RRType.IXFR) {
    const serial = clientSerial(msg, zone);
    if (serial === undefined) return refuse(Rcode.FORMERR, 'formerr');
    const chosen = ixfrRRsets(zone, serial, o.history, records, rrsigOf);
    rrsets = chosen.rrsets;
    kind = chosen.kind;
  } else {
    rrsets = transferRRsets(zone, records, rrsigOf);
  }
  o.stats.served[kind]++;
  const q: TransferQuestion = { id: query.id, rd: query.rd, ...question, ednsUdpSize: ednsSize };
  const room = signer ? tsigSize(signer.key) : 0;
  if (req.transport === 'udp') {
    // RFC 1995 §2: over UDP when the whole answer fits; else the current SOA alone, which tells
    // the client to ask over TCP (as Knot answers), with TC set so that resolvers' tools retry too.
    const limit = udpLimit(query.edns, req.udpSize);
    const messages = [...safeMessages(q, rrsets, room, limit, o)];
    if (messages.length === 1) return signed(messages[0]);
    const soaOnly = [...transferMessages(q, [zone.soa], room, limit)][0]!;
    soaOnly[2] = soaOnly[2]! | 0x02;
    return signed(soaOnly);
  }
  return signedTransfer(safeMessages(q, rrsets, room, TCP_MAX, o), signer, o);
}

/** The messages, or a SERVFAIL in their place when a record does not fit in any (a bug in validation). */
function* safeMessages(q: TransferQuestion, rrsets: Iterable<RRset>, room: number, max: number, o: XfrOptions): Generator<Buffer> {
  try {
    yield* transferMessages(q, rrsets, room, max);
  } catch (e) {
    if (!(e instanceof TransferTooLarge)) throw e;
    o.log.error({ zone: nameToText(q.qname), err: e.message }, 'bug: a zone that cannot be transferred');
    yield bareResponse(q.id, 0, q.rd, Rcode.SERVFAIL, q, false, q.ednsUdpSize);
  }
}

/** Each message signed, the first on the request's MAC, each later one on the one before (RFC 8945 §5.3.1). */
function* signedTransfer(messages: Iterable<Buffer>, signer: Signer | undefined, o: XfrOptions): Generator<Buffer> {
  let prior: Buffer | undefined;
  for (const m of messages) {
    if (!signer) {
      yield m;
      continue;
    }
    const s = sign(m, signer.key, { chain: prior ? { kind: 'subsequent', priorMac: prior } : { kind: 'response', requestMac: signer.requestMac }, timeSigned: o.now() });
    prior = s.mac;
    yield s.message;
  }
}

/** The serial of the SOA in an IXFR request's authority section (RFC 1995 §3), if there is one for the zone. */
function clientSerial(msg: Buffer, zone: Zone): number | undefined {
  const decoded = decodeMessage(msg);
  if (decoded instanceof DecodeError) return undefined;
  const soa = decoded.authority.find((r) => r.type === RRType.SOA && r.owner.key === zone.origin.key);
  return soa?.rdata.kind === 'SOA' ? soa.rdata.serial : undefined;
}

/** RFC 1982 §3.2: a serial at or after `b`. */
function serialAtOrAfter(a: number, b: number): boolean {
  const d = (a - b) >>> 0;
  return d === 0 || d < 0x80000000;
}

/**
 * What an IXFR answer carries (RFC 1995 §4): one SOA when the client is current, the
 * differences from its serial when the history reaches back to it, else the whole zone.
 * A signed zone is always answered whole, AXFR-style (RFC 1995 §4 allows it): its signatures
 * are made lazily and the serial moves on with the signing epoch (window.ts), so a difference
 * would have to keep every RRSIG a secondary was sent; a mail domain signed is a few KiB.
 */
export function ixfrRRsets(zone: Zone, serial: number, history: IxfrHistory | undefined, records?: () => readonly ResourceRecord[], rrsigOf?: RRsigOf): { rrsets: Iterable<RRset>; kind: 'ixfr' | 'ixfr-full' | 'ixfr-current' } {
  if (serialAtOrAfter(serial, zone.serial)) return { rrsets: [zone.soa], kind: 'ixfr-current' };
  const differences = isSigned(zone) ? undefined : history?.since(zone, serial);
  if (!differences) return { rrsets: transferRRsets(zone, records, rrsigOf), kind: 'ixfr-full' };
  return {
    kind: 'ixfr',
    rrsets: (function* () {
      yield zone.soa;
      for (const d of differences) {
        yield d.fromSoa;
        yield* d.removed;
        yield d.toSoa;
        yield* d.added;
      }
      yield zone.soa;
    })(),
  };
}

/** Compact-denial zones transferred, each logged once (bounded). */
const compactLogged = new Set<string>();

/**
 * A zone with `denial: compact` (RFC 9824) is transferred with the NSEC chain built for it: a
 * secondary cannot synthesise compact answers, and without the chain its negative answers
 * would not validate. Its names can then be walked at the secondary: said once per zone.
 */
function logCompactTransfer(o: XfrOptions, zone: SignedZone): void {
  if (compactLogged.has(zone.origin.key)) return;
  if (compactLogged.size >= 10_000) compactLogged.clear();
  compactLogged.add(zone.origin.key);
  o.log.info({ zone: nameToText(zone.origin) }, 'zone with denial: compact transferred with an NSEC chain: secondaries serve NSEC (zone walking possible there)');
}

const NO_TRANSFERS: XfrOptions = {
  keyring: new Map(),
  allow: [],
  history: undefined,
  stats: newXfrStats(),
  log: pino({ level: 'silent' }),
  now: () => Math.floor(Date.now() / 1000),
};
