// RFC 1035 §4.1: whole messages decoded, names decompressed within bounds, bad bytes as values.
import { describe, expect, it } from 'vitest';
import { name, nameToText } from '../../src/dns/name.js';
import { formatRdata } from '../../src/dns/rdata/index.js';
import { DecodeError, decodeMessage, type DecodedMessage } from '../../src/wire/decode.js';
import { MessageWriter } from '../../src/wire/writer.js';
import { buildQuery } from '../support/query.js';
import { recordsFromText } from '../support/zonetext.js';

function decoded(bytes: Uint8Array): DecodedMessage {
  const m = decodeMessage(bytes);
  if (m instanceof DecodeError) throw m;
  return m;
}

/** A response carrying `records` in the answer section, written with compression. */
function response(zoneText: string): Buffer {
  const origin = name('example.com.');
  const w = new MessageWriter();
  w.reset();
  w.pos = 12;
  w.name(origin, false);
  w.u16(255);
  w.u16(1);
  let count = 0;
  for (const rr of recordsFromText(origin, zoneText)) count += w.rrset({ owner: rr.owner, type: rr.type, ttl: rr.ttl, rdatas: [rr.rdata] });
  const out = Buffer.from(w.buf.subarray(0, w.pos));
  out.writeUInt16BE(0xabcd, 0);
  out.writeUInt16BE(0x8400, 2); // QR AA
  out.writeUInt16BE(1, 4);
  out.writeUInt16BE(count, 6);
  return out;
}

describe('decodeMessage', () => {
  it('reads a query: header, question, OPT with DO and options', () => {
    const m = decoded(buildQuery({ id: 77, qname: 'Mail.Example.com', qtype: 33, rd: true, edns: { udpSize: 1232, do: true, options: [{ code: 10, data: Buffer.alloc(8, 1) }] } }));
    expect([m.id, m.qr, m.rd, m.opcode]).toEqual([77, false, true, 0]);
    expect(m.questions.map((q) => [nameToText(q.name), q.type, q.class])).toEqual([['Mail.Example.com.', 33, 1]]);
    expect(m.edns).toMatchObject({ udpSize: 1232, version: 0, dnssecOk: true, options: [{ code: 10 }] });
    expect(m.additional).toEqual([]);
  });

  it('reads compressed names in owners and in the data of every type it writes', () => {
    const text = '@ MX 10 mail\n@ SOA ns1 hostmaster 1 2 3 4 5\n_imaps._tcp SRV 0 1 993 mail\nmail A 192.0.2.1';
    const m = decoded(response(text));
    expect(m.aa).toBe(true);
    expect(m.answer.map((r) => `${nameToText(r.owner)} ${r.ttl} ${formatRdata(r.rdata)}`)).toEqual([
      'example.com. 3600 10 mail.example.com.',
      'example.com. 3600 ns1.example.com. hostmaster.example.com. 1 2 3 4 5',
      '_imaps._tcp.example.com. 3600 0 1 993 mail.example.com.',
      'mail.example.com. 3600 192.0.2.1',
    ]);
  });

  it('carries the extended rcode of an OPT (RFC 6891 §6.1.3)', () => {
    const q = buildQuery({ id: 1, qname: 'x', qtype: 1, edns: { udpSize: 512 } });
    q[2] = 0x80;
    q[q.length - 6] = 1; // extended rcode byte: BADVERS is 16 = 1 << 4
    expect(decoded(q).rcode).toBe(16);
  });

  const bad: [string, number[]][] = [
    ['fewer than 12 bytes', [0, 1, 0, 0]],
    ['a question that runs past the end', [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 0x61]],
    ['a pointer to itself', [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]],
    ['a pointer forward', [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 14, 0, 0, 1, 0, 1]],
    ['a label type 0x40', [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x41, 0, 0, 1, 0, 1]],
    ['bytes after the last record', [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 9]],
    ['rdata longer than the message', [0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 9, 1, 2, 3, 4]],
    ['an A record of 3 bytes', [0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 3, 1, 2, 3]],
    ['an OPT in the answer section', [0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0]],
  ];
  it.each(bad)('refuses %s as a value', (_what, bytes) => {
    expect(decodeMessage(Buffer.from(bytes))).toBeInstanceOf(DecodeError);
  });

  /** `count` questions, each 'b' and a pointer to the one before: question i takes i hops. */
  function chain(count: number): Buffer {
    const parts = [Buffer.from([0, 1, 0, 0, count >> 8, count & 0xff, 0, 0, 0, 0, 0, 0]), Buffer.from([1, 0x61, 0, 0, 1, 0, 1])];
    let prev = 12;
    let at = 12 + 7;
    for (let i = 1; i < count; i++) {
      parts.push(Buffer.from([1, 0x62, 0xc0 | (prev >> 8), prev & 0xff, 0, 1, 0, 1]));
      prev = at;
      at += 8;
    }
    return Buffer.concat(parts);
  }

  it('follows a chain of backward pointers', () => {
    const m = decoded(chain(20));
    expect(nameToText(m.questions[19]!.name)).toBe(`${'b.'.repeat(19)}a.`);
  });

  it('refuses a chain longer than any real message needs', () => expect(decodeMessage(chain(40))).toBeInstanceOf(DecodeError));
});
