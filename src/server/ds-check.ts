// dnssec.dsCheck: asks a validating resolver for a zone's DS set, to see whether the parent
// publishes the DS of a new KSK or CSK yet (as Knot's parent-ds-check). One UDP query, RD and
// DO set, answered or not within two seconds; nothing here is fatal.

import { createSocket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import { Buffer } from 'node:buffer';
import type { Name } from '../dns/name.js';
import type { DsData } from '../dns/rdata/ds.js';
import { RRType } from '../dns/types.js';
import { decodeMessage, DecodeError } from '../wire/decode.js';

/** The query: header (RD), the question, an OPT with DO (RFC 3225). */
function dsQuery(id: number, zone: Name): Buffer {
  const header = Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1]);
  const question = Buffer.concat([zone.wire, Buffer.from([0, RRType.DS, 0, 1])]);
  const opt = Buffer.from([0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 0]);
  return Buffer.concat([header, question, opt]);
}

/** The DS records the resolver at `address` ("IP:port") gives for `zone`; none when it gives none or does not answer. */
export function askDs(address: string, zone: Name, timeoutMs = 2000): Promise<DsData[]> {
  const m = /^\[?([^\]]+?)\]?:([0-9]+)$/.exec(address);
  if (!m) return Promise.resolve([]);
  const host = m[1]!;
  const port = Number(m[2]);
  const id = randomInt(0x10000);
  return new Promise((resolve) => {
    const sock = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const done = (ds: DsData[]): void => {
      clearTimeout(timer);
      sock.close();
      resolve(ds);
    };
    const timer = setTimeout(() => done([]), timeoutMs);
    sock.on('error', () => done([]));
    sock.on('message', (msg) => {
      const reply = decodeMessage(msg);
      if (reply instanceof DecodeError || reply.id !== id || !reply.qr) return;
      done(reply.answer.flatMap((r) => (r.rdata.kind === 'DS' && r.owner.key === zone.key ? [r.rdata] : [])));
    });
    sock.send(dsQuery(id, zone), port, host);
  });
}
