// The key tag (RFC 4034 Appendix B): a 16-bit checksum over a DNSKEY's rdata that RRSIG and
// DS records use to point at the key. Not unique: validators try every key with the tag.

/** The key tag of a DNSKEY whose rdata (flags, protocol, algorithm, key) is `rdata`. */
export function keyTag(rdata: Uint8Array): number {
  let ac = 0;
  for (let i = 0; i < rdata.length; i++) ac += i & 1 ? rdata[i]! : rdata[i]! << 8;
  ac += (ac >>> 16) & 0xffff;
  return ac & 0xffff;
}
