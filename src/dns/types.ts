// Record types, classes, rcodes and opcodes by their IANA numbers, and their mnemonics.

export const RRType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  HINFO: 13,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  NAPTR: 35,
  DS: 43,
  OPT: 41,
  RRSIG: 46,
  NSEC: 47,
  DNSKEY: 48,
  TLSA: 52,
  SVCB: 64,
  HTTPS: 65,
  IXFR: 251,
  AXFR: 252,
  MAILB: 253,
  MAILA: 254,
  ANY: 255,
  CAA: 257,
} as const;

const mnemonicByCode = new Map<number, string>(Object.entries(RRType).map(([k, v]) => [v, k]));

/** `SRV`, or `TYPE65280` for a type without a mnemonic (RFC 3597 §5). */
export function typeToText(type: number): string {
  return mnemonicByCode.get(type) ?? `TYPE${type}`;
}

/** Parses a type mnemonic or `TYPEnnn`; undefined when neither. */
export function typeFromText(text: string): number | undefined {
  const upper = text.toUpperCase();
  const known = (RRType as Record<string, number>)[upper];
  if (known !== undefined) return known;
  const m = /^TYPE([0-9]{1,5})$/.exec(upper);
  if (m) {
    const v = Number(m[1]);
    if (v <= 0xffff) return v;
  }
  return undefined;
}

export const RRClass = { IN: 1, CH: 3, HS: 4, NONE: 254, ANY: 255 } as const;

export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  /** Extended rcode 16 (RFC 6891 §6.1.3): 4 low bits 0 in the header, 1 in the OPT. */
  BADVERS: 16,
} as const;

