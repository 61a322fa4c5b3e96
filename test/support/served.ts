// The served path as a table row (CoreDNS's test shape): a question in, through handleMessage
// (bytes in, bytes out, as UDP and TCP call it), decoded by discodns' own decoder and by dns2,
// and every section as sorted zone-file lines, records written as zone text.

import { expect } from 'vitest';
import { formatRecord } from '../../src/dns/presentation.js';
import { typeFromText } from '../../src/dns/types.js';
import { handleMessage } from '../../src/server/handler.js';
import { handlerOptions } from '../../src/server/identity.js';
import type { Snapshot } from '../../src/server/snapshot.js';
import { newStats, type Transport } from '../../src/server/stats.js';
import { DecodeError, decodeMessage, type DecodedRecord } from '../../src/wire/decode.js';
import { buildQuery, normalize, rcodeName, type EdnsOptions } from './query.js';

export interface ServedCase {
  qname: string;
  qtype: string;
  rcode: 'NOERROR' | 'NXDOMAIN' | 'REFUSED' | 'FORMERR' | 'NOTIMP' | 'BADVERS';
  /** Every section, sorted lines `owner ttl IN TYPE rdata`; an absent section must be empty. */
  answer?: string[];
  ns?: string[];
  extra?: string[];
  edns?: EdnsOptions;
  transport?: Transport;
  /** AA as expected; by default set for NOERROR and NXDOMAIN (a referral has it clear). */
  aa?: boolean;
}

const options = handlerOptions({ udpSize: 1232, nsid: '', id: '', version: '' });

/** Owners lowercased: an owner compressed against the question carries the letter case asked. */
const lines = (rrs: readonly DecodedRecord[]): string[] =>
  rrs.map((r) => formatRecord({ owner: r.owner, type: r.type, ttl: r.ttl, rdata: r.rdata }).replace(/\t/g, ' ').replace(/^\S+/, (o) => o.toLowerCase())).sort();

/** The response to one question, decoded. */
export function served(snapshot: Snapshot, c: Pick<ServedCase, 'qname' | 'qtype' | 'edns' | 'transport'>) {
  const qtype = typeFromText(c.qtype);
  if (qtype === undefined) throw new Error(`bad qtype ${c.qtype}`);
  const bytes = handleMessage(snapshot, buildQuery({ id: 4242, qname: c.qname, qtype, edns: c.edns }), c.transport ?? 'udp', options, newStats());
  if (!bytes) throw new Error('no response');
  normalize(bytes); // dns2 must read it as our decoder does (it throws otherwise)
  const m = decodeMessage(bytes);
  if (m instanceof DecodeError) throw m;
  return { bytes, message: m, rcode: rcodeName(m.rcode), aa: m.aa, tc: m.tc, answer: lines(m.answer), ns: lines(m.authority), extra: lines(m.additional) };
}

/** Asserts one row: rcode, AA as RFC 1034 wants it, and each section exactly. */
export function expectServed(snapshot: Snapshot, c: ServedCase): void {
  const r = served(snapshot, c);
  expect(r.rcode).toBe(c.rcode);
  expect(r.aa).toBe(c.aa ?? (c.rcode === 'NOERROR' || c.rcode === 'NXDOMAIN'));
  expect(r.answer).toEqual([...(c.answer ?? [])].sort());
  expect(r.ns).toEqual([...(c.ns ?? [])].sort());
  expect(r.extra).toEqual([...(c.extra ?? [])].sort());
}
