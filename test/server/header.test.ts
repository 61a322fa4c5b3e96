// RFC-CHECKLIST "Header and question", through the handler (bytes in, bytes out, no sockets).
import { describe, expect, it } from 'vitest';
import { handleMessage } from '../../src/server/handler.js';
import { handlerOptions } from '../../src/server/identity.js';
import { newStats } from '../../src/server/stats.js';
import { buildQuery, encodeName, normalize } from '../support/query.js';
import { EXAMPLE_ZONE, snapshotFromText } from '../support/zonetext.js';

const snapshot = snapshotFromText({ 'example.com.': EXAMPLE_ZONE });
const opts = handlerOptions({ udpSize: 1232, nsid: '', id: '', version: '' });
const ask = (msg: Buffer, transport: 'udp' | 'tcp' = 'udp') => handleMessage(snapshot, msg, transport, opts, newStats());
const A = 1;

function rawQuery(qdcount: number, question: Buffer, extra: Buffer = Buffer.alloc(0), arcount = 0): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(0x1234, 0);
  h.writeUInt16BE(qdcount, 4);
  h.writeUInt16BE(arcount, 10);
  return Buffer.concat([h, question, extra]);
}
const question = Buffer.concat([encodeName('mail.example.com'), Buffer.from([0, 1, 0, 1])]);
const opt = Buffer.from([0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0]);

describe('RFC 1035 §4.1.1: messages to drop', () => {
  it('drops fewer than 12 bytes', () => expect(ask(Buffer.alloc(11))).toBeUndefined());
  it('drops a message with QR=1', () => {
    const q = buildQuery({ id: 1, qname: 'mail.example.com', qtype: A });
    q[2] = q[2]! | 0x80;
    expect(ask(q)).toBeUndefined();
  });
});

describe('RFC 1035 §4.1 / RFC 6891 §6.1.1: FORMERR', () => {
  const cases: [string, Buffer][] = [
    ['QDCOUNT 0', rawQuery(0, Buffer.alloc(0))],
    ['QDCOUNT 2', rawQuery(2, Buffer.concat([question, question]))],
    ['question runs past the end', rawQuery(1, question.subarray(0, 10))],
    ['QTYPE/QCLASS cut short', rawQuery(1, question.subarray(0, question.length - 2))],
    ['compression pointer in the question', rawQuery(1, Buffer.from([0xc0, 0x0c, 0, 1, 0, 1]))],
    ['two OPT records', rawQuery(1, question, Buffer.concat([opt, opt]), 2)],
    ['OPT owner not the root', rawQuery(1, question, Buffer.concat([Buffer.from([1, 0x61]), opt]), 1)],
    ['OPT rdata runs past the end', rawQuery(1, question, Buffer.from([0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 9]), 1)],
  ];
  it.each(cases)('%s', (_name, msg) => {
    const out = ask(msg);
    expect(out).toBeDefined();
    const n = normalize(out!);
    expect(n.rcodeName).toBe('FORMERR');
    expect(n.id).toBe(0x1234);
    expect(n.flags.qr).toBe(true);
    expect(n.answer).toEqual([]);
  });
});

describe('RFC 1035 §4.1.1: opcodes other than QUERY (and NOTIFY) get NOTIMP, opcode echoed, no AA', () => {
  it.each([1, 2, 5])('opcode %i', (opcode) => {
    const n = normalize(ask(buildQuery({ id: 7, qname: 'mail.example.com', qtype: A, opcode }))!);
    expect(n.rcodeName).toBe('NOTIMP');
    expect(n.opcode).toBe(opcode);
    expect(n.flags.aa).toBe(false);
  });
});

describe('Header bits: ID and RD copied, RA never, AD/CD cleared, Z not echoed', () => {
  it.each([true, false])('rd=%s', (rd) => {
    const q = buildQuery({ id: 0xbeef, qname: 'mail.example.com', qtype: A, rd, ad: true, cd: true });
    q[3] = q[3]! | 0x40; // Z
    const out = ask(q)!;
    const n = normalize(out);
    expect(n.id).toBe(0xbeef);
    expect(n.flags.rd).toBe(rd);
    expect(n.flags.ra).toBe(false);
    expect(n.flags.ad).toBe(false);
    expect(n.flags.cd).toBe(false);
    expect(out[3]! & 0x70).toBe(0);
    expect(n.flags.aa).toBe(true);
  });
});

describe('0x20: the question is echoed byte for byte', () => {
  it('keeps the letter case as sent', () => {
    const q = buildQuery({ id: 3, qname: 'MaIl.ExAmPlE.cOm', qtype: A });
    const out = ask(q)!;
    expect(out.subarray(12, q.length)).toEqual(q.subarray(12));
    expect(normalize(out).answer).toEqual(['mail.example.com. 3600 IN A 192.0.2.10']);
  });
  it('answers the same whatever the case (and the slow path too)', () => {
    for (const qname of ['NOPE.example.com', 'nope.EXAMPLE.com']) {
      const n = normalize(ask(buildQuery({ id: 3, qname, qtype: A }))!);
      expect(n.rcodeName).toBe('NXDOMAIN');
      expect(n.question[0]!.startsWith(qname)).toBe(true);
    }
  });
});

describe('Classes: IN only; CHAOS and others REFUSED', () => {
  it.each([3, 4, 255])('class %i', (qclass) => {
    const n = normalize(ask(buildQuery({ id: 4, qname: 'version.bind', qtype: 16, qclass }))!);
    expect(n.rcodeName).toBe('REFUSED');
    expect(n.flags.aa).toBe(false);
  });
});

describe('Out-of-zone names: REFUSED, no AA, no records', () => {
  it.each(['example.org', 'com', '.'])('%s', (qname) => {
    const n = normalize(ask(buildQuery({ id: 5, qname, qtype: A }))!);
    expect(n.rcodeName).toBe('REFUSED');
    expect(n.flags.aa).toBe(false);
    expect(n.answer.length + n.authority.length).toBe(0);
  });
});

describe('Unknown types: NODATA, never FORMERR or NOTIMP', () => {
  it.each([999, 65280, 65535, 0, 41, 253, 254])('type %i', (qtype) => {
    const n = normalize(ask(buildQuery({ id: 6, qname: 'mail.example.com', qtype }))!);
    expect(n.rcodeName).toBe('NOERROR');
    expect(n.flags.aa).toBe(true);
    expect(n.answer).toEqual([]);
    expect(n.authority).toHaveLength(1);
  });
});

describe('RFC 1996: a NOTIFY to the primary gets NOTAUTH (as Knot answers), never NOTIMP', () => {
  it.each(['mail.example.com', 'example.com', 'not-served.example'])('%s', (qname) => {
    const n = normalize(ask(buildQuery({ id: 7, qname, qtype: 6, opcode: 4 }))!);
    expect(n.rcodeName).toBe('NOTAUTH');
    expect(n.opcode).toBe(4);
    expect(n.flags.aa).toBe(false);
  });
});

describe('Transfers without an ACL that allows them (the default)', () => {
  it('AXFR over UDP: NOTIMP', () => expect(normalize(ask(buildQuery({ id: 8, qname: 'example.com', qtype: 252 }))!).rcodeName).toBe('NOTIMP'));
  it('IXFR over UDP: REFUSED', () => expect(normalize(ask(buildQuery({ id: 8, qname: 'example.com', qtype: 251 }))!).rcodeName).toBe('REFUSED'));
  it('AXFR over TCP: REFUSED', () => expect(normalize(ask(buildQuery({ id: 8, qname: 'example.com', qtype: 252 }), 'tcp')!).rcodeName).toBe('REFUSED'));
});

describe('No input throws', () => {
  it('survives 20,000 random and mutated messages', () => {
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const base = buildQuery({ id: 1, qname: '_imaps._tcp.example.com', qtype: 33, edns: { udpSize: 1232 } });
    for (let i = 0; i < 20000; i++) {
      const m = i % 2 ? Buffer.from(base) : Buffer.alloc(Math.floor(rand() * 80));
      for (let j = 0; j < 4; j++) m[Math.floor(rand() * m.length)] = Math.floor(rand() * 256);
      if (m.length) m[2] = m[2]! & 0x7f;
      expect(() => ask(m)).not.toThrow();
    }
  });
});
