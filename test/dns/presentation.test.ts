// Zone-file text of one record: the bytes a TXT string carries, ASCII, escaped or not.
import { describe, expect, it } from 'vitest';
import { name } from '../../src/dns/name.js';
import { parseRecordLine } from '../../src/dns/presentation.js';

const origin = name('example.com.');

function txtBytes(line: string): string[] {
  const rr = parseRecordLine(line, origin, 3600);
  if ('error' in rr) throw new Error(rr.error);
  if (rr.rdata.kind !== 'TXT') throw new Error(`not TXT: ${rr.rdata.kind}`);
  return rr.rdata.strings.map((s) => s.toString('hex'));
}

describe('parseRecordLine: TXT strings', () => {
  it('keeps ASCII as its bytes, quoted or bare', () => {
    expect(txtBytes('@ TXT "v=spf1 -all" bare')).toEqual([Buffer.from('v=spf1 -all').toString('hex'), Buffer.from('bare').toString('hex')]);
  });

  it('gives characters beyond ASCII as their UTF-8 bytes', () => {
    expect(txtBytes('@ TXT "café ☕"')).toEqual([Buffer.from('café ☕', 'utf8').toString('hex')]);
  });

  it('reads \\DDD as one byte and \\X as X', () => {
    expect(txtBytes('@ TXT "a\\065\\"b\\é"')).toEqual([Buffer.concat([Buffer.from('aA"b'), Buffer.from('é', 'utf8')]).toString('hex')]);
  });
});
