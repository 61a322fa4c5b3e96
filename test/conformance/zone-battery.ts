// A battery made from a zone's own names: every owner asked for every common type, names below
// and beside each owner (wildcards and zone cuts answer for those), the same in mixed case, over
// UDP and TCP. For the fixtures whose whole point is their names (wildcards, delegations,
// imported zone files); battery.ts is the hand-picked one for mail.test.
import type { Case } from './battery.js';
import { caseName } from './battery.js';
import type { Normalized } from '../support/query.js';

const TYPES = { A: 1, NS: 2, CNAME: 5, SOA: 6, MX: 15, TXT: 16, AAAA: 28, SRV: 33, DS: 43, TLSA: 52, CAA: 257 } as const;
const ALL_TYPES = Object.values(TYPES);

/** Mixed case, deterministically: every other letter upper. */
function mixed(name: string): string {
  let up = false;
  return name.replace(/[a-z]/gi, (c) => ((up = !up) ? c.toUpperCase() : c.toLowerCase()));
}

/** `owners` are absolute names (with the final dot) of a zone served by both servers. */
export function zoneBattery(owners: readonly string[], options: { tcpEvery?: number } = {}): Case[] {
  const out: Case[] = [];
  const seen = new Set<string>();
  let id = 0x2000;
  const add = (qname: string, qtype: number, transport: 'udp' | 'tcp'): void => {
    const c: Omit<Case, 'name'> = { transport, query: { id: id++ & 0xffff, qname, qtype } };
    const name = caseName(c);
    if (seen.has(name)) return;
    seen.add(name);
    out.push({ name, ...c });
  };
  const questions: [string, number][] = [];
  const unique = [...new Set(owners.map((o) => o.toLowerCase()))];
  for (const owner of unique) {
    for (const t of ALL_TYPES) questions.push([owner, t]);
    const base = owner.startsWith('*.') ? owner.slice(2) : owner;
    for (const probe of [`x.${base}`, `x.y.${base}`, `qq.${owner}`, mixed(`zz.${base}`)]) {
      for (const t of [TYPES.A, TYPES.TXT, TYPES.MX, TYPES.SRV, TYPES.DS, TYPES.NS]) questions.push([probe, t]);
    }
    for (const t of [TYPES.A, TYPES.TXT, TYPES.NS, TYPES.DS]) questions.push([mixed(owner), t]);
  }
  for (const [n, t] of questions) add(n, t, 'udp');
  const every = options.tcpEvery ?? 1;
  questions.forEach(([n, t], i) => {
    if (i % every === 0) add(n, t, 'tcp');
  });
  return out;
}

/** As battery.ts's `comparable`, with the additional section always compared (glue, targets' addresses). */
export function comparableAll(o: Normalized | 'no response', c: Case): unknown {
  if (o === 'no response') return o;
  return {
    idEchoed: o.id === c.query.id,
    rcode: o.rcodeName,
    flags: { qr: o.flags.qr, aa: o.flags.aa, tc: o.flags.tc, rd: o.flags.rd, ra: o.flags.ra, ad: o.flags.ad, z: o.flags.z },
    question: o.question,
    answer: o.answer,
    authority: o.authority,
    additional: o.additional,
    opt: o.opt,
    decodeErrors: o.errors,
    compressedSrvTargets: o.compressedSrvTargets,
  };
}

/** The owners of a zone file written one record per line with $ORIGIN first (the hand-written fixtures). */
export function ownersOfSimpleZoneFile(text: string): string[] {
  let origin = '';
  const owners: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/;.*/, '');
    const m = /^\$ORIGIN\s+(\S+)/.exec(line);
    if (m) origin = m[1]!;
    if (!line.trim() || /^\s/.test(line) || line.startsWith('$')) continue;
    const owner = line.split(/\s+/)[0]!;
    owners.push(owner === '@' ? origin : owner.endsWith('.') ? owner : `${owner}.${origin}`);
  }
  return owners;
}
