// Writes DNS messages: names with compression (RFC 1035 §4.1.4) and records; each type's
// data is written by its codec (dns/rdata/).

import { Buffer } from 'node:buffer';
import type { Name } from '../dns/name.js';
import { encodeRdata, type RData, type WireSink } from '../dns/rdata/index.js';
import type { RRset } from '../dns/records.js';
import { RRClass } from '../dns/types.js';

/** Pointers can only reach the first 16 KiB of a message. */
const MAX_POINTER = 0x3fff;

export class MessageWriter implements WireSink {
  readonly buf: Buffer;
  pos = 0;
  /** Name suffix key (lowercased wire, latin1) -> offset where those labels were written. */
  private readonly names = new Map<string, number>();

  constructor(capacity = 65535) {
    this.buf = Buffer.alloc(capacity);
  }

  /** False: every name is written in full, so the bytes do not depend on where they start. */
  compress = true;

  /** Empties the writer for the next message (one writer serves a whole zone build). */
  reset(compress = true): void {
    this.pos = 0;
    this.names.clear();
    this.compress = compress;
  }

  u8(v: number): void {
    this.buf[this.pos++] = v;
  }
  u16(v: number): void {
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
  }
  u32(v: number): void {
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
  }
  bytes(b: Uint8Array): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /**
   * Writes a name, pointing at an earlier copy of its longest known suffix when `compress`.
   * Every suffix written out is remembered either way: later names may point into it.
   */
  name(n: Name, compress: boolean): void {
    const wire = n.wire;
    const key = n.key;
    for (let at = 0; wire[at] !== 0; at += wire[at]! + 1) {
      const suffix = key.slice(at);
      if (compress && this.compress) {
        const ptr = this.names.get(suffix);
        if (ptr !== undefined) {
          this.u16(0xc000 | ptr);
          return;
        }
      }
      if (this.pos <= MAX_POINTER && !this.names.has(suffix)) this.names.set(suffix, this.pos);
      const len = wire[at]!;
      this.buf.set(wire.subarray(at, at + len + 1), this.pos);
      this.pos += len + 1;
    }
    this.u8(0);
  }

  /** Writes every record of an RRset; returns how many. */
  rrset(rrset: RRset, rrclass: number = RRClass.IN): number {
    for (const rdata of rrset.rdatas) this.record(rrset.owner, rrset.type, rrset.ttl, rdata, rrclass);
    return rrset.rdatas.length;
  }

  /** Writes one record. */
  record(owner: Name, type: number, ttl: number, rdata: RData, rrclass: number = RRClass.IN): void {
    this.name(owner, true);
    this.u16(type);
    this.u16(rrclass);
    this.u32(ttl);
    const lenAt = this.pos;
    this.pos += 2;
    encodeRdata(rdata, this);
    this.buf.writeUInt16BE(this.pos - lenAt - 2, lenAt);
  }

  /**
   * Forgets everything written from `at` on, names included: a record that did not fit in one
   * message (a transfer, wire/xfr.ts) goes into the next.
   */
  truncate(at: number): void {
    this.pos = at;
    for (const [suffix, offset] of this.names) if (offset >= at) this.names.delete(suffix);
  }
}
