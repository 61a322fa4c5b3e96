// SipHash-2-4 (Aumasson and Bernstein, 2012): the keyed hash RFC 9018 makes DNS server cookies
// with. Written on 32-bit halves, since a 64-bit BigInt would allocate on every call; the state
// lives in module variables, so a hash allocates nothing.

/** A 128-bit SipHash key as its two little-endian 64-bit words, each split in halves. */
export interface SipKey {
  readonly k0hi: number;
  readonly k0lo: number;
  readonly k1hi: number;
  readonly k1lo: number;
}

const u32le = (b: Uint8Array, at: number): number => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) | 0;

/** The key made of 16 bytes (RFC 9018: the server secret). */
export function sipKey(key: Uint8Array): SipKey {
  if (key.length !== 16) throw new Error(`bug: a SipHash key is 16 bytes, not ${key.length}`);
  return Object.freeze({ k0lo: u32le(key, 0), k0hi: u32le(key, 4), k1lo: u32le(key, 8), k1hi: u32le(key, 12) });
}

let v0h = 0, v0l = 0, v1h = 0, v1l = 0, v2h = 0, v2l = 0, v3h = 0, v3l = 0;

function sipRound(): void {
  let h: number, l: number;
  // v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
  l = (v0l + v1l) | 0;
  v0h = (v0h + v1h + ((l >>> 0) < (v0l >>> 0) ? 1 : 0)) | 0;
  v0l = l;
  h = (v1h << 13) | (v1l >>> 19);
  l = (v1l << 13) | (v1h >>> 19);
  v1h = h ^ v0h;
  v1l = l ^ v0l;
  h = v0h;
  v0h = v0l;
  v0l = h;
  // v2 += v3; v3 = rotl(v3, 16); v3 ^= v2
  l = (v2l + v3l) | 0;
  v2h = (v2h + v3h + ((l >>> 0) < (v2l >>> 0) ? 1 : 0)) | 0;
  v2l = l;
  h = (v3h << 16) | (v3l >>> 16);
  l = (v3l << 16) | (v3h >>> 16);
  v3h = h ^ v2h;
  v3l = l ^ v2l;
  // v0 += v3; v3 = rotl(v3, 21); v3 ^= v0
  l = (v0l + v3l) | 0;
  v0h = (v0h + v3h + ((l >>> 0) < (v0l >>> 0) ? 1 : 0)) | 0;
  v0l = l;
  h = (v3h << 21) | (v3l >>> 11);
  l = (v3l << 21) | (v3h >>> 11);
  v3h = h ^ v0h;
  v3l = l ^ v0l;
  // v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
  l = (v2l + v1l) | 0;
  v2h = (v2h + v1h + ((l >>> 0) < (v2l >>> 0) ? 1 : 0)) | 0;
  v2l = l;
  h = (v1h << 17) | (v1l >>> 15);
  l = (v1l << 17) | (v1h >>> 15);
  v1h = h ^ v2h;
  v1l = l ^ v2l;
  h = v2h;
  v2h = v2l;
  v2l = h;
}

function compress(mh: number, ml: number): void {
  v3h ^= mh;
  v3l ^= ml;
  sipRound();
  sipRound();
  v0h ^= mh;
  v0l ^= ml;
}

/**
 * SipHash-2-4 of `length` bytes of `data` from `at` under `key`, written to `out` at `outAt` as
 * 8 bytes, the 64-bit result in little-endian order (as the reference implementation writes it).
 */
export function siphash24(key: SipKey, data: Uint8Array, at: number, length: number, out: Uint8Array, outAt: number): void {
  // "somepseudorandomlygeneratedbytes", xored with the key.
  v0h = key.k0hi ^ 0x736f6d65;
  v0l = key.k0lo ^ 0x70736575;
  v1h = key.k1hi ^ 0x646f7261;
  v1l = key.k1lo ^ 0x6e646f6d;
  v2h = key.k0hi ^ 0x6c796765;
  v2l = key.k0lo ^ 0x6e657261;
  v3h = key.k1hi ^ 0x74656462;
  v3l = key.k1lo ^ 0x79746573;
  const end = at + length;
  const whole = at + (length & ~7);
  for (let i = at; i < whole; i += 8) compress(u32le(data, i + 4), u32le(data, i));
  // The last block: the remaining bytes, and the length's low byte at the top.
  let lastLo = 0;
  let lastHi = (length & 0xff) << 24;
  for (let i = whole; i < end; i++) {
    const shift = (i - whole) * 8;
    if (shift < 32) lastLo |= data[i]! << shift;
    else lastHi |= data[i]! << (shift - 32);
  }
  compress(lastHi, lastLo);
  v2l ^= 0xff;
  sipRound();
  sipRound();
  sipRound();
  sipRound();
  const lo = v0l ^ v1l ^ v2l ^ v3l;
  const hi = v0h ^ v1h ^ v2h ^ v3h;
  out[outAt] = lo;
  out[outAt + 1] = lo >>> 8;
  out[outAt + 2] = lo >>> 16;
  out[outAt + 3] = lo >>> 24;
  out[outAt + 4] = hi;
  out[outAt + 5] = hi >>> 8;
  out[outAt + 6] = hi >>> 16;
  out[outAt + 7] = hi >>> 24;
}
