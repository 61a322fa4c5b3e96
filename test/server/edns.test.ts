// RFC 6891 / RFC 8906 EDNS and RFC 2181 §9 truncation, through the handler.
import { describe, expect, it } from 'vitest';
import { handleMessage } from '../../src/server/handler.js';
import { handlerOptions } from '../../src/server/identity.js';
import { newStats } from '../../src/server/stats.js';
import { buildQuery, normalize } from '../support/query.js';
import { EXAMPLE_ZONE, snapshotFromText } from '../support/zonetext.js';

// A name with enough TXT data to overflow 512 and 1232 bytes, and an SRV set whose additional
// records alone overflow 512.
const long = (i: number) => `big TXT "${String(i).padStart(3, '0')}${'x'.repeat(200)}"`;
const targets = Array.from({ length: 12 }, (_, i) => `_jmap._tcp SRV 0 1 443 host${i}\nhost${i} AAAA 2001:db8::${i + 1}\nhost${i} A 192.0.2.${i + 1}`).join('\n');
const snapshot = snapshotFromText({ 'example.com.': `${EXAMPLE_ZONE}\n${Array.from({ length: 8 }, (_, i) => long(i)).join('\n')}\n${targets}` });
const ask = (msg: Buffer, transport: 'udp' | 'tcp' = 'udp', ednsUdpSize = 1232) => normalize(handleMessage(snapshot, msg, transport, handlerOptions({ udpSize: ednsUdpSize, nsid: '', id: '', version: '' }), newStats())!);
const raw = (msg: Buffer) => handleMessage(snapshot, msg, 'udp', handlerOptions({ udpSize: 1232, nsid: '', id: '', version: '' }), newStats())!;

describe('RFC 6891 §7: OPT only when the query had one', () => {
  it('no OPT in, no OPT out', () => {
    expect(ask(buildQuery({ id: 1, qname: 'mail.example.com', qtype: 1 })).opt.present).toBe(false);
  });
  it('OPT in: OPT out advertising our size, version 0', () => {
    const n = ask(buildQuery({ id: 1, qname: 'mail.example.com', qtype: 1, edns: { udpSize: 4096 } }));
    expect(n.opt).toEqual({ present: true, version: 0, udpSize: 1232, do: false, owner: '.' });
    expect(n.optCount).toBe(1);
  });
  it('DO is copied back (RFC 3225 §3)', () => {
    expect(ask(buildQuery({ id: 1, qname: 'mail.example.com', qtype: 1, edns: { udpSize: 1232, do: true } })).opt).toMatchObject({ do: true });
  });
  it('OPT also on negative and REFUSED answers', () => {
    expect(ask(buildQuery({ id: 1, qname: 'nope.example.com', qtype: 1, edns: { udpSize: 1232 } })).opt.present).toBe(true);
    expect(ask(buildQuery({ id: 1, qname: 'example.org', qtype: 1, edns: { udpSize: 1232 } })).opt.present).toBe(true);
  });
  it('unknown options and flags are not echoed', () => {
    const q = buildQuery({ id: 1, qname: 'mail.example.com', qtype: 1, edns: { udpSize: 1232, options: [{ code: 65001, data: Buffer.from('hi') }] } });
    q[q.length - 6 - 4] = 0x7f; // set unknown EDNS flag bits (low byte of the flags field)
    const out = raw(q);
    // The response's OPT is the last 11 bytes: flags zero, rdlength zero.
    expect(out.subarray(out.length - 4)).toEqual(Buffer.from([0, 0, 0, 0]));
    expect(normalize(out).answer).toHaveLength(1);
  });
});

describe('RFC 6891 §6.1.3: EDNS version above 0 gets BADVERS', () => {
  it('BADVERS (16) with an OPT of version 0 and no answer', () => {
    const n = ask(buildQuery({ id: 9, qname: 'mail.example.com', qtype: 1, edns: { udpSize: 1232, version: 1 } }));
    expect(n.rcode).toBe(16);
    expect(n.opt).toMatchObject({ present: true, version: 0 });
    expect(n.answer).toEqual([]);
  });
});

describe('RFC 6891 §6.2.5 / RFC 8906: UDP size limits', () => {
  const txt = (udpSize?: number) => buildQuery({ id: 2, qname: 'big.example.com', qtype: 16, ...(udpSize ? { edns: { udpSize } } : {}) });
  it('no EDNS: 512 bytes at most, TC when the answer does not fit', () => {
    const out = raw(txt());
    expect(out.length).toBeLessThanOrEqual(512);
    const n = normalize(out);
    expect(n.flags.tc).toBe(true);
    expect(n.answer).toEqual([]);
    expect(n.question).toHaveLength(1);
  });
  it('client sizes under 512 count as 512', () => {
    expect(raw(txt(100)).length).toBeLessThanOrEqual(512);
    expect(normalize(raw(txt(100))).flags.tc).toBe(true);
  });
  it('a client offering 4096 gets at most our 1232', () => {
    const out = raw(txt(4096));
    expect(out.length).toBeLessThanOrEqual(1232);
    expect(normalize(out).flags.tc).toBe(true);
    expect(normalize(out).opt.present).toBe(true);
  });
  it('over TCP the whole answer comes', () => {
    const n = ask(txt(1232), 'tcp');
    expect(n.flags.tc).toBe(false);
    expect(n.answer).toHaveLength(8);
  });
  it('with a larger configured cap, a 4096 client gets it all over UDP', () => {
    const n = ask(txt(4096), 'udp', 4096);
    expect(n.flags.tc).toBe(false);
    expect(n.answer).toHaveLength(8);
  });
});

describe('RFC 2181 §9: additional records that do not fit are left out without TC', () => {
  it('SRV answer kept, additional dropped, no TC at 512', () => {
    const n = ask(buildQuery({ id: 3, qname: '_jmap._tcp.example.com', qtype: 33 }));
    expect(n.flags.tc).toBe(false);
    expect(n.answer).toHaveLength(12);
    expect(n.additional).toEqual([]);
  });
  it('with room, the additional records come', () => {
    const n = ask(buildQuery({ id: 3, qname: '_jmap._tcp.example.com', qtype: 33, edns: { udpSize: 1232 } }));
    expect(n.answer).toHaveLength(12);
    expect(n.additional).toHaveLength(24);
  });
});

describe('RFC 2782: SRV targets are never compressed', () => {
  it('even when the target name appeared earlier', () => {
    const n = ask(buildQuery({ id: 4, qname: '_imaps._tcp.example.com', qtype: 33, edns: { udpSize: 1232 } }));
    expect(n.answer).toHaveLength(2);
    expect(n.compressedSrvTargets).toEqual([]);
  });
});
