// The mail records published beside the discovery records, checked for the mistakes that make
// them fail silently: SPF (RFC 7208), DMARC (RFC 7489), DKIM (RFC 6376, RFC 8301, RFC 8463),
// MTA-STS (RFC 8461), TLS-RPT (RFC 8460) and DANE TLSA for SMTP (RFC 7672). A record that cannot
// work is an error; one that works worse than meant, a warning; each says what to write instead.

import { Buffer } from 'node:buffer';
import { isIP } from '../dns/ip.js';
import { nameToText, type Name } from '../dns/name.js';
import type { ResourceRecord } from '../dns/records.js';
import { RRType } from '../dns/types.js';
import { error, warning, where, type Diagnostic } from './diagnostics.js';
import type { Sourced } from './expand.js';
import type { ZoneIndex } from './validate.js';

export interface LintProblem {
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

/** A TXT record's strings joined as SPF, DMARC, DKIM and the others read them (no separator). */
export function txtText(rr: ResourceRecord): string | undefined {
  return rr.rdata.kind === 'TXT' ? Buffer.concat(rr.rdata.strings).toString('latin1') : undefined;
}

const MARKERS = /^(v=spf1|v=DMARC1|v=DKIM1|v=STSv1|v=TLSRPTv1)\b/i;

/**
 * A TXT record whose zone-file text a ';' cut short (`v=DMARC1;p=none` unquoted: the ';' starts
 * a comment, and the policy is gone). An error when what is left is a mail policy record.
 */
export function commentCutProblem(rr: ResourceRecord): LintProblem | undefined {
  const text = txtText(rr);
  if (text === undefined) return undefined;
  const severity = MARKERS.test(text) ? 'error' : 'warning';
  return {
    severity,
    message: `';' starts a comment in zone-file text, so everything after it is lost and this TXT holds only "${text}": quote the whole value, e.g. "v=DMARC1; p=none"`,
  };
}

/**
 * Where the rest of a `records:` line is a comment that cut an unquoted TXT value short: the
 * column of the ';', or undefined. In a definition a comment in a record line is never needed.
 */
export function cutInLine(line: string): number | undefined {
  let quoted = false;
  let sawBare = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (quoted) continue;
    if (c === ';') return sawBare ? i : undefined;
    if (/\s/.test(c)) continue;
    sawBare = true;
  }
  return undefined;
}

/** Every check of this module on one zone's records, by owner. */
export function lintMail(origin: Name, index: ZoneIndex, diagnostics: Diagnostic[]): void {
  // The SPF record of a name of this zone, for includes that stay in it.
  const byText = new Map<string, string>();
  for (const node of index.values()) {
    for (const t of node.types.get(RRType.TXT) ?? []) {
      const text = txtText(t.rr);
      if (text !== undefined && /^v=spf1( |$)/i.test(text)) byText.set(nameToText(node.name).toLowerCase(), text);
    }
  }
  const spfAt = (name: string): string | undefined => byText.get(name);
  for (const node of index.values()) {
    const txts = node.types.get(RRType.TXT) ?? [];
    spf(txts, diagnostics, spfAt);
    const first = firstLabel(node.name);
    if (first === '_dmarc') dmarc(txts, diagnostics);
    if (first === '_mta-sts') mtaSts(txts, diagnostics);
    if (first === '_smtp' && secondLabel(node.name) === '_tls') tlsRpt(txts, diagnostics);
    if (hasDomainkeyLabel(node.name)) for (const t of txts) dkim(t, diagnostics);
    const tlsa = node.types.get(RRType.TLSA);
    if (tlsa && first === '_25' && secondLabel(node.name) === '_tcp') danes(tlsa, diagnostics);
  }
  void origin;
}


function labels(n: Name): string[] {
  return nameToText(n).toLowerCase().split('.').slice(0, -1);
}
const firstLabel = (n: Name): string | undefined => labels(n)[0];
const secondLabel = (n: Name): string | undefined => labels(n)[1];
const hasDomainkeyLabel = (n: Name): boolean => labels(n).indexOf('_domainkey') > 0;

/** `tag=value; tag=value` (RFC 6376 §3.2, RFC 7489 §6.4): tags in order, or a problem. */
function tags(text: string): { name: string; value: string }[] {
  return text
    .split(';')
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map((t) => {
      const eq = t.indexOf('=');
      return eq < 0 ? { name: t.toLowerCase(), value: '' } : { name: t.slice(0, eq).trim().toLowerCase(), value: t.slice(eq + 1).trim() };
    });
}

// ─── SPF (RFC 7208) ───────────────────────────────────────────────────────────────────────

const SPF_MECHANISMS = new Set(['all', 'include', 'a', 'mx', 'ptr', 'ip4', 'ip6', 'exists']);
/** Terms that cost a DNS lookup at the receiver (RFC 7208 §4.6.4): at most 10 in all. */
const SPF_LOOKUPS = new Set(['include', 'a', 'mx', 'ptr', 'exists', 'redirect']);

export interface SpfTerm {
  readonly qualifier: string;
  readonly name: string;
  readonly value: string;
}

/** The terms of an SPF record, or the first term that is not one. */
export function spfTerms(text: string): { terms: SpfTerm[] } | { bad: string } {
  const terms: SpfTerm[] = [];
  for (const word of text.split(/ +/).slice(1)) {
    if (word === '') continue;
    const m = /^([+\-~?]?)([a-zA-Z][a-zA-Z0-9._-]*)(?:([:=/])(.*))?$/.exec(word);
    if (!m) return { bad: word };
    const [, qualifier, rawName, sep, rest] = m;
    const name = rawName!.toLowerCase();
    if (sep === '=') {
      // A modifier (redirect=, exp=, or one of a later RFC's, which receivers ignore).
      if (qualifier) return { bad: word };
      terms.push({ qualifier: '', name, value: rest ?? '' });
      continue;
    }
    if (!SPF_MECHANISMS.has(name)) return { bad: word };
    terms.push({ qualifier: qualifier || '+', name, value: sep === '/' ? `/${rest}` : (rest ?? '') });
  }
  return { terms };
}

/**
 * DNS lookups an SPF record costs (RFC 7208 §4.6.4), following include: and redirect= into the
 * records of this zone (`spfAt`); an include elsewhere counts one, as what it costs cannot be seen here.
 */
function spfLookups(terms: readonly SpfTerm[], spfAt: (name: string) => string | undefined, seen: Set<string>): number {
  let n = 0;
  for (const t of terms) {
    if (!SPF_LOOKUPS.has(t.name)) continue;
    n++;
    if (t.name !== 'include' && t.name !== 'redirect') continue;
    const target = t.value.toLowerCase().replace(/\.?$/, '.');
    const text = seen.has(target) ? undefined : spfAt(target);
    if (text === undefined) continue;
    seen.add(target);
    const parsed = spfTerms(text);
    if ('terms' in parsed) n += spfLookups(parsed.terms, spfAt, seen);
  }
  return n;
}

function spf(txts: readonly Sourced[], diagnostics: Diagnostic[], spfAt: (name: string) => string | undefined = () => undefined): void {
  const records = txts.filter((t) => /^v=spf1( |$)/i.test(txtText(t.rr) ?? ''));
  // Words written without quotes each became a string of their own, and SPF joins strings
  // without spaces (RFC 7208 §3.3): "v=spf1" "mx" "-all" reads as v=spf1mx-all.
  for (const t of txts) {
    if (t.rr.rdata.kind !== 'TXT' || t.rr.rdata.strings.length < 2) continue;
    const strings = t.rr.rdata.strings.map((s) => s.toString('latin1'));
    if (!/^v=spf1$/i.test(strings[0]!) || strings.slice(0, -1).some((s) => s.endsWith(' '))) continue;
    diagnostics.push(error(t.at, `the SPF record is ${strings.length} strings ("${strings.join('" "')}"), which SPF joins without spaces into "${strings.join('')}" (RFC 7208 §3.3): quote the whole record as one string, "${strings.join(' ')}"`));
  }
  if (records.length > 1) {
    const [head, again] = records;
    diagnostics.push(error(again!.at, `a second SPF record at ${nameToText(again!.rr.owner)} (the first is at ${where(head!.at, again!.at)}): with two, receivers fail every check (RFC 7208 §4.5, permerror); merge them into one`));
  }
  for (const t of records) {
    const text = txtText(t.rr)!;
    const parsed = spfTerms(text);
    if ('bad' in parsed) {
      diagnostics.push(error(t.at, `SPF term '${parsed.bad}' is not a mechanism (all, include:, a, mx, ptr, ip4:, ip6:, exists:) or a modifier (redirect=, exp=): receivers fail the whole record (RFC 7208 §4.6.1)`));
      continue;
    }
    const { terms } = parsed;
    for (const term of terms) {
      if (term.name === 'ip4' && isIP(term.value.split('/')[0] ?? '') !== 4) diagnostics.push(error(t.at, `SPF ip4:${term.value} is not an IPv4 address or network: write e.g. ip4:192.0.2.0/24`));
      if (term.name === 'ip6' && isIP(term.value.split('/')[0] ?? '') !== 6) diagnostics.push(error(t.at, `SPF ip6:${term.value} is not an IPv6 address or network: write e.g. ip6:2001:db8::/32`));
      if ((term.name === 'include' || term.name === 'exists' || term.name === 'redirect') && term.value === '') diagnostics.push(error(t.at, `SPF ${term.name} needs a domain: write ${term.name}${term.name === 'redirect' ? '=' : ':'}_spf.example.net`));
      if (term.name === 'ptr') diagnostics.push(warning(t.at, `SPF 'ptr' is slow and unreliable, and RFC 7208 §5.5 says not to use it: list the senders with ip4:/ip6: or a`));
    }
    const all = terms.findIndex((x) => x.name === 'all');
    if (all >= 0 && all < terms.length - 1 && terms.slice(all + 1).some((x) => x.name !== 'exp')) {
      diagnostics.push(warning(t.at, `SPF terms after 'all' are never read (RFC 7208 §5.1): move ${terms[all]!.qualifier === '+' ? '' : terms[all]!.qualifier}all to the end`));
    }
    if (all >= 0 && terms[all]!.qualifier === '+') diagnostics.push(warning(t.at, `SPF '+all' lets every host on the internet send as this domain: end with -all or ~all`));
    if (all >= 0 && terms.some((x) => x.name === 'redirect')) diagnostics.push(warning(t.at, `SPF redirect= is ignored when the record has 'all' (RFC 7208 §6.1): keep one of them`));
    const lookups = spfLookups(terms, spfAt, new Set([nameToText(t.rr.owner).toLowerCase()]));
    if (lookups > 10) diagnostics.push(error(t.at, `SPF needs ${lookups} DNS lookups, above the 10 receivers allow (RFC 7208 §4.6.4, permerror): flatten includes into ip4:/ip6: terms`));
  }
}

// ─── DMARC (RFC 7489) ─────────────────────────────────────────────────────────────────────

const DMARC_TAGS = new Set(['v', 'p', 'sp', 'np', 'adkim', 'aspf', 'pct', 'rua', 'ruf', 'fo', 'rf', 'ri', 'psd', 't']);

function dmarc(txts: readonly Sourced[], diagnostics: Diagnostic[]): void {
  const records = txts.filter((t) => /v\s*=\s*DMARC1/i.test(txtText(t.rr) ?? ''));
  if (records.length > 1) {
    diagnostics.push(error(records[1]!.at, `a second DMARC record at ${nameToText(records[1]!.rr.owner)} (the first is at ${where(records[0]!.at, records[1]!.at)}): with two, receivers apply none (RFC 7489 §6.6.3); keep one`));
  }
  for (const t of records) {
    const list = tags(txtText(t.rr)!);
    if (list[0]?.name !== 'v' || list[0].value !== 'DMARC1') {
      diagnostics.push(error(t.at, `a DMARC record starts with v=DMARC1 (RFC 7489 §6.4), or receivers ignore it: write "v=DMARC1; p=none; …"`));
      continue;
    }
    const p = list.find((x) => x.name === 'p');
    if (!p) {
      diagnostics.push(error(t.at, `the DMARC record has no p= policy, so it asks nothing of receivers (RFC 7489 §6.3): add p=none, p=quarantine or p=reject, e.g. "v=DMARC1; p=none"`));
    } else if (!/^(none|quarantine|reject)$/i.test(p.value)) {
      diagnostics.push(error(t.at, `DMARC p=${p.value} is not a policy: write p=none, p=quarantine or p=reject`));
    }
    for (const x of list) {
      if (!DMARC_TAGS.has(x.name)) diagnostics.push(warning(t.at, `DMARC tag '${x.name}' is unknown and receivers ignore it (RFC 7489 §6.3): the tags are ${[...DMARC_TAGS].join(', ')}`));
      if (x.name === 'sp' && !/^(none|quarantine|reject)$/i.test(x.value)) diagnostics.push(error(t.at, `DMARC sp=${x.value} is not a policy: write none, quarantine or reject`));
      if ((x.name === 'adkim' || x.name === 'aspf') && !/^[rs]$/i.test(x.value)) diagnostics.push(error(t.at, `DMARC ${x.name}=${x.value}: write r (relaxed) or s (strict)`));
      if (x.name === 'pct' && !(/^[0-9]+$/.test(x.value) && Number(x.value) <= 100)) diagnostics.push(error(t.at, `DMARC pct=${x.value}: write a whole number from 0 to 100`));
      if ((x.name === 'rua' || x.name === 'ruf') && x.value.split(',').some((u) => !/^mailto:[^@\s]+@[^@\s]+$/i.test(u.trim().replace(/!\d+[kmgt]?$/i, '')))) {
        diagnostics.push(error(t.at, `DMARC ${x.name}=${x.value}: reports go to mailto: addresses, e.g. ${x.name}=mailto:dmarc@example.com`));
      }
    }
  }
  for (const t of txts) {
    if (records.includes(t)) continue;
    if (/dmarc/i.test(txtText(t.rr) ?? '')) diagnostics.push(warning(t.at, `a TXT at _dmarc that is not a DMARC record: start it with v=DMARC1`));
  }
}

// ─── DKIM (RFC 6376, RFC 8301, RFC 8463) ──────────────────────────────────────────────────

/** Bits of an RSA key's modulus, from a SubjectPublicKeyInfo or a bare RSAPublicKey (DER). */
export function rsaKeyBits(der: Buffer): number | undefined {
  const read = (at: number): { tag: number; start: number; end: number } | undefined => {
    if (at + 2 > der.length) return undefined;
    const tag = der[at]!;
    let len = der[at + 1]!;
    let start = at + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 3 || start + n > der.length) return undefined;
      len = 0;
      for (let i = 0; i < n; i++) len = (len << 8) | der[start + i]!;
      start += n;
    }
    return start + len <= der.length ? { tag, start, end: start + len } : undefined;
  };
  const modulus = (seqAt: number): number | undefined => {
    const seq = read(seqAt);
    if (!seq || seq.tag !== 0x30) return undefined;
    const int = read(seq.start);
    if (!int || int.tag !== 0x02) return undefined;
    let i = int.start;
    while (i < int.end && der[i] === 0) i++;
    if (i === int.end) return 0;
    return (int.end - i) * 8 - (Math.clz32(der[i]!) - 24);
  };
  const outer = read(0);
  if (!outer || outer.tag !== 0x30) return undefined;
  const algorithm = read(outer.start);
  if (algorithm?.tag === 0x02) return modulus(0); // PKCS#1 RSAPublicKey
  if (!algorithm || algorithm.tag !== 0x30) return undefined;
  const bits = read(algorithm.end);
  if (!bits || bits.tag !== 0x03) return undefined;
  return modulus(bits.start + 1);
}

function dkim(t: Sourced, diagnostics: Diagnostic[]): void {
  const text = txtText(t.rr);
  if (text === undefined) return;
  const list = tags(text);
  const v = list.findIndex((x) => x.name === 'v');
  if (v > 0) diagnostics.push(error(t.at, `v=DKIM1 must be the first tag of a DKIM key record (RFC 6376 §3.6.1), or verifiers ignore it: move it to the front`));
  if (v === 0 && list[0]!.value !== 'DKIM1') diagnostics.push(error(t.at, `DKIM v=${list[0]!.value}: the only version is v=DKIM1`));
  const p = list.find((x) => x.name === 'p');
  if (!p) {
    diagnostics.push(error(t.at, `the DKIM record has no p= (the public key): add it, e.g. "v=DKIM1; k=rsa; p=MIIBIjAN…", or p= empty to revoke the key`));
    return;
  }
  const key = p.value.replace(/\s+/g, '');
  if (key === '') {
    diagnostics.push(warning(t.at, `DKIM p= is empty: the key is revoked (RFC 6376 §3.6.1) and every signature with this selector fails; remove the record once no mail signed with it is in transit`));
    return;
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || key.length % 4 !== 0) {
    diagnostics.push(error(t.at, `DKIM p= is not valid base64: paste the key again, as one unbroken run of A-Z a-z 0-9 + / (split across quoted strings if longer than 255)`));
    return;
  }
  const der = Buffer.from(key, 'base64');
  const k = list.find((x) => x.name === 'k')?.value.toLowerCase() ?? 'rsa';
  if (k === 'ed25519') {
    if (der.length !== 32) diagnostics.push(error(t.at, `a DKIM ed25519 key is 32 bytes (RFC 8463), this one ${der.length}: publish the raw public key in base64`));
    return;
  }
  if (k !== 'rsa') {
    diagnostics.push(error(t.at, `DKIM k=${k}: the key types are rsa and ed25519`));
    return;
  }
  const bits = rsaKeyBits(der);
  if (bits === undefined) diagnostics.push(error(t.at, `DKIM p= does not hold an RSA public key: publish the SubjectPublicKeyInfo in base64 (openssl rsa -pubout)`));
  else if (bits < 1024) diagnostics.push(error(t.at, `the DKIM key has ${bits} bits; verifiers refuse keys under 1024 (RFC 8301 §3.2): make a 2048-bit key`));
  else if (bits < 2048) diagnostics.push(warning(t.at, `the DKIM key has ${bits} bits: 2048 is what RFC 8301 §3.2 recommends; make a 2048-bit key (split p= across quoted strings of at most 255 bytes)`));
}

// ─── MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) ────────────────────────────────────────────

function mtaSts(txts: readonly Sourced[], diagnostics: Diagnostic[]): void {
  const records = txts.filter((t) => /^v=STSv1\b/.test(txtText(t.rr) ?? ''));
  if (records.length > 1) diagnostics.push(error(records[1]!.at, `a second MTA-STS record (the first is at ${where(records[0]!.at, records[1]!.at)}): with two, senders apply no policy (RFC 8461 §3.1); keep one`));
  for (const t of txts) {
    const text = txtText(t.rr)!;
    if (!records.includes(t)) {
      if (/sts/i.test(text)) diagnostics.push(error(t.at, `an MTA-STS record starts with v=STSv1 (RFC 8461 §3.1): write "v=STSv1; id=20240101T000000"`));
      continue;
    }
    const id = tags(text).find((x) => x.name === 'id');
    if (!id || !/^[A-Za-z0-9]{1,32}$/.test(id.value)) {
      diagnostics.push(error(t.at, `the MTA-STS record needs id= of 1 to 32 letters and digits (RFC 8461 §3.1), changed whenever the policy changes: e.g. "v=STSv1; id=20240101T000000"`));
    }
  }
}

function tlsRpt(txts: readonly Sourced[], diagnostics: Diagnostic[]): void {
  const records = txts.filter((t) => /^v=TLSRPTv1\b/.test(txtText(t.rr) ?? ''));
  if (records.length > 1) diagnostics.push(error(records[1]!.at, `a second TLS-RPT record (the first is at ${where(records[0]!.at, records[1]!.at)}): with two, senders send no reports (RFC 8460 §3); keep one`));
  for (const t of txts) {
    const text = txtText(t.rr)!;
    if (!records.includes(t)) {
      if (/tlsrpt|rua=/i.test(text)) diagnostics.push(error(t.at, `a TLS-RPT record starts with v=TLSRPTv1 (RFC 8460 §3): write "v=TLSRPTv1; rua=mailto:tlsrpt@example.com"`));
      continue;
    }
    const rua = tags(text).find((x) => x.name === 'rua');
    if (!rua || rua.value.split(',').some((u) => !/^(mailto:[^@\s]+@[^@\s]+|https:\/\/\S+)$/i.test(u.trim()))) {
      diagnostics.push(error(t.at, `the TLS-RPT record needs rua= with mailto: or https: addresses (RFC 8460 §3): e.g. "v=TLSRPTv1; rua=mailto:tlsrpt@example.com"`));
    }
  }
}

// ─── DANE for SMTP (RFC 7672, RFC 6698) ───────────────────────────────────────────────────

// That a TLSA record needs a signed zone is said for every TLSA, signed or not (validate.ts).
function danes(tlsa: readonly Sourced[], diagnostics: Diagnostic[]): void {
  for (const t of tlsa) {
    const rd = t.rr.rdata;
    if (rd.kind !== 'TLSA') continue;
    if (rd.usage > 3) diagnostics.push(error(t.at, `TLSA usage ${rd.usage} is not defined: write 3 (DANE-EE) or 2 (DANE-TA) for SMTP (RFC 7672 §3.1)`));
    else if (rd.usage < 2) diagnostics.push(warning(t.at, `TLSA usage ${rd.usage} (PKIX) is not used for SMTP, where senders check no CA (RFC 7672 §3.1.3): write 3 (DANE-EE) or 2 (DANE-TA)`));
    if (rd.selector > 1) diagnostics.push(error(t.at, `TLSA selector ${rd.selector} is not defined: write 1 (the public key) or 0 (the whole certificate)`));
    if (rd.matchingType > 2) diagnostics.push(error(t.at, `TLSA matching type ${rd.matchingType} is not defined: write 1 (SHA-256) or 2 (SHA-512)`));
    const size = rd.matchingType === 1 ? 32 : rd.matchingType === 2 ? 64 : undefined;
    if (size !== undefined && rd.data.length !== size) diagnostics.push(error(t.at, `a TLSA SHA-${size === 32 ? 256 : 512} digest is ${size} bytes (${size * 2} hex digits), this one ${rd.data.length}: paste the whole digest`));
  }
}
