// Mail records beside the discovery records: each mistake that makes them fail silently is
// reported at its line, with what to write instead.
import { Buffer } from 'node:buffer';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BASE, run } from './run.js';

const rec = (...lines: string[]): string => `${BASE}records:\n${lines.map((l) => `  - '${l}'\n`).join('')}`;
/** The diagnostics of the records: lines only (lines 7 and on). */
const problems = (...lines: string[]): string[] => run(rec(...lines)).messages.filter((m) => /^z\.yaml:([7-9]|\d\d):/.test(m));

function dkimKey(bits: number): string {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
}
const split = (s: string): string => (s.match(/.{1,200}/g) ?? []).map((p) => `"${p}"`).join(' ');

describe('SPF (RFC 7208)', () => {
  it('a good record passes', () => expect(problems('@ TXT "v=spf1 mx ip4:192.0.2.0/24 include:_spf.example.net -all"')).toEqual([]));
  it.each([
    ['two records at one name', ['@ TXT "v=spf1 mx -all"', '@ TXT "v=spf1 a -all"'], 'z.yaml:8:5: error: records[1]: a second SPF record at example.com. (the first is at line 7): with two, receivers fail every check (RFC 7208 §4.5, permerror); merge them into one'],
    ['an unknown mechanism', ['@ TXT "v=spf1 mx allow:all -all"'], "z.yaml:7:5: error: records[0]: SPF term 'allow:all' is not a mechanism (all, include:, a, mx, ptr, ip4:, ip6:, exists:) or a modifier (redirect=, exp=): receivers fail the whole record (RFC 7208 §4.6.1)"],
    ['unquoted words', ['@ TXT v=spf1 mx -all'], 'z.yaml:7:5: error: records[0]: the SPF record is 3 strings ("v=spf1" "mx" "-all"), which SPF joins without spaces into "v=spf1mx-all" (RFC 7208 §3.3): quote the whole record as one string, "v=spf1 mx -all"'],
    ['more than 10 lookups', [`@ TXT "v=spf1 ${Array.from({ length: 11 }, (_, i) => `include:s${i}.ex`).join(' ')} -all"`], 'z.yaml:7:5: error: records[0]: SPF needs 11 DNS lookups, above the 10 receivers allow (RFC 7208 §4.6.4, permerror): flatten includes into ip4:/ip6: terms'],
    [
      'more than 10 lookups through includes in the zone',
      ['@ TXT "v=spf1 mx include:_a.example.com include:_b.example.com -all"', `_a TXT "v=spf1 ${Array.from({ length: 5 }, (_, i) => `include:a${i}.ex`).join(' ')} -all"`, `_b TXT "v=spf1 ${Array.from({ length: 4 }, (_, i) => `a:b${i}.ex`).join(' ')} -all"`],
      'z.yaml:7:5: error: records[0]: SPF needs 12 DNS lookups, above the 10 receivers allow (RFC 7208 §4.6.4, permerror): flatten includes into ip4:/ip6: terms',
    ],
    ['a bad ip4', ['@ TXT "v=spf1 ip4:192.0.2.300 -all"'], 'z.yaml:7:5: error: records[0]: SPF ip4:192.0.2.300 is not an IPv4 address or network: write e.g. ip4:192.0.2.0/24'],
    ['+all', ['@ TXT "v=spf1 +all"'], "z.yaml:7:5: warning: records[0]: SPF '+all' lets every host on the internet send as this domain: end with -all or ~all"],
    ['terms after all', ['@ TXT "v=spf1 -all mx"'], 'z.yaml:7:5: warning: records[0]: SPF terms after \'all\' are never read (RFC 7208 §5.1): move -all to the end'],
  ])('%s', (_, lines, expected) => expect(problems(...lines)).toEqual([expected]));
});

describe('DMARC (RFC 7489)', () => {
  it('a good record passes', () => expect(problems('_dmarc TXT "v=DMARC1; p=reject; rua=mailto:d@example.com; adkim=s"')).toEqual([]));
  it.each([
    ['the unquoted-; trap', ['_dmarc TXT v=DMARC1;p=none'], [
      'z.yaml:7:5: error: records[0]: the DMARC record has no p= policy, so it asks nothing of receivers (RFC 7489 §6.3): add p=none, p=quarantine or p=reject, e.g. "v=DMARC1; p=none"',
      'z.yaml:7:25: error: records[0]: \';\' starts a comment in zone-file text, so everything after it is lost and this TXT holds only "v=DMARC1": quote the whole value, e.g. "v=DMARC1; p=none"',
    ]],
    ['two records', ['_dmarc TXT "v=DMARC1; p=none"', '_dmarc TXT "v=DMARC1; p=reject"'], ['z.yaml:8:5: error: records[1]: a second DMARC record at _dmarc.example.com. (the first is at line 7): with two, receivers apply none (RFC 7489 §6.6.3); keep one']],
    ['v= not first', ['_dmarc TXT "p=none; v=DMARC1"'], ['z.yaml:7:5: error: records[0]: a DMARC record starts with v=DMARC1 (RFC 7489 §6.4), or receivers ignore it: write "v=DMARC1; p=none; …"']],
    ['a bad policy', ['_dmarc TXT "v=DMARC1; p=block"'], ['z.yaml:7:5: error: records[0]: DMARC p=block is not a policy: write p=none, p=quarantine or p=reject']],
    ['rua not mailto:', ['_dmarc TXT "v=DMARC1; p=none; rua=d@example.com"'], ['z.yaml:7:5: error: records[0]: DMARC rua=d@example.com: reports go to mailto: addresses, e.g. rua=mailto:dmarc@example.com']],
    ['an unknown tag', ['_dmarc TXT "v=DMARC1; p=none; policy=strict"'], ['z.yaml:7:5: warning: records[0]: DMARC tag \'policy\' is unknown and receivers ignore it (RFC 7489 §6.3): the tags are v, p, sp, np, adkim, aspf, pct, rua, ruf, fo, rf, ri, psd, t']],
  ])('%s', (_, lines, expected) => expect(problems(...lines)).toEqual(expected));
});

describe('DKIM (RFC 6376, RFC 8301)', () => {
  it('a 2048-bit key split into strings passes', () => {
    expect(problems(`sel._domainkey TXT "v=DKIM1; k=rsa; p=" ${split(dkimKey(2048))}`)).toEqual([]);
  });
  it.each([
    ['a 1024-bit key', () => `sel._domainkey TXT "v=DKIM1; p=${dkimKey(1024)}"`, 'z.yaml:7:5: warning: records[0]: the DKIM key has 1024 bits: 2048 is what RFC 8301 §3.2 recommends; make a 2048-bit key (split p= across quoted strings of at most 255 bytes)'],
    ['a 512-bit key', () => `sel._domainkey TXT "v=DKIM1; p=${dkimKey(512)}"`, 'z.yaml:7:5: error: records[0]: the DKIM key has 512 bits; verifiers refuse keys under 1024 (RFC 8301 §3.2): make a 2048-bit key'],
    ['bad base64', () => 'sel._domainkey TXT "v=DKIM1; p=MIIB!!"', 'z.yaml:7:5: error: records[0]: DKIM p= is not valid base64: paste the key again, as one unbroken run of A-Z a-z 0-9 + / (split across quoted strings if longer than 255)'],
    ['no p=', () => 'sel._domainkey TXT "v=DKIM1; k=rsa"', 'z.yaml:7:5: error: records[0]: the DKIM record has no p= (the public key): add it, e.g. "v=DKIM1; k=rsa; p=MIIBIjAN…", or p= empty to revoke the key'],
    ['v= not first', () => `sel._domainkey TXT "k=rsa; v=DKIM1; p=${dkimKey(2048).slice(0, 200)}" "${dkimKey(2048).slice(200)}"`, 'z.yaml:7:5: error: records[0]: v=DKIM1 must be the first tag of a DKIM key record (RFC 6376 §3.6.1), or verifiers ignore it: move it to the front'],
    ['an ed25519 key of the wrong size', () => `sel._domainkey TXT "v=DKIM1; k=ed25519; p=${Buffer.alloc(31).toString('base64')}"`, 'z.yaml:7:5: error: records[0]: a DKIM ed25519 key is 32 bytes (RFC 8463), this one 31: publish the raw public key in base64'],
  ])('%s', (_, line, expected) => expect(problems(line())).toContain(expected));
});

describe('MTA-STS (RFC 8461) and TLS-RPT (RFC 8460)', () => {
  it('good records pass', () => expect(problems('_mta-sts TXT "v=STSv1; id=20240101T000000"', '_smtp._tls TXT "v=TLSRPTv1; rua=mailto:tls@example.com"')).toEqual([]));
  it.each([
    ['MTA-STS without id', ['_mta-sts TXT "v=STSv1;"'], 'z.yaml:7:5: error: records[0]: the MTA-STS record needs id= of 1 to 32 letters and digits (RFC 8461 §3.1), changed whenever the policy changes: e.g. "v=STSv1; id=20240101T000000"'],
    ['two MTA-STS records', ['_mta-sts TXT "v=STSv1; id=1"', '_mta-sts TXT "v=STSv1; id=2"'], 'z.yaml:8:5: error: records[1]: a second MTA-STS record (the first is at line 7): with two, senders apply no policy (RFC 8461 §3.1); keep one'],
    ['TLS-RPT without rua', ['_smtp._tls TXT "v=TLSRPTv1"'], 'z.yaml:7:5: error: records[0]: the TLS-RPT record needs rua= with mailto: or https: addresses (RFC 8460 §3): e.g. "v=TLSRPTv1; rua=mailto:tlsrpt@example.com"'],
  ])('%s', (_, lines, expected) => expect(problems(...lines)).toEqual([expected]));
});

describe('DANE TLSA for SMTP (RFC 7672)', () => {
  const digest = '0123456789ABCDEF'.repeat(4);
  it('a good record warns that the zone is unsigned', () => {
    expect(problems(`_25._tcp.mail TLSA 3 1 1 ${digest}`)).toEqual(['z.yaml:7:5: warning: records[0]: TLSA (DANE) is used only from a signed zone (RFC 7672 §2.2): senders ignore DANE in an unsigned one; sign it with dnssec: on, or set dnssec.enabled in the configuration']);
  });
  it.each([
    ['a short digest', `_25._tcp.mail TLSA 3 1 1 ${digest.slice(2)}`, 'z.yaml:7:5: error: records[0]: a TLSA SHA-256 digest is 32 bytes (64 hex digits), this one 31: paste the whole digest'],
    ['an undefined usage', `_25._tcp.mail TLSA 4 1 1 ${digest}`, 'z.yaml:7:5: error: records[0]: TLSA usage 4 is not defined: write 3 (DANE-EE) or 2 (DANE-TA) for SMTP (RFC 7672 §3.1)'],
    ['PKIX usage for SMTP', `_25._tcp.mail TLSA 1 1 1 ${digest}`, 'z.yaml:7:5: warning: records[0]: TLSA usage 1 (PKIX) is not used for SMTP, where senders check no CA (RFC 7672 §3.1.3): write 3 (DANE-EE) or 2 (DANE-TA)'],
    ['an undefined selector', `_25._tcp.mail TLSA 3 2 1 ${digest}`, 'z.yaml:7:5: error: records[0]: TLSA selector 2 is not defined: write 1 (the public key) or 0 (the whole certificate)'],
  ])('%s', (_, line, expected) => expect(problems(line)).toContain(expected));
});
