// Rdata as a plain byte string: a growable sink (the canonical form, identity keys, `\#`
// data) and a bounded source over one message or one rdata, following compression pointers.

import { Buffer } from 'node:buffer';
import { nameFromWire, MAX_NAME_WIRE, type Name } from '../name.js';
import { DecodeError, type WireSink, type WireSource } from './codec.js';

/** How names are written into a ByteSink. */
export type NameCase = 'as-is' | 'canonical' | 'lowercase';

export class ByteSink implements WireSink {
  private buf = Buffer.alloc(64);
  pos = 0;

  /** as-is: names as written; canonical: lowercased where RFC 4034 §6.2 says; lowercase: all of them. */
  constructor(private readonly names: NameCase = 'as-is') {}

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): void {
    this.room(1);
    this.buf[this.pos++] = v;
  }
  u16(v: number): void {
    this.room(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
  }
  u32(v: number): void {
    this.room(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  name(n: Name, _compress: boolean, canonical: boolean): void {
    const lower = this.names === 'lowercase' || (this.names === 'canonical' && canonical);
    if (lower) this.bytes(Buffer.from(n.key, 'latin1'));
    else this.bytes(n.wire);
  }

  /** The bytes written (a copy). */
  result(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

/** Most pointers a name may follow: a loop or a chain longer than any real message needs. */
const MAX_HOPS = 32;

export class ByteSource implements WireSource {
  /** Reads `buf` (a whole message, or rdata alone) from `pos` up to `end`. */
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    public end: number,
  ) {}

  private need(n: number): void {
    if (this.pos + n > this.end) throw new DecodeError('data runs past the end of its record');
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }
  u16(): number {
    this.need(2);
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const out = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  /** A name at `pos`, compressed or not; pointers may only go backwards (RFC 1035 §4.1.4). */
  name(): Name {
    const labels: number[] = [];
    let at = this.pos;
    let end = -1; // where reading continues after the first pointer
    let hops = 0;
    for (;;) {
      if (at >= (end < 0 ? this.end : this.buf.length)) throw new DecodeError('name runs past the end');
      const len = this.buf[at]!;
      if (len === 0) {
        labels.push(0);
        at++;
        break;
      }
      if ((len & 0xc0) === 0xc0) {
        if (at + 1 >= this.buf.length) throw new DecodeError('name runs past the end');
        const target = ((len & 0x3f) << 8) | this.buf[at + 1]!;
        if (end < 0) end = at + 2;
        if (++hops > MAX_HOPS || target >= at) throw new DecodeError('compression pointer loops or points forward');
        at = target;
        continue;
      }
      if (len > 63) throw new DecodeError('bad label type');
      if (at + 1 + len > this.buf.length) throw new DecodeError('label runs past the end');
      for (let i = at; i <= at + len; i++) labels.push(this.buf[i]!);
      if (labels.length + 1 > MAX_NAME_WIRE) throw new DecodeError('name longer than 255 bytes');
      at += len + 1;
    }
    this.pos = end < 0 ? at : end;
    if (this.pos > this.end) throw new DecodeError('name runs past the end of its record');
    return nameFromWire(Buffer.from(labels));
  }
}
