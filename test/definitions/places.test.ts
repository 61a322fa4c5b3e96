// Places: where records are written, kept as numbers and shared strings, read back as At.
import { describe, expect, it } from 'vitest';
import { Places } from '../../src/definitions/places.js';
import { Shared } from '../../src/definitions/shared.js';

const at = (file: string, line: number, col: number, path: string) => ({ file, line, col, path });

describe('Places', () => {
  it("gives back each record's place, and its target's only when written apart", () => {
    const placed = [
      { at: at('a.yaml', 3, 5, 'hosts.mail') },
      { at: at('a.yaml', 7, 3, 'services.imaps'), targetAt: at('a.yaml', 8, 11, 'services.imaps.host') },
      { at: at('a.yaml', 1, 1, '') },
    ];
    const places = new Places(placed, (p) => p);
    expect(places.length).toBe(3);
    expect(placed.map((_, i) => places.at(i))).toEqual(placed.map((p) => p.at));
    expect(placed.map((_, i) => places.targetAt(i))).toEqual([undefined, placed[1]!.targetAt, undefined]);
  });

  it("keeps each record's own file when they differ", () => {
    const places = new Places([{ at: at('a.yaml', 2, 1, 'x') }, { at: at('b.yaml', 4, 2, 'y') }], (p) => p);
    expect([places.at(0).file, places.at(1).file]).toEqual(['a.yaml', 'b.yaml']);
  });

  it('shares equal path strings within a load (Shared.path)', () => {
    const shared = new Shared();
    const one = ['services', 'imaps'].join('.');
    const two = ['services', 'imaps'].join('.');
    expect(shared.path(one)).toBe(one);
    expect(shared.path(two)).toBe(one);
  });

  it('refuses a record and its target in different files: that is a bug, not input', () => {
    expect(() => new Places([{ at: at('a.yaml', 1, 1, 'x'), targetAt: at('b.yaml', 1, 1, 'x.host') }], (p) => p)).toThrow(/bug/);
  });
});
