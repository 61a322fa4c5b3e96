// Round trips of one record line through a codec: text → data → text, and text → wire →
// data → text, and the RFC 3597 `\#` form of the wire bytes back to the same data.

import { expect } from 'vitest';
import { name } from '../../../src/dns/name.js';
import { formatRecord, parseRecordLine } from '../../../src/dns/presentation.js';
import { ByteSource, decodeRdata, encodeRdata, formatRdata, rdataBytes, type RData } from '../../../src/dns/rdata/index.js';
import type { ResourceRecord } from '../../../src/dns/records.js';
import { typeToText } from '../../../src/dns/types.js';

export const origin = name('example.com.');

export function parse(line: string): ResourceRecord {
  const rr = parseRecordLine(line, origin, 3600);
  if ('error' in rr) throw new Error(`${line}: ${rr.error} (col ${rr.col})`);
  return rr;
}

/** The problem parseRecordLine reports for `line`, with the text at its column. */
export function problem(line: string): { error: string; at: string } {
  const rr = parseRecordLine(line, origin, 3600);
  if (!('error' in rr)) throw new Error(`${line}: parsed, expected an error`);
  return { error: rr.error, at: line.slice(rr.col) };
}

/** Asserts every round trip of `line`, whose data should print as `canonical`; returns the wire bytes. */
export function roundTrip(line: string, canonical: string): Buffer {
  const rr = parse(line);
  expect(formatRdata(rr.rdata)).toBe(canonical);
  const wire = rdataBytes(rr.rdata);
  const back = decodeRdata(rr.type, new ByteSource(wire, 0, wire.length));
  if (back instanceof Error) throw back;
  expect(formatRdata(back)).toBe(canonical);
  expect(rdataBytes(back).equals(wire)).toBe(true);
  const generic = parse(`x ${typeToText(rr.type)} \\# ${wire.length} ${wire.toString('hex')}`);
  expect(generic.rdata.kind).toBe(rr.rdata.kind);
  expect(formatRdata(generic.rdata)).toBe(canonical);
  // Reading our own printed line gives the same record again.
  expect(formatRecord(parse(formatRecord(rr)))).toBe(formatRecord(rr));
  return wire;
}

/** The decoder's verdict on rdata bytes of `type`. */
export function decodeHex(type: number, hex: string): RData | Error {
  const b = Buffer.from(hex, 'hex');
  return decodeRdata(type, new ByteSource(b, 0, b.length));
}

export { encodeRdata };
