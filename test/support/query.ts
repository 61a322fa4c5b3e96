// Raw DNS client helpers for tests: queries are built by hand as bytes (so the
// test controls letter case, RD, EDNS and anything odd), responses are decoded
// with dns2's Packet.parse and normalized into a structure two servers' answers
// can be compared on.
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { Packet } from 'dns2';
import type { Header, Resource } from 'dns2';
import { nameToText } from '../../src/dns/name.js';
import { DecodeError, decodeMessage } from '../../src/wire/decode.js';

export interface EdnsOptions {
  /** Requestor's UDP payload size (the OPT CLASS). */
  udpSize: number;
  /** DNSSEC OK bit. */
  do?: boolean;
  /** EDNS version (default 0). */
  version?: number;
  /** Raw EDNS options to append, e.g. an unknown option code. */
  options?: { code: number; data: Buffer }[];
}

export interface QuerySpec {
  id: number;
  /** Sent label by label exactly as given (case kept); trailing dot optional; '.' or '' is the root. */
  qname: string;
  qtype: number;
  /** Default 1 (IN). */
  qclass?: number;
  /** Default false. */
  rd?: boolean;
  /** Default 0 (QUERY). */
  opcode?: number;
  /** Set the CD bit. */
  cd?: boolean;
  /** Set the AD bit. */
  ad?: boolean;
  /** Add an OPT record (RFC 6891) to the additional section. */
  edns?: EdnsOptions;
}

/** Encode a name label by label, no compression, case as given. Labels may not contain dots. */
export function encodeName(name: string): Buffer {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  const parts: Buffer[] = [];
  if (trimmed !== '') {
    for (const label of trimmed.split('.')) {
      const bytes = Buffer.from(label, 'latin1');
      if (bytes.length === 0 || bytes.length > 63) throw new Error(`bad label in ${JSON.stringify(name)}`);
      parts.push(Buffer.from([bytes.length]), bytes);
    }
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/** Build a DNS query message as raw bytes. */
export function buildQuery(q: QuerySpec): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(q.id & 0xffff, 0);
  let flags = ((q.opcode ?? 0) & 0x0f) << 11;
  if (q.rd) flags |= 0x0100;
  if (q.ad) flags |= 0x0020;
  if (q.cd) flags |= 0x0010;
  header.writeUInt16BE(flags, 2);
  header.writeUInt16BE(1, 4); // QDCOUNT
  header.writeUInt16BE(0, 6);
  header.writeUInt16BE(0, 8);
  header.writeUInt16BE(q.edns ? 1 : 0, 10);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(q.qtype, 0);
  tail.writeUInt16BE(q.qclass ?? 1, 2);
  const parts = [header, encodeName(q.qname), tail];
  if (q.edns) parts.push(buildOpt(q.edns));
  return Buffer.concat(parts);
}

function buildOpt(e: EdnsOptions): Buffer {
  const opts = Buffer.concat(
    (e.options ?? []).map((o) => {
      const h = Buffer.alloc(4);
      h.writeUInt16BE(o.code, 0);
      h.writeUInt16BE(o.data.length, 2);
      return Buffer.concat([h, o.data]);
    }),
  );
  const rr = Buffer.alloc(11);
  rr[0] = 0; // root owner
  rr.writeUInt16BE(41, 1); // TYPE OPT
  rr.writeUInt16BE(e.udpSize, 3); // CLASS = UDP payload size
  rr[5] = 0; // extended RCODE
  rr[6] = e.version ?? 0;
  rr.writeUInt16BE(e.do ? 0x8000 : 0, 7);
  rr.writeUInt16BE(opts.length, 9);
  return Buffer.concat([rr, opts]);
}

/**
 * Send one datagram to 127.0.0.1:port and wait for the first reply whose ID
 * matches the query's. Resolves undefined on timeout (a dropped query).
 */
export function udpExchange(port: number, bytes: Buffer, timeoutMs = 1000): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    const id = bytes.length >= 2 ? bytes.readUInt16BE(0) : -1;
    let done = false;
    const finish = (value: Buffer | undefined, err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.close();
      if (err) reject(err);
      else resolve(value);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    sock.on('message', (msg) => {
      if (id < 0 || (msg.length >= 2 && msg.readUInt16BE(0) === id)) finish(msg);
    });
    sock.on('error', (err) => finish(undefined, err));
    sock.send(bytes, port, '127.0.0.1', (err) => {
      if (err) finish(undefined, err);
    });
  });
}

/**
 * Open one TCP connection to 127.0.0.1:port, write every message (2-byte length
 * framing) in one go (pipelined), and collect as many framed replies as
 * messages were sent. Rejects on timeout or if the server closes early. Replies
 * come back in arrival order (RFC 7766 allows reordering; match them by ID).
 */
export function tcpExchange(port: number, messages: Buffer[], timeoutMs = 3000): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const replies: Buffer[] = [];
    let buf = Buffer.alloc(0);
    let done = false;
    const sock = connect({ host: '127.0.0.1', port });
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(replies);
    };
    const timer = setTimeout(
      () => finish(new Error(`TCP: ${replies.length} of ${messages.length} replies after ${timeoutMs} ms`)),
      timeoutMs,
    );
    sock.on('connect', () => {
      const framed = messages.map((m) => {
        const len = Buffer.alloc(2);
        len.writeUInt16BE(m.length, 0);
        return Buffer.concat([len, m]);
      });
      sock.write(Buffer.concat(framed));
    });
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) break;
        replies.push(buf.subarray(2, 2 + len));
        buf = buf.subarray(2 + len);
      }
      if (replies.length >= messages.length) finish();
    });
    sock.on('error', (err) => finish(err));
    sock.on('close', () => {
      if (replies.length < messages.length) {
        finish(new Error(`TCP: connection closed after ${replies.length} of ${messages.length} replies`));
      }
    });
  });
}

// ─── normalize ────────────────────────────────────────────────────────────────

export interface Normalized {
  id: number;
  opcode: number;
  /** Full 12-bit RCODE (header low nibble + OPT extended RCODE). */
  rcode: number;
  rcodeName: string;
  flags: { qr: boolean; aa: boolean; tc: boolean; rd: boolean; ra: boolean; z: boolean; ad: boolean; cd: boolean };
  /** Questions as sent back, case kept: `name. class type`. */
  question: string[];
  /** Sorted, names lowercased: `owner ttl class type rdata`. */
  answer: string[];
  authority: string[];
  /** Sorted, OPT excluded (see `opt`). */
  additional: string[];
  opt: { present: false } | { present: true; version: number; udpSize: number; do: boolean; owner: string };
  /** Number of OPT records in the additional section (should be 0 or 1). */
  optCount: number;
  /** dns2 decode problems; a well-formed response has none. */
  errors: string[];
  /**
   * SRV records whose target uses a compression pointer (`owner` of each),
   * found by walking the raw bytes: RFC 2782 and RFC 3597 §4 forbid it, and
   * dns2's decoder would hide it.
   */
  compressedSrvTargets: string[];
}

const RCODE_NAMES: Record<number, string> = {
  0: 'NOERROR',
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
  6: 'YXDOMAIN',
  7: 'YXRRSET',
  8: 'NXRRSET',
  9: 'NOTAUTH',
  10: 'NOTZONE',
  16: 'BADVERS',
};

const TYPE_NAMES: Record<number, string> = {
  1: 'A',
  2: 'NS',
  5: 'CNAME',
  6: 'SOA',
  12: 'PTR',
  15: 'MX',
  16: 'TXT',
  28: 'AAAA',
  33: 'SRV',
  41: 'OPT',
  52: 'TLSA',
  99: 'SPF',
  255: 'ANY',
  257: 'CAA',
};

const CLASS_NAMES: Record<number, string> = { 1: 'IN', 3: 'CH', 4: 'HS', 254: 'NONE', 255: 'ANY' };

export function typeName(t: number): string {
  return TYPE_NAMES[t] ?? `TYPE${t}`;
}
export function className(c: number): string {
  return CLASS_NAMES[c] ?? `CLASS${c}`;
}
export function rcodeName(r: number): string {
  return RCODE_NAMES[r] ?? `RCODE${r}`;
}

/** dns2 gives names without the trailing dot ('' for the root); present them absolute. */
function fqdn(name: string | undefined): string {
  if (name === undefined) return '<missing>';
  if (name === '' || name === '.') return '.';
  return name.endsWith('.') ? name : `${name}.`;
}
const lname = (name: string | undefined) => fqdn(name).toLowerCase();

/** RFC 1035 §5.1 character-string: quoted, `"` and `\` escaped, non-printables as \DDD. */
function charString(s: string): string {
  let out = '"';
  for (const byte of Buffer.from(s, 'utf8')) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte < 0x20 || byte > 0x7e) out += `\\${byte.toString().padStart(3, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return `${out}"`;
}

function hex(b: Buffer): string {
  return b.toString('hex');
}

type Rr = Resource;

function rdataText(rr: Rr): string {
  switch (rr.type) {
    case 1:
    case 28:
      return String(rr.address);
    case 2:
      return lname(rr.ns);
    case 5:
    case 12:
      return lname(rr.domain);
    case 6:
      return [lname(rr.primary), lname(rr.admin), rr.serial, rr.refresh, rr.retry, rr.expiration, rr.minimum].join(' ');
    case 15:
      return `${rr.priority} ${lname(rr.exchange)}`;
    case 16:
    case 99: {
      const strings = Array.isArray(rr.data) ? rr.data : [String(rr.data)];
      return strings.map((s: string | Buffer) => charString(String(s))).join(' ');
    }
    case 33:
      return `${rr.priority} ${rr.weight} ${rr.port} ${lname(rr.target)}`;
    case 257:
      return `${rr.flags} ${rr.tag} ${charString(rr.value ?? '')}`;
    default: {
      const data = Buffer.isBuffer(rr.data) ? rr.data : Buffer.alloc(0);
      if (rr.type === 52 && data.length >= 3) {
        return `${data[0]} ${data[1]} ${data[2]} ${hex(data.subarray(3))}`;
      }
      // RFC 3597 §5 generic form.
      return data.length === 0 ? '\\# 0' : `\\# ${data.length} ${hex(data)}`;
    }
  }
}

/** One record in presentation form: `owner ttl class type rdata`, names lowercased. */
export function rrText(rr: Resource): string {
  return `${lname(rr.name)} ${rr.ttl} ${className(rr.class)} ${typeName(rr.type)} ${rdataText(rr as Rr)}`;
}

/**
 * Decode a response with dns2 and reduce it to a comparable structure. Every response is also
 * decoded with discodns' own decoder (src/wire/decode.ts): the two must agree on the header
 * and on each record's owner, type, class and TTL, or this throws.
 */
export function normalize(buf: Buffer): Normalized {
  const p = Packet.parse(buf);
  crossCheck(buf, p);
  const h = p.header as Header & { ad?: number; cd?: number };
  const opts = p.additionals.filter((r) => r.type === 41);
  const opt = opts[0];
  const sorted = (rrs: Resource[]) => rrs.map(rrText).sort();
  return {
    id: h.id,
    opcode: h.opcode,
    rcode: h.rcode,
    rcodeName: rcodeName(h.rcode),
    flags: {
      qr: !!h.qr,
      aa: !!h.aa,
      tc: !!h.tc,
      rd: !!h.rd,
      ra: !!h.ra,
      z: !!h.z,
      ad: !!h.ad,
      cd: !!h.cd,
    },
    question: p.questions.map((q) => `${fqdn(q.name)} ${className(q.class)} ${typeName(q.type)}`),
    answer: sorted(p.answers),
    authority: sorted(p.authorities),
    additional: sorted(p.additionals.filter((r) => r.type !== 41)),
    opt: opt
      ? {
          present: true,
          version: opt.version ?? 0,
          udpSize: opt.class,
          do: !!opt.doFlag,
          owner: fqdn(opt.name),
        }
      : { present: false },
    optCount: opts.length,
    errors: p.errors.map((e) => e.message),
    compressedSrvTargets: compressedSrvTargets(buf),
  };
}

const shape = (owner: string, type: number, cls: number, ttl: number): string => `${owner.toLowerCase()} ${ttl} ${cls} ${type}`;

/** Throws unless our decoder reads `buf` as dns2 did. */
function crossCheck(buf: Buffer, p: ReturnType<typeof Packet.parse>): void {
  const ours = decodeMessage(buf);
  if (ours instanceof DecodeError) throw new Error(`discodns' decoder refuses a response dns2 reads: ${ours.message}`);
  const h = p.header;
  const theirs = {
    header: [h.id, !!h.qr, h.opcode, !!h.aa, !!h.tc, !!h.rd, !!h.ra, h.rcode & 0x0f],
    sections: [p.answers, p.authorities, p.additionals.filter((r) => r.type !== 41)].map((rrs) => rrs.map((r) => shape(fqdn(r.name), r.type, r.class, r.ttl)).sort()),
    questions: p.questions.map((q) => `${fqdn(q.name)} ${q.type} ${q.class}`),
  };
  const mine = {
    header: [ours.id, ours.qr, ours.opcode, ours.aa, ours.tc, ours.rd, ours.ra, ours.rcode & 0x0f],
    sections: [ours.answer, ours.authority, ours.additional].map((rrs) => rrs.map((r) => shape(nameToText(r.owner), r.type, r.class, r.ttl)).sort()),
    questions: ours.questions.map((q) => `${nameToText(q.name)} ${q.type} ${q.class}`),
  };
  if (JSON.stringify(mine) !== JSON.stringify(theirs)) {
    throw new Error(`discodns' decoder and dns2 disagree:\n ours ${JSON.stringify(mine)}\n dns2 ${JSON.stringify(theirs)}`);
  }
}

/** Offset just past the (possibly compressed) name at `off`; throws if it runs off the end. */
function skipName(buf: Buffer, off: number): number {
  for (;;) {
    const len = buf[off];
    if (len === undefined) throw new Error('name runs past the end');
    if ((len & 0xc0) === 0xc0) return off + 2;
    if (len === 0) return off + 1;
    off += 1 + len;
  }
}

/** Does the name at `off` contain a compression pointer (before its end)? */
function nameHasPointer(buf: Buffer, off: number): boolean {
  for (;;) {
    const len = buf[off];
    if (len === undefined || len === 0) return false;
    if ((len & 0xc0) === 0xc0) return true;
    off += 1 + len;
  }
}

export function compressedSrvTargets(buf: Buffer): string[] {
  const found: string[] = [];
  try {
    const qd = buf.readUInt16BE(4);
    const rrs = buf.readUInt16BE(6) + buf.readUInt16BE(8) + buf.readUInt16BE(10);
    let off = 12;
    for (let i = 0; i < qd; i++) off = skipName(buf, off) + 4;
    for (let i = 0; i < rrs; i++) {
      const ownerAt = off;
      off = skipName(buf, off);
      const type = buf.readUInt16BE(off);
      const rdlen = buf.readUInt16BE(off + 8);
      const rdata = off + 10;
      if (type === 33 && rdlen > 6 && nameHasPointer(buf, rdata + 6)) found.push(`record at offset ${ownerAt}`);
      off = rdata + rdlen;
    }
  } catch {
    // A malformed message shows up in `errors` from dns2; nothing more to add here.
  }
  return found;
}

/** A short one-line summary of a normalized response, for test names and reports. */
export function summarize(n: Normalized): string {
  const f = Object.entries(n.flags)
    .filter(([, v]) => v)
    .map(([k]) => k)
    .join(' ');
  return `${n.rcodeName} [${f}] an=${JSON.stringify(n.answer)} ns=${JSON.stringify(n.authority)} ar=${JSON.stringify(n.additional)}`;
}
