// The conformance battery: queries sent to Knot DNS (serving the hand-written
// zone file) and to discodns (serving the definition), whose answers must match.
// See test/fixtures/conformance/ and RFC-CHECKLIST.md.
import type { EdnsOptions, Normalized, QuerySpec } from '../support/query.js';
import { buildQuery, className, normalize, tcpExchange, typeName, udpExchange } from '../support/query.js';

export interface Case {
  /** Unique test name. */
  name: string;
  query: QuerySpec;
  transport: 'udp' | 'tcp';
}

const T = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  DS: 43,
  RRSIG: 46,
  NSEC: 47,
  DNSKEY: 48,
  TLSA: 52,
  CAA: 257,
  PRIVATE: 65280,
  UNASSIGNED: 999,
} as const;

/** Every name that owns data in mail.test (the fixture). */
export const ZONE_NAMES = [
  'mail.test.',
  'ns1.mail.test.',
  'mail.mail.test.',
  'mail2.mail.test.',
  'dav.mail.test.',
  '_submission._tcp.mail.test.',
  '_submissions._tcp.mail.test.',
  '_imap._tcp.mail.test.',
  '_imaps._tcp.mail.test.',
  '_pop3._tcp.mail.test.',
  '_pop3s._tcp.mail.test.',
  '_caldav._tcp.mail.test.',
  '_caldavs._tcp.mail.test.',
  '_carddav._tcp.mail.test.',
  '_carddavs._tcp.mail.test.',
  '_autodiscover._tcp.mail.test.',
  '_jmap._tcp.mail.test.',
  '_sieve._tcp.mail.test.',
  'autoconfig.mail.test.',
  'autodiscover.mail.test.',
  'webmail.mail.test.',
  'a.mail.test.',
  'b.mail.test.',
  '_dmarc.mail.test.',
  'misc.mail.test.',
  '_25._tcp.mail.mail.test.',
];

/** The types every zone name is asked for. ANY is left out on purpose (RFC 8482 lets servers differ). */
export const BATTERY_TYPES = [T.SRV, T.A, T.AAAA, T.CNAME, T.TXT, T.MX, T.NS, T.SOA, T.CAA, T.TLSA, T.PRIVATE, T.UNASSIGNED];

const ENTS = ['_tcp.mail.test.', '_tcp.mail.mail.test.'];

const NXDOMAINS = [
  'nope.mail.test.',
  'x.mail.mail.test.', // below a node that has children but not this one
  'x.mail2.mail.test.', // below a leaf
  'x.dav.mail.test.',
  'x.ns1.mail.test.',
  'x.autoconfig.mail.test.', // below a CNAME
  'x.webmail.mail.test.',
  'x._imaps._tcp.mail.test.', // below an SRV owner
  'x._25._tcp.mail.mail.test.',
  '_udp.mail.test.',
  '_imaps._udp.mail.test.',
  'deep.er.nope.mail.test.',
  '_tcp.nope.mail.test.',
  'mail.mail2.mail.test.',
];

const OUT_OF_ZONE = [
  'example.org.',
  'test.',
  '.',
  'provider.example.',
  'mail.provider.example.',
  'xmail.test.', // shares a suffix string with the zone, not a label boundary
  'mail.test.example.',
  'org.',
];

function ednsLabel(e: EdnsOptions | undefined): string {
  if (!e) return 'noedns';
  const parts = [`edns${e.version ?? 0}/${e.udpSize}`];
  if (e.do) parts.push('DO');
  for (const o of e.options ?? []) parts.push(`opt${o.code}`);
  return parts.join('+');
}

export function caseName(c: Omit<Case, 'name'>): string {
  const q = c.query;
  const bits = [c.transport, q.qname, q.qclass !== undefined && q.qclass !== 1 ? className(q.qclass) : '', typeName(q.qtype)];
  if (q.opcode) bits.push(`opcode${q.opcode}`);
  bits.push(ednsLabel(q.edns));
  if (q.rd) bits.push('RD');
  return bits.filter((b) => b !== '').join(' ');
}

/** Build the whole battery. Names are unique; IDs are distinct. */
export function battery(): Case[] {
  const out: Case[] = [];
  const seen = new Set<string>();
  let id = 0x1000;
  const add = (
    qname: string,
    qtype: number,
    opts: { transport?: 'udp' | 'tcp'; edns?: EdnsOptions; rd?: boolean; qclass?: number; opcode?: number } = {},
  ) => {
    const c: Omit<Case, 'name'> = {
      transport: opts.transport ?? 'udp',
      query: {
        id: id++,
        qname,
        qtype,
        ...(opts.qclass !== undefined ? { qclass: opts.qclass } : {}),
        ...(opts.rd ? { rd: true } : {}),
        ...(opts.opcode !== undefined ? { opcode: opts.opcode } : {}),
        ...(opts.edns ? { edns: opts.edns } : {}),
      },
    };
    const name = caseName(c);
    if (seen.has(name)) return;
    seen.add(name);
    out.push({ name, ...c });
  };

  // 1. Every name × every type, plain UDP, no EDNS.
  for (const n of ZONE_NAMES) for (const t of BATTERY_TYPES) add(n, t);

  // 2. Empty non-terminals (RFC 8020: NODATA, never NXDOMAIN).
  for (const n of ENTS) for (const t of [T.A, T.SRV, T.TXT, T.SOA, T.NS]) add(n, t);

  // 3. Names that do not exist, including below leaves, CNAMEs and SRV owners.
  for (const n of NXDOMAINS) for (const t of [T.A, T.SRV, T.TXT]) add(n, t);

  // 4. Types nothing in the zone has (NODATA, never FORMERR or NOTIMP).
  for (const n of ['mail.test.', 'mail.mail.test.', '_imaps._tcp.mail.test.']) {
    for (const t of [T.DS, T.RRSIG, T.NSEC, T.DNSKEY, 41, 128, 250, 253, 254, 65534]) add(n, t);
  }

  // 5. Mixed case (0x20): question echoed as sent, answers found.
  const mixed: [string, number][] = [
    ['MaIl.MaIl.TeSt.', T.A],
    ['MaIl.MaIl.TeSt.', T.AAAA],
    ['MAIL.TEST.', T.MX],
    ['Mail.Test.', T.SOA],
    ['mAIL.tEST.', T.NS],
    ['MaIl.TeSt.', T.TXT],
    ['_ImApS._TcP.mail.test.', T.SRV],
    ['_IMAPS._TCP.MAIL.TEST.', T.SRV],
    ['_CalDavs._Tcp.Mail.Test.', T.TXT],
    ['_SUBMISSION._tcp.mail.test.', T.SRV],
    ['AutoConfig.mail.test.', T.A],
    ['AUTODISCOVER.MAIL.TEST.', T.AAAA],
    ['A.Mail.Test.', T.A],
    ['A.MAIL.TEST.', T.CNAME],
    ['WebMail.mail.test.', T.A],
    ['MISC.mail.test.', T.PRIVATE],
    ['_25._TCP.MAIL.mail.test.', T.TLSA],
    ['_Tcp.Mail.Test.', T.A],
    ['NoPe.MaIl.TeSt.', T.A],
    ['X.Mail2.Mail.Test.', T.A],
    ['ExAmPlE.OrG.', T.A],
  ];
  for (const [n, t] of mixed) add(n, t);

  // 6. Outside every zone served: REFUSED, no AA.
  for (const n of OUT_OF_ZONE) for (const t of [T.A, T.SOA, T.NS]) add(n, t);

  // 7. EDNS on: advertised size, DO copied, unknown options ignored.
  const e1232: EdnsOptions = { udpSize: 1232 };
  const eDo: EdnsOptions = { udpSize: 1232, do: true };
  const ednsSet: [string, number][] = [
    ['mail.test.', T.SOA],
    ['mail.test.', T.MX],
    ['mail.test.', T.NS],
    ['mail.test.', T.TXT],
    ['mail.test.', T.CAA],
    ['mail.mail.test.', T.A],
    ['mail.mail.test.', T.MX],
    ['_imaps._tcp.mail.test.', T.SRV],
    ['_submission._tcp.mail.test.', T.SRV],
    ['_submissions._tcp.mail.test.', T.SRV],
    ['_imap._tcp.mail.test.', T.SRV],
    ['_caldavs._tcp.mail.test.', T.SRV],
    ['_caldavs._tcp.mail.test.', T.TXT],
    ['_carddavs._tcp.mail.test.', T.TXT],
    ['_autodiscover._tcp.mail.test.', T.SRV],
    ['a.mail.test.', T.A],
    ['a.mail.test.', T.MX],
    ['webmail.mail.test.', T.AAAA],
    ['_tcp.mail.test.', T.SRV],
    ['nope.mail.test.', T.A],
    ['x.mail2.mail.test.', T.SRV],
    ['misc.mail.test.', T.PRIVATE],
    ['misc.mail.test.', T.UNASSIGNED],
    ['example.org.', T.A],
    ['.', T.NS],
  ];
  for (const [n, t] of ednsSet) add(n, t, { edns: e1232 });
  for (const [n, t] of ednsSet.filter((_, i) => i % 3 === 0)) add(n, t, { edns: eDo });
  for (const [n, t] of [
    ['mail.test.', T.SOA],
    ['_imaps._tcp.mail.test.', T.SRV],
    ['nope.mail.test.', T.A],
  ] as const) {
    add(n, t, { edns: { udpSize: 512 } });
    add(n, t, { edns: { udpSize: 100 } }); // below 512: counts as 512
    add(n, t, { edns: { udpSize: 4096, do: true } });
    add(n, t, { edns: { udpSize: 1232, options: [{ code: 65001, data: Buffer.from('probe') }] } });
  }

  // 8. EDNS version 1: BADVERS, OPT version 0, no answer.
  for (const [n, t] of [
    ['mail.test.', T.SOA],
    ['_imaps._tcp.mail.test.', T.SRV],
    ['nope.mail.test.', T.A],
    ['example.org.', T.A],
  ] as const) {
    add(n, t, { edns: { udpSize: 1232, version: 1 } });
  }
  add('mail.test.', T.SOA, { edns: { udpSize: 1232, version: 1, do: true } });

  // 9. RD set: copied, RA never set.
  for (const [n, t] of [
    ['mail.test.', T.SOA],
    ['_imaps._tcp.mail.test.', T.SRV],
    ['nope.mail.test.', T.A],
    ['_tcp.mail.test.', T.A],
    ['example.org.', T.A],
    ['webmail.mail.test.', T.A],
  ] as const) {
    add(n, t, { rd: true });
  }

  // 10. Classes other than IN: REFUSED (Knot is configured without CHAOS identity/version).
  add('version.bind.', T.TXT, { qclass: 3 });
  add('id.server.', T.TXT, { qclass: 3 });
  add('hostname.bind.', T.TXT, { qclass: 3 });
  add('mail.test.', T.SOA, { qclass: 3 });
  add('mail.test.', T.SOA, { qclass: 4 });
  add('mail.test.', T.A, { qclass: 254 });
  add('mail.test.', T.SOA, { qclass: 3, edns: e1232 });

  // 11. Opcodes neither server implements: NOTIMP, opcode echoed, no AA.
  for (const op of [1, 2, 3]) add('mail.test.', T.SOA, { opcode: op });

  // 12. Over TCP.
  const tcpSet: [string, number, EdnsOptions?][] = [
    ['mail.test.', T.SOA],
    ['mail.test.', T.MX],
    ['mail.test.', T.NS],
    ['mail.test.', T.SOA, e1232],
    ['_imaps._tcp.mail.test.', T.SRV],
    ['_imaps._tcp.mail.test.', T.SRV, eDo],
    ['_caldavs._tcp.mail.test.', T.TXT],
    ['a.mail.test.', T.AAAA],
    ['webmail.mail.test.', T.A],
    ['_tcp.mail.test.', T.A],
    ['nope.mail.test.', T.A],
    ['nope.mail.test.', T.A, e1232],
    ['x.dav.mail.test.', T.AAAA],
    ['misc.mail.test.', T.PRIVATE],
    ['_IMAPS._TCP.Mail.Test.', T.SRV],
    ['example.org.', T.A],
    ['mail.test.', T.SOA, { udpSize: 1232, version: 1 }],
  ];
  for (const [n, t, e] of tcpSet) add(n, t, { transport: 'tcp', ...(e ? { edns: e } : {}) });

  return out;
}

// ─── running and comparing ─────────────────────────────────────────────────────

export type Outcome = Normalized | 'no response';

export async function run(port: number, c: Case): Promise<Outcome> {
  const bytes = buildQuery(c.query);
  if (c.transport === 'udp') {
    const reply = await udpExchange(port, bytes, 1500);
    return reply === undefined ? 'no response' : normalize(reply);
  }
  const [reply] = await tcpExchange(port, [bytes], 3000);
  return reply === undefined ? 'no response' : normalize(reply);
}

/**
 * The part of a response that must match between Knot and discodns: RCODE,
 * opcode, header flags, the question as echoed, answer and authority as sets,
 * the additional section (minus OPT) only for SRV and MX queries, the OPT
 * record's presence/version/size/DO, and no decode errors.
 */
export function comparable(o: Outcome, c: Case): unknown {
  if (o === 'no response') return o;
  const qt = c.query.qtype;
  return {
    idEchoed: o.id === c.query.id,
    rcode: o.rcodeName,
    opcode: o.opcode,
    flags: { qr: o.flags.qr, aa: o.flags.aa, tc: o.flags.tc, rd: o.flags.rd, ra: o.flags.ra, ad: o.flags.ad, z: o.flags.z },
    question: o.question,
    answer: o.answer,
    authority: o.authority,
    additional: qt === 33 || qt === 15 ? o.additional : '(not compared)',
    opt: o.opt,
    optCount: o.optCount,
    decodeErrors: o.errors,
    compressedSrvTargets: o.compressedSrvTargets,
  };
}

export interface Mismatch {
  name: string;
  reference: unknown;
  ours: unknown;
}
