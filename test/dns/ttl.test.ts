// TTLs with units (BIND, Knot): every TTL field reads them the same way.
import { describe, expect, it } from 'vitest';
import { name } from '../../src/dns/name.js';
import { parseRecordLine } from '../../src/dns/presentation.js';
import { parseTtl } from '../../src/dns/ttl.js';

describe('parseTtl', () => {
  it.each([
    ['0', 0],
    ['3600', 3600],
    ['1h', 3600],
    ['1h30m', 5400],
    ['30m1h', 5400],
    ['1W', 604800],
    ['2d12h', 216000],
    ['1w2d3h4m5s', 788645],
    ['2147483647', 2147483647],
  ])('%s → %i', (text, seconds) => expect(parseTtl(text)).toBe(seconds));

  it.each(['1x', 'h', '1h30', '', '-1', '1.5h', '2147483648', '3551w'])('refuses %s', (text) => {
    expect(parseTtl(text)).toHaveProperty('error');
  });
});

describe('a TTL in a record line', () => {
  const origin = name('example.com.');
  it('takes units', () => {
    expect(parseRecordLine('www 1h A 192.0.2.1', origin, 60)).toMatchObject({ ttl: 3600 });
    expect(parseRecordLine('www IN 1h30m A 192.0.2.1', origin, 60)).toMatchObject({ ttl: 5400 });
  });
  it('a bad one is a TTL problem at its column, not an unknown type', () => {
    expect(parseRecordLine('www 1x A 192.0.2.1', origin, 60)).toEqual({ error: "'1x' is not a TTL: write seconds (3600) or with units s, m, h, d, w (1h, 1h30m, 2d)", col: 4 });
  });
});
