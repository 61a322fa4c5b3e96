// IDNs (RFC 5890–5893, UTS 46): U-labels are written by people and served as A-labels. The
// conversion is compared with Node's url.domainToASCII, which the issue names as the reference.
import { domainToASCII } from 'node:url';
import { describe, expect, it } from 'vitest';
import { labelToUnicode, punycodeDecode, punycodeEncode } from '../../src/dns/idna.js';
import { idnToAscii, isNameError, nameToText, nameToUnicode, parseName, name } from '../../src/dns/name.js';

describe('RFC 3492 punycode', () => {
  // RFC 3492 §7.1 samples (A: Arabic, B: Chinese, L: Japanese mixed, and the ASCII-only one).
  it.each([
    ['\u0644\u064a\u0647\u0645\u0627\u0628\u062a\u0643\u0644\u0645\u0648\u0634\u0639\u0631\u0628\u064a\u061f', 'egbpdaj6bu4bxfgehfvwxn'],
    ['\u4ed6\u4eec\u4e3a\u4ec0\u4e48\u4e0d\u8bf4\u4e2d\u6587', 'ihqwcrb4cv8a8dqg056pqjye'],
    ['3\u5e74B\u7d44\u91d1\u516b\u5148\u751f', '3B-ww4c5e180e575a65lsy2b'],
    ['b\u00fccher', 'bcher-kva'],
  ])('%s ⇄ %s', (unicode, ascii) => {
    expect(punycodeEncode(unicode)).toBe(ascii);
    expect(punycodeDecode(ascii)).toBe(unicode);
  });

  it('refuses what is not punycode', () => {
    expect(punycodeDecode('99999999999')).toBeUndefined();
    expect(punycodeDecode('a!')).toBeUndefined();
  });
});

/** Names in many scripts, cases and compatibility forms that both conversions must agree on. */
const SAME_AS_NODE = [
  'bücher.example', 'straße.example', 'BÜCHER.de', 'faß.de', 'пример.испытание', '例え.テスト', 'مثال.إختبار', 'דוגמה.טעסט',
  'उदाहरण.परीक्षा', 'ελληνικά.gr', 'ΣΑΣ.gr', 'ς.gr', '日本語.jp', '한국어.kr', 'ไทย.th', 'ｅｘａｍｐｌｅ.com', 'Ⅻ.com', 'ǅ.com',
  'café.fr', 'naïve.example', 'İstanbul.tr', 'e\u0301.example', 'a\u00adb.example', 'bücher\u3002example', 'l·l.cat',
  'क्\u200dष.in', 'ᚠᛇᚻ.example', 'ⓐⓑ.com', '①.com', 'ﬁ.com', 'ẞ.de', 'ℌ.com', 'ｶﾞ.jp', 'αβγ-δ.gr', 'א1.il', 'xn--bcher-kva.example',
];

describe('UTS 46 mapping: the same A-labels as url.domainToASCII', () => {
  it.each(SAME_AS_NODE)('%s', (text) => {
    expect(idnToAscii(text)).toBe(domainToASCII(text));
  });
});

describe('IDNA2008 validity: refused, with the reason', () => {
  // Node converts the first group too (WHATWG URL rules are laxer): IDNA2008 disallows symbols
  // and emoji (RFC 5892), hyphens at the ends or in places 3-4, and mixed-direction labels (RFC 5893).
  it.each([
    ['☕.example', "'☕' (U+2615) is not allowed in a domain name (IDNA2008, RFC 5892)"],
    ['💩.la', "'💩' (U+1F4A9) is not allowed"],
    ['½.com', "'⁄' (U+2044) is not allowed"],
    ['ü-.example', "label 'ü-' starts or ends with '-'"],
    ['ab--ü.example', "has '--' in its third and fourth places"],
    ['aא.il', 'mixes right-to-left and left-to-right letters (RFC 5893)'],
    ['1א.il', 'must start with a letter (RFC 5893)'],
    // …and where Node refuses too.
    ['\u0301a.example', 'starts with a combining mark'],
    ['a\u200db.com', 'zero-width joiner'],
  ])('%s', (text, why) => {
    const r = idnToAscii(text);
    expect(isNameError(r as never) || typeof r !== 'string').toBe(true);
    expect((r as { error: string }).error).toContain(why);
  });
});

describe('parseName: no byte beyond ASCII reaches the wire from a name by accident', () => {
  it('a U-label becomes its A-label, relative or absolute', () => {
    expect(nameToText(name('bücher.example.'))).toBe('xn--bcher-kva.example.');
    expect(nameToText(name('müller', name('example.com.')))).toBe('xn--mller-kva.example.com.');
    expect(nameToText(name('straße.example.'))).toBe('xn--strae-oqa.example.');
  });

  it('Latin-1 letters are not taken as bytes (müller was served as m\\252ller)', () => {
    const n = name('müller.example.');
    expect([...n.wire].every((b) => b < 0x80)).toBe(true);
  });

  it('\\DDD still writes any byte, for whoever means it', () => {
    expect([...name('m\\252ller.example.').wire.subarray(1, 7)]).toEqual([0x6d, 252, 0x6c, 0x6c, 0x65, 0x72]);
  });

  it('an escape and an IDN in one label, or an escaped character beyond ASCII, is an error with the fix', () => {
    expect(parseName('m\\252ü.example.')).toEqual({ error: "label 'm\\252ü' of 'm\\252ü.example.' mixes characters beyond ASCII with escapes: write it as an IDN, or all of its bytes as \\DDD" });
    expect(parseName('m\\ü.example.')).toEqual({ error: "'m\\ü.example.' escapes 'ü', which is not one byte: write the bytes as \\DDD, or the IDN without the backslash" });
  });

  it('shows A-labels as U-labels for people', () => {
    expect(nameToUnicode(name('xn--bcher-kva.example.'))).toBe('bücher.example.');
    expect(labelToUnicode('xn--zz')).toBeUndefined(); // not valid punycode of a U-label: shown as written
    expect(nameToUnicode(name('xn--zz.example.'))).toBe('xn--zz.example.');
  });
});
