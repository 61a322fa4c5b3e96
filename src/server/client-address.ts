// The client's address, from the text node:dgram and node:net give (rinfo.address,
// socket.remoteAddress) to bytes: what rate limiting groups by prefix and what a server cookie
// is bound to (RFC 9018 §4.4). One object per socket, refilled for each datagram and read
// before the next, so that no query allocates; the text is parsed only when something asks.

export class ClientAddress {
  private address = '';
  private parsedFamily: 0 | 4 | 6 | -1 = -1;
  /** The address in network order: 4 bytes for IPv4 (an IPv4-mapped IPv6 address included), 16 for IPv6. */
  readonly bytes = new Uint8Array(16);

  /** A new client: `text` as node gives it ("192.0.2.1", "2001:db8::1", "fe80::1%eth0"). */
  set(text: string): this {
    this.address = text;
    this.parsedFamily = -1;
    return this;
  }

  get text(): string {
    return this.address;
  }

  /** 4 or 6, or 0 when the text is not an address (never from a socket; counted as nothing). */
  get family(): 0 | 4 | 6 {
    if (this.parsedFamily < 0) this.parsedFamily = parseAddress(this.address, this.bytes);
    return this.parsedFamily as 0 | 4 | 6;
  }

  /** Bytes of `bytes` in use: 4, 16, or 0. */
  get length(): number {
    const f = this.family;
    return f === 4 ? 4 : f === 6 ? 16 : 0;
  }
}

const groups = new Uint16Array(8);

/**
 * Reads an IPv4 or IPv6 address into `out` (4 or 16 bytes); returns its family, or 0. An
 * IPv4-mapped IPv6 address (::ffff:192.0.2.1, as a dual-stack socket reports IPv4 clients) is
 * read as the IPv4 address it carries.
 */
export function parseAddress(text: string, out: Uint8Array): 0 | 4 | 6 {
  if (text.indexOf(':') < 0) return parseV4(text, 0, text.length, out, 0) ? 4 : 0;
  let end = text.indexOf('%'); // a zone index (fe80::1%eth0) is not part of the address
  if (end < 0) end = text.length;
  const gap = text.indexOf('::');
  let head: number;
  let tail = 0;
  if (gap < 0) {
    head = parseGroups(text, 0, end, 0);
    if (head !== 8) return 0;
  } else {
    head = gap === 0 ? 0 : parseGroups(text, 0, gap, 0);
    if (head < 0) return 0;
    if (gap + 2 < end) {
      tail = parseGroups(text, gap + 2, end, head);
      if (tail < 0) return 0;
    }
    if (head + tail > 7) return 0;
    // Move the tail's groups to the end, zeros between.
    for (let i = tail - 1; i >= 0; i--) groups[8 - tail + i] = groups[head + i]!;
    for (let i = head; i < 8 - tail; i++) groups[i] = 0;
  }
  if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
    out[0] = groups[6]! >> 8;
    out[1] = groups[6]! & 0xff;
    out[2] = groups[7]! >> 8;
    out[3] = groups[7]! & 0xff;
    return 4;
  }
  for (let i = 0; i < 8; i++) {
    out[2 * i] = groups[i]! >> 8;
    out[2 * i + 1] = groups[i]! & 0xff;
  }
  return 6;
}

/** Dotted quad in text[from, to) to 4 bytes of `out` at `at`. */
function parseV4(text: string, from: number, to: number, out: Uint8Array, at: number): boolean {
  let octet = 0;
  let digits = 0;
  let n = 0;
  for (let i = from; i <= to; i++) {
    const c = i < to ? text.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || n > 3) return false;
      out[at + n++] = octet;
      octet = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39 && digits < 3) {
      octet = octet * 10 + (c - 0x30);
      if (octet > 255) return false;
      digits++;
    } else {
      return false;
    }
  }
  return n === 4;
}

const v4scratch = new Uint8Array(4);

/** Hex groups in text[from, to) into `groups` from `at` (a dotted quad may end them); their count, or -1. */
function parseGroups(text: string, from: number, to: number, at: number): number {
  let n = at;
  let value = 0;
  let digits = 0;
  let start = from;
  for (let i = from; i <= to; i++) {
    const c = i < to ? text.charCodeAt(i) : 0x3a;
    if (c === 0x3a) {
      if (digits === 0 || n >= 8) return -1;
      groups[n++] = value;
      value = 0;
      digits = 0;
      start = i + 1;
    } else if (c === 0x2e) {
      // An embedded IPv4 address: the last two groups.
      if (n > 6 || !parseV4(text, start, to, v4scratch, 0)) return -1;
      groups[n++] = (v4scratch[0]! << 8) | v4scratch[1]!;
      groups[n++] = (v4scratch[2]! << 8) | v4scratch[3]!;
      return n - at;
    } else {
      const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
      if (d < 0 || digits === 4) return -1;
      value = (value << 4) | d;
      digits++;
    }
  }
  return n - at;
}

/** A prefix as the configuration writes it, read: an error message when it is not one. */
export function parsePrefix(text: string): { family: 4 | 6; bytes: Uint8Array; length: number } | string {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const bytes = new Uint8Array(16);
  const family = parseAddress(address, bytes);
  // An IPv4-mapped IPv6 prefix would be read as IPv4 with a length that no longer fits.
  if (family === 0 || (family === 4 && address.includes(':'))) return `'${text}' is not an address or prefix (e.g. 192.0.2.0/24, 2001:db8::/32)`;
  const max = family === 4 ? 32 : 128;
  const length = slash < 0 ? max : Number(text.slice(slash + 1));
  if (!/^[0-9]{1,3}$/.test(slash < 0 ? String(max) : text.slice(slash + 1)) || length > max) return `'${text}': a prefix length is 0 to ${max}`;
  return { family, bytes: bytes.subarray(0, family === 4 ? 4 : 16), length };
}
