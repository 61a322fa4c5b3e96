// SipHash-2-4 against the reference implementation's vectors (key 00..0f, message 00..len-1).
import { describe, expect, it } from 'vitest';
import { siphash24, sipKey } from '../../src/dns/siphash.js';

const key = sipKey(Uint8Array.from({ length: 16 }, (_, i) => i));
const message = Uint8Array.from({ length: 64 }, (_, i) => i);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const hash = (data: Uint8Array, at: number, length: number) => {
  const out = new Uint8Array(8);
  siphash24(key, data, at, length, out, 0);
  return hex(out);
};

describe('SipHash-2-4, the reference vectors', () => {
  it.each([
    [0, '310e0edd47db6f72'],
    [1, 'fd67dc93c539f874'],
    [2, '5a4fa9d909806c0d'],
    [7, '37d1018bf50002ab'],
    [8, '6224939a79f5f593'],
    [15, 'e545be4961ca29a1'],
  ])('%i bytes', (length, expected) => {
    expect(hash(message, 0, length)).toBe(expected);
  });
  it('63 bytes, and the same from an unaligned offset', () => {
    const shifted = new Uint8Array(65);
    shifted.set(message.subarray(0, 63), 1);
    // 0x958a324ceb064572 written little-endian
    expect(hash(message, 0, 63)).toBe('724506eb4c328a95');
    expect(hash(shifted, 1, 63)).toBe('724506eb4c328a95');
  });
});
