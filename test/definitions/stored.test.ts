// StoredRecords: a zone's records and where each is written, kept in columns, read back as
// ResourceRecords and At places equal to those it was made from.
import { describe, expect, it } from 'vitest';
import { parseName } from '../../src/dns/name.js';
import { RRType } from '../../src/dns/types.js';
import { Shared } from '../../src/definitions/shared.js';
import { StoredRecords } from '../../src/definitions/stored.js';

const at = (file: string, line: number, col: number, path: string) => ({ file, line, col, path });
const name = (text: string) => {
  const n = parseName(text);
  if ('error' in n) throw new Error(n.error);
  return n;
};
const mail = { owner: name('mail.a.test.'), type: RRType.A, ttl: 3600, rdata: { kind: 'A' as const, address: '192.0.2.1', bytes: Buffer.from([192, 0, 2, 1]) } };
const srv = { owner: name('_imaps._tcp.a.test.'), type: RRType.SRV, ttl: 2147483647, rdata: { kind: 'SRV' as const, priority: 0, weight: 1, port: 993, target: name('mail.a.test.') } };

describe('StoredRecords', () => {
  it("gives back each record, its place, and its target's place only when written apart", () => {
    const placed = [
      { rr: mail, at: at('a.yaml', 3, 5, 'hosts.mail') },
      { rr: srv, at: at('a.yaml', 7, 3, 'services.imaps'), targetAt: at('a.yaml', 8, 11, 'services.imaps.host') },
    ];
    const stored = new StoredRecords(placed, (p) => p);
    expect(stored.length).toBe(2);
    expect(stored.toArray()).toEqual([mail, srv]);
    expect(stored.record(1).rdata).toBe(srv.rdata);
    expect([stored.at(0), stored.at(1)]).toEqual([placed[0]!.at, placed[1]!.at]);
    expect([stored.targetAt(0), stored.targetAt(1)]).toEqual([undefined, placed[1]!.targetAt]);
  });

  it("keeps each record's own file when they differ", () => {
    const stored = new StoredRecords([{ rr: mail, at: at('a.yaml', 2, 1, 'x') }, { rr: mail, at: at('b.yaml', 4, 2, 'y') }], (p) => p);
    expect([stored.at(0).file, stored.at(1).file]).toEqual(['a.yaml', 'b.yaml']);
  });

  it('shares equal path strings within a load (Shared.path)', () => {
    const shared = new Shared();
    const one = ['services', 'imaps'].join('.');
    const two = ['services', 'imaps'].join('.');
    expect(shared.path(one)).toBe(one);
    expect(shared.path(two)).toBe(one);
  });

  it('refuses a record and its target in different files: that is a bug, not input', () => {
    expect(() => new StoredRecords([{ rr: srv, at: at('a.yaml', 1, 1, 'x'), targetAt: at('b.yaml', 1, 1, 'x.host') }], (p) => p)).toThrow(/bug/);
  });
});
