// Names (RFC 1035 §2.3.4, §3.1, §5.1): presentation ↔ wire, limits, keys that ignore ASCII case.
import { describe, expect, it } from 'vitest';
import { firstLabel, isAtOrBelow, isNameError, joinName, name, nameFromWire, nameToText, parentName, parseName, ROOT } from '../../src/dns/name.js';

const origin = name('example.com.');

describe('parseName', () => {
  it.each([
    ['@', 'example.com.'],
    ['mail', 'mail.example.com.'],
    ['mail.example.net.', 'mail.example.net.'],
    ['.', '.'],
    ['a\\.b', 'a\\.b.example.com.'],
    ['\\065bc', 'Abc.example.com.'],
  ])('%s → %s', (text, want) => {
    const n = parseName(text, origin);
    if (isNameError(n)) throw new Error(n.error);
    expect(nameToText(n)).toBe(want);
  });

  it('keys ignore ASCII case only (RFC 4343)', () => {
    expect(name('MAIL.Example.COM.').key).toBe(name('mail.example.com.').key);
    expect(name('\\200.example.').key).not.toBe(name('\\232.example.').key);
  });

  it('keeps letter case in the wire form', () => expect(name('Mail.example.').wire.toString('latin1')).toBe('\x04Mail\x07example\x00'));

  it('takes a 63-byte label and refuses 64', () => {
    expect(isNameError(parseName(`${'a'.repeat(63)}.`))).toBe(false);
    expect(parseName(`${'a'.repeat(64)}.`)).toMatchObject({ error: expect.stringContaining('at most 63') });
  });

  it('takes 255 bytes in wire form and refuses 256', () => {
    const l63 = 'a'.repeat(63);
    const exact = `${l63}.${l63}.${l63}.${'a'.repeat(61)}.`; // 3 × 64 + 62 + the root's 1
    expect(name(exact).wire.length).toBe(255);
    expect(parseName(`${l63}.${l63}.${l63}.${'a'.repeat(62)}.`)).toMatchObject({ error: expect.stringContaining('at most 255') });
  });

  it.each([['a..b'], ['.a'], ['x\\'], ['\\300']])('refuses %s with a message', (text) => {
    const n = parseName(text, origin);
    expect(isNameError(n) && n.error.length > 0).toBe(true);
  });
});

describe('names as the model uses them', () => {
  it('parentName, firstLabel, labelCount', () => {
    const n = name('_imaps._tcp.Example.com.');
    expect(n.labelCount).toBe(4);
    expect(firstLabel(n)?.toString()).toBe('_imaps');
    expect(nameToText(parentName(n)!)).toBe('_tcp.Example.com.');
    expect(parentName(ROOT)).toBeUndefined();
  });

  it('isAtOrBelow compares at label boundaries', () => {
    expect(isAtOrBelow(name('a.example.com.'), origin)).toBe(true);
    expect(isAtOrBelow(origin, origin)).toBe(true);
    expect(isAtOrBelow(name('xexample.com.'), origin)).toBe(false);
  });

  it('joinName and nameFromWire make the same name as parsing', () => {
    const j = joinName('\x04Mail', '\x04mail', 1, origin);
    expect(nameToText(j)).toBe('Mail.example.com.');
    expect(j.key).toBe(name('mail.example.com.').key);
    expect(nameToText(nameFromWire(name('x.y.').wire))).toBe('x.y.');
  });

  it('escapes what a zone file would misread', () => expect(nameToText(name('a\\.b\\;c\\032d.'))).toBe('a\\.b\\;c\\032d.'));
});
