// Internationalized names: U-labels as people write them → A-labels (`xn--`) as the DNS carries
// them (RFC 5890–5893, UTS 46 non-transitional mapping), and back for display. Pure code, no
// tables beyond what JavaScript's own Unicode data gives (NFKC, case, general categories and
// scripts), because dns/ imports no node: module but node:buffer (DESIGN.md): the conversion is
// the same as Node's url.domainToASCII on valid names (test/dns/idna.test.ts compares them), and
// stricter in one way, on purpose: symbols and emoji, which IDNA2008 disallows (RFC 5892), are
// refused, not converted.

// ─── Punycode (RFC 3492) ───────────────────────────────────────────────────────────────────

const BASE = 36;
const TMIN = 1;
const TMAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 128;
const MAX_CODE_POINT = 0x10ffff;

function adapt(delta: number, points: number, first: boolean): number {
  delta = first ? Math.floor(delta / DAMP) : delta >> 1;
  delta += Math.floor(delta / points);
  let k = 0;
  while (delta > ((BASE - TMIN) * TMAX) >> 1) {
    delta = Math.floor(delta / (BASE - TMIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - TMIN + 1) * delta) / (delta + SKEW));
}

const threshold = (k: number, bias: number): number => (k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias);
const digitChar = (d: number): string => String.fromCharCode(d < 26 ? 0x61 + d : 0x30 + d - 26);

function digitValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 26;
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61;
  return BASE;
}

/** RFC 3492 §6.3: the Punycode of a string of code points (without the `xn--`). */
export function punycodeEncode(input: string): string {
  const points = Array.from(input, (c) => c.codePointAt(0)!);
  let out = points
    .filter((c) => c < 0x80)
    .map((c) => String.fromCharCode(c))
    .join('');
  const basic = out.length;
  if (basic > 0) out += '-';
  let n = INITIAL_N;
  let delta = 0;
  let bias = INITIAL_BIAS;
  for (let handled = basic; handled < points.length; ) {
    let m = MAX_CODE_POINT + 1;
    for (const c of points) if (c >= n && c < m) m = c;
    delta += (m - n) * (handled + 1);
    n = m;
    for (const c of points) {
      if (c < n) delta++;
      if (c !== n) continue;
      let q = delta;
      for (let k = BASE; ; k += BASE) {
        const t = threshold(k, bias);
        if (q < t) break;
        out += digitChar(t + ((q - t) % (BASE - t)));
        q = Math.floor((q - t) / (BASE - t));
      }
      out += digitChar(q);
      bias = adapt(delta, handled + 1, handled === basic);
      delta = 0;
      handled++;
    }
    delta++;
    n++;
  }
  return out;
}

/** RFC 3492 §6.2: the code points of Punycode text, or undefined when it is not valid Punycode. */
export function punycodeDecode(input: string): string | undefined {
  const out: number[] = [];
  const last = input.lastIndexOf('-');
  for (let j = 0; j < Math.max(0, last); j++) {
    const c = input.charCodeAt(j);
    if (c >= 0x80) return undefined;
    out.push(c);
  }
  let n = INITIAL_N;
  let i = 0;
  let bias = INITIAL_BIAS;
  for (let at = last > 0 ? last + 1 : 0; at < input.length; ) {
    const before = i;
    let w = 1;
    for (let k = BASE; ; k += BASE) {
      if (at >= input.length) return undefined;
      const digit = digitValue(input.charCodeAt(at++));
      if (digit >= BASE) return undefined;
      i += digit * w;
      if (i > MAX_CODE_POINT * (out.length + 1)) return undefined;
      const t = threshold(k, bias);
      if (digit < t) break;
      w *= BASE - t;
    }
    bias = adapt(i - before, out.length + 1, before === 0);
    n += Math.floor(i / (out.length + 1));
    i %= out.length + 1;
    if (n > MAX_CODE_POINT || (n >= 0xd800 && n <= 0xdfff)) return undefined;
    out.splice(i, 0, n);
    i++;
  }
  return String.fromCodePoint(...out);
}

// ─── UTS 46 mapping and IDNA2008 validity ────────────────────────────────────────────────

/** Full stops other than '.' that separate labels (UTS 46 maps them to '.'). */
export const LABEL_DOTS = /[.\u3002\uff0e\uff61]/;

/** Code points UTS 46 maps to nothing: soft hyphen, joiners-to-be-ignored, variation selectors. */
const IGNORED = /[\u00ad\u034f\u180b-\u180f\u200b\u2060\ufe00-\ufe0f\ufeff\u{e0100}-\u{e01ef}]/gu;

/** IDNA2008 PVALID, as general categories: lower-case and other letters, modifier letters, marks, digits. */
const VALID = /^[\p{Ll}\p{Lo}\p{Lm}\p{Mn}\p{Mc}\p{Nd}\-_]$/u;

/** Scripts written right to left (RFC 5893: their letters are bidi class R or AL). */
const RTL = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}\p{Script=Hanifi_Rohingya}]/u;
const LTR_LETTER = /[\p{L}]/u;

/** Viramas (canonical combining class 9) after which ZWJ and ZWNJ may stand (RFC 5892 A.1, A.2). */
const VIRAMA = /[\u094d\u09cd\u0a4d\u0acd\u0b4d\u0bcd\u0c4d\u0ccd\u0d3b\u0d3c\u0d4d\u0dca\u0e3a\u0eba\u0f84\u1039\u103a\u1714\u1734\u17d2\u1a60\u1b44\u1baa\u1bab\u1bf2\u1bf3\u2d7f\ua806\ua8c4\ua953\ua9c0\uaaf6\uabed]/;

/** UTS 46 mapping of one label: case folded, compatibility forms composed, ignorables dropped. */
function mapLabel(label: string): string {
  let folded = '';
  // Code point by code point: String#toLowerCase of a whole word lowers a final Σ to ς, UTS 46 to σ.
  for (const c of label.normalize('NFKC').replace(IGNORED, '')) folded += c === '\u1e9e' ? 'ss' : c.toLowerCase();
  return folded.normalize('NFKC');
}

/** Why a mapped label is not a valid U-label (RFC 5891 §4.2, RFC 5892, RFC 5893), or undefined. */
function labelProblem(label: string): string | undefined {
  if (label.length === 0) return 'an empty label';
  if (label.startsWith('-') || label.endsWith('-')) return `label '${label}' starts or ends with '-'`;
  if (label.slice(2, 4) === '--') return `label '${label}' has '--' in its third and fourth places, which only A-labels (xn--) may`;
  const points = Array.from(label);
  if (/^\p{M}/u.test(label)) return `label '${label}' starts with a combining mark`;
  for (let i = 0; i < points.length; i++) {
    const c = points[i]!;
    if (VALID.test(c)) continue;
    if (c === '\u200c' || c === '\u200d') {
      // RFC 5892 A.1, A.2: a joiner only after a virama (ZWNJ also between joining letters: Arabic script).
      if (VIRAMA.test(points[i - 1] ?? '') || (c === '\u200c' && /\p{Script=Arabic}/u.test(label))) continue;
      return `label '${label}' has a zero-width joiner where IDNA2008 does not allow one (RFC 5892 A.1, A.2)`;
    }
    if (c === '\u00b7' && points[i - 1] === 'l' && points[i + 1] === 'l') continue; // Catalan l·l (RFC 5892 A.3)
    if (c === '\u0375' && /\p{Script=Greek}/u.test(points[i + 1] ?? '')) continue;
    if ((c === '\u05f3' || c === '\u05f4') && /\p{Script=Hebrew}/u.test(points[i - 1] ?? '')) continue;
    if (c === '\u30fb' && /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u.test(label)) continue;
    const code = c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return `'${c}' (U+${code}) is not allowed in a domain name (IDNA2008, RFC 5892)`;
  }
  // RFC 5893 §2, reduced to what scripts tell: a right-to-left label holds no left-to-right letter.
  if (RTL.test(label)) {
    if (/^[\p{Nd}\p{M}]/u.test(label)) return `right-to-left label '${label}' must start with a letter (RFC 5893)`;
    for (const c of points) if (LTR_LETTER.test(c) && !RTL.test(c)) return `label '${label}' mixes right-to-left and left-to-right letters (RFC 5893)`;
  }
  return undefined;
}

/** A problem with a name a person wrote as an IDN. */
export interface IdnError {
  readonly error: string;
}

const MAX_LABEL = 63;

/**
 * The A-label of a label with characters beyond ASCII (UTS 46 non-transitional processing,
 * then IDNA2008's rules), or what is wrong with it. An all-ASCII label is returned as is.
 */
export function labelToAscii(label: string): string | IdnError {
  if (/^[\x00-\x7f]*$/.test(label)) return label;
  const mapped = mapLabel(label);
  if (LABEL_DOTS.test(mapped)) return { error: `'${label}' turns into more than one label when normalized (UTS 46): write the name without it` };
  if (/^[\x00-\x7f]*$/.test(mapped)) return mapped; // e.g. full-width Latin letters
  const problem = labelProblem(mapped);
  if (problem) return { error: problem };
  const ascii = `xn--${punycodeEncode(mapped)}`;
  if (ascii.length > MAX_LABEL) return { error: `label '${label}' is ${ascii.length} bytes long as an A-label (${ascii}); a DNS label holds at most ${MAX_LABEL}` };
  return ascii;
}

/** The U-label of an A-label (`xn--…`, any case), when it is a valid one; undefined otherwise. */
export function labelToUnicode(label: string): string | undefined {
  if (!/^xn--/i.test(label)) return undefined;
  const lower = label.toLowerCase();
  const decoded = punycodeDecode(lower.slice(4));
  if (decoded === undefined || /^[\x00-\x7f]*$/.test(decoded) || mapLabel(decoded) !== decoded || labelProblem(decoded)) return undefined;
  return `xn--${punycodeEncode(decoded)}` === lower ? decoded : undefined;
}

/** Presentation text of a name with each valid A-label shown as its U-label (for people, never for the wire). */
export function textToUnicode(text: string): string {
  return text.replace(/(^|\.)(xn--[a-z0-9-]+)(?=\.|$)/gi, (whole, dot: string, label: string) => {
    const u = labelToUnicode(label);
    return u === undefined ? whole : dot + u;
  });
}
