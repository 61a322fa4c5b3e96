// The message writer: names compressed against earlier suffixes (RFC 1035 §4.1.4), except where
// a type forbids it (RFC 3597 §4), and records with their lengths.
import { describe, expect, it } from 'vitest';
import { name } from '../../src/dns/name.js';
import { MessageWriter } from '../../src/wire/writer.js';

describe('MessageWriter', () => {
  it('points a repeated suffix at its first copy', () => {
    const w = new MessageWriter();
    w.reset();
    w.pos = 12;
    w.name(name('mail.example.com.'), true);
    w.name(name('dav.Example.COM.'), true);
    expect(w.buf.subarray(12, w.pos).toString('hex')).toBe('046d61696c076578616d706c6503636f6d00' + '03646176' + 'c011');
  });

  it('writes a name in full when compression is off, and still remembers its suffixes', () => {
    const w = new MessageWriter();
    w.reset();
    w.pos = 12;
    w.name(name('example.com.'), false);
    w.name(name('example.com.'), false);
    w.name(name('www.example.com.'), true);
    expect(w.buf.subarray(12, w.pos).toString('hex')).toBe('076578616d706c6503636f6d00'.repeat(2) + '03777777c00c');
  });

  it('never compresses when the writer is reset without compression', () => {
    const w = new MessageWriter();
    w.reset(false);
    w.name(name('example.com.'), true);
    w.name(name('example.com.'), true);
    expect(w.pos).toBe(26);
  });

  it('writes an RRset: owner, type, class, TTL, length, data; SRV target uncompressed', () => {
    const w = new MessageWriter();
    w.reset();
    w.pos = 12;
    w.name(name('mail.example.com.'), false);
    const start = w.pos;
    const n = w.rrset({ owner: name('_imaps._tcp.example.com.'), type: 33, ttl: 300, rdatas: [{ kind: 'SRV', priority: 0, weight: 1, port: 993, target: name('mail.example.com.') }] });
    expect(n).toBe(1);
    const rec = w.buf.subarray(start, w.pos);
    const rdlength = rec.readUInt16BE(rec.length - 24 - 2);
    expect(rdlength).toBe(6 + 18); // target in full, 18 bytes
    expect(rec.subarray(rec.length - 18).toString('hex')).toBe('046d61696c076578616d706c6503636f6d00');
  });
});
