// Record types the code names, classes and rcodes, by their IANA numbers.

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
  NSEC3: 50,
  NSEC3PARAM: 51,
  TLSA: 52,
  CDS: 59,
  CDNSKEY: 60,
  SVCB: 64,
  HTTPS: 65,
  IXFR: 251,
  AXFR: 252,
  MAILB: 253,
  MAILA: 254,
  ANY: 255,
  CAA: 257,
} as const;

// Mnemonics come from the table of codecs, which also knows the meta types.
export { typeFromText, typeToText } from './rdata/index.js';

export const RRClass = { IN: 1, CH: 3, HS: 4, NONE: 254, ANY: 255 } as const;

export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  /** Not authoritative for the zone, and every TSIG error (RFC 8945 §5.2). */
  NOTAUTH: 9,
  /** Extended rcode 16 (RFC 6891 §6.1.3): 4 low bits 0 in the header, 1 in the OPT. */
  BADVERS: 16,
} as const;

