// One definition × one of its zones → the zone's records, each with the place it came from.
// Names are resolved here (they depend on the zone); checks that need the whole zone or other
// zones are in validate.ts and targets.ts.

import { Buffer } from 'node:buffer';
import { isAtOrBelow, isNameError, nameToText, parseName, ROOT, type Name, type NameError } from '../dns/name.js';
import { parseRecordLine, tokenize } from '../dns/presentation.js';
import { isParseError } from '../dns/rdata/index.js';
import { rdataTarget, rdataType, type RData, type ResourceRecord } from '../dns/records.js';
import { RRType, typeFromText, typeToText } from '../dns/types.js';
import { expandAutoconfig } from './autoconfig.js';
import { error, warning, type At, type Diagnostic } from './diagnostics.js';
import { dottedRelative, hostNameProblem, resolveName, type Resolver } from './names.js';
import type { Definition, RecordLine, Written } from './schema.js';
import { commentCutProblem, cutInLine } from './mail-lint.js';
import { NOT_OFFERED, Shared } from './shared.js';

/** A record and where it was written; `targetAt` is where its target name is, if it has one. */
export interface Sourced {
  readonly rr: ResourceRecord;
  readonly at: At;
  readonly targetAt?: At;
}

export interface Expanded {
  readonly origin: Name;
  readonly def: Definition;
  readonly records: Sourced[];
  /** Names given under hosts: or aliases:, valid addresses or not: a target there is not "missing". */
  readonly declared: Set<string>;
  readonly diagnostics: Diagnostic[];
}

type Role = 'owner' | 'target';

/**
 * `resolve` reads every name written in the definition (a caller may watch what it is given);
 * `shared` gives zones of one build the same objects for the same outside names and rdata.
 */
export function expandZone(def: Definition, origin: Name, resolve: Resolver = resolveName, shared = new Shared()): Expanded {
  const out: Expanded = { origin, def, records: [], declared: new Set(), diagnostics: [] };
  const x = new Expansion(def, origin, out, resolve, shared);
  x.soaAndNs();
  x.hosts();
  x.mx();
  x.services();
  x.aliases();
  x.records();
  x.autoconfig();
  return out;
}

/** The RFC 6764 services whose SRV owner may carry a path= TXT. */
const DAV_LABELS = new Set(['_caldav', '_caldavs', '_carddav', '_carddavs']);

/** The first label, lowercased, as text. */
function firstLabelText(n: Name): string | undefined {
  return n.labelCount === 0 ? undefined : n.key.slice(1, 1 + n.key.charCodeAt(0));
}

/** Whether a label after the first is '*': not a wildcard there (RFC 4592 §2.1.1), and surely a mistake. */
function innerStar(n: Name): boolean {
  const key = n.key;
  for (let at = key.charCodeAt(0) + 1; key.charCodeAt(at) !== 0; at += key.charCodeAt(at) + 1) {
    if (key.charCodeAt(at) === 1 && key.charCodeAt(at + 1) === 0x2a) return true;
  }
  return false;
}

/**
 * DNSSEC data is made by whoever signs the zone (RFC 4035 §2), never written by hand beside
 * unsigned data: why each such type is refused in `records:`.
 */
const SIGNER_MADE = new Map<number, string>([
  [RRType.DNSKEY, 'records are made by the signer from its keys, not written in a definition'],
  [RRType.RRSIG, 'records are signatures made by the signer, not written in a definition'],
  [RRType.NSEC, 'records are made by the signer for denial of existence, not written in a definition'],
  [RRType.NSEC3, 'records are made by the signer for denial of existence, not written in a definition'],
  [RRType.NSEC3PARAM, 'says how a signer hashes names; discodns signs with NSEC, so it has no place here'],
  [RRType.CDS, 'records are published by the signer for the parent (RFC 7344), not written in a definition'],
  [RRType.CDNSKEY, 'records are published by the signer for the parent (RFC 7344), not written in a definition'],
]);

class Expansion {
  /** What each text written in the definition reads as in this zone: the same name, read once. */
  private readonly read = new Map<string, Name | NameError>();

  constructor(
    private readonly def: Definition,
    private readonly origin: Name,
    private readonly out: Expanded,
    private readonly resolver: Resolver,
    private readonly shared: Shared,
  ) {}

  /** The resolver, once per text; a name outside the zone is the one other zones share. */
  private readonly resolve: Resolver = (text) => {
    let n = this.read.get(text);
    if (n === undefined) {
      n = this.resolver(text, this.origin);
      if (!isNameError(n) && !isAtOrBelow(n, this.origin)) n = this.shared.name(n);
      this.read.set(text, n);
    }
    return n;
  };

  private error(at: At, message: string): undefined {
    this.out.diagnostics.push(error(at, message));
    return undefined;
  }

  private add(owner: Name, rdata: RData, at: At, targetAt?: At, ttl = this.def.ttl): void {
    const type = rdataType(rdata);
    if (type === undefined) throw new Error('bug: expand makes only typed records');
    const rr: ResourceRecord = { owner, type, ttl, rdata };
    this.out.records.push(targetAt ? { rr, at, targetAt } : { rr, at });
  }

  /** A name from a YAML key or value, by the definition's name rules; undefined after an error. */
  private name(w: Written, role: Role): Name | undefined {
    const problem = hostNameProblem(w.text, role);
    if (problem) return this.error(w.at, problem);
    const n = this.resolve(w.text, this.origin);
    if (isNameError(n)) {
      const zone = this.def.zones.length > 1 ? ` (in zone ${nameToText(this.origin)})` : '';
      return this.error(w.at, n.error + zone);
    }
    if (role === 'owner') return this.owner(n, w.at) ? n : undefined;
    // Only targets get the warning: an owner's other reading is outside the zone, an error anyway.
    const doubt = dottedRelative(w.text, n, this.origin);
    if (doubt) this.out.diagnostics.push(warning(w.at, doubt));
    return n;
  }

  /** Owner checks shared by YAML keys and `records:` lines. */
  private owner(n: Name, at: At): boolean {
    if (!isAtOrBelow(n, this.origin)) {
      this.error(at, `${nameToText(n)} is outside zone ${nameToText(this.origin)}: write a name at or below the zone, or define it in its own zone`);
      return false;
    }
    if (innerStar(n)) {
      this.error(at, `${nameToText(n)}: '*' makes a wildcard only as the first label (RFC 4592 §2.1.1); write '*.${nameToText(n).split('.*.').pop()}' or name each host`);
      return false;
    }
    return true;
  }

  /** A target that must be a host: '.' is refused with `dotMessage`. */
  private host(w: Written, dotMessage: string): Name | undefined {
    if (w.text === '.') return this.error(w.at, dotMessage);
    return this.name(w, 'target');
  }

  soaAndNs(): void {
    const soa = this.def.soa;
    const rname = soa.rname ?? parseName('hostmaster', this.origin);
    if (isNameError(rname)) this.error(soa.at, `the default SOA contact hostmaster@${nameToText(this.origin).slice(0, -1)} is too long (${rname.error}): give soa.contact`);
    const targets = this.def.nameservers.map((ns) => this.host(ns, `'.' is not a nameserver: name a host, e.g. ns1`));
    const mname = soa.primary ? this.host(soa.primary, `'.' is not a primary nameserver: name a host, e.g. ns0.example.net.`) : targets[0];
    // The SOA goes first (export and tests read it there); MNAME is the first nameserver.
    if (mname && !isNameError(rname)) {
      const { serial, refresh, retry, expire, negativeTtl: minimum } = soa;
      this.add(this.origin, { kind: 'SOA', mname, rname, serial, refresh, retry, expire, minimum }, soa.at, undefined, soa.ttl ?? this.def.ttl);
    }
    targets.forEach((t, i) => {
      const at = this.def.nameservers[i]!.at;
      if (t) this.add(this.origin, { kind: 'NS', target: t }, at, at);
    });
  }

  hosts(): void {
    for (const h of this.def.hosts) {
      const owner = this.name(h.name, 'owner');
      if (!owner) continue;
      this.out.declared.add(owner.key);
      for (const a of h.addresses) this.add(owner, this.shared.address(a.text, a.family), a.at);
    }
  }

  mx(): void {
    for (const m of this.def.mx) {
      const exchange = m.host.text === '.' ? ROOT : this.name(m.host, 'target');
      if (exchange) this.add(this.origin, { kind: 'MX', preference: m.preference, exchange }, m.host.at, m.host.at);
    }
  }

  services(): void {
    for (const s of this.def.services) {
      // In a zone named _tcp.… (the discovery subtree delegated on its own) the owners are _imaps, not _imaps._tcp.
      const label = firstLabelText(this.origin) === '_tcp' ? s.service.label.replace(/\._tcp$/, '') : s.service.label;
      const owner = parseName(label, this.origin);
      if (isNameError(owner)) {
        this.error(s.at, `${s.service.label} in zone ${nameToText(this.origin)}: ${owner.error}`);
        continue;
      }
      if (s.off) this.add(owner, NOT_OFFERED, s.at);
      for (const t of s.targets) {
        const target = this.host(t.host, `'.' means the service is not offered: write '${s.service.name}: off' instead`);
        if (target) this.add(owner, { kind: 'SRV', priority: t.priority, weight: t.weight, port: t.port, target }, t.at, t.host.at);
      }
      // RFC 6764 §4: the path= TXT sits at the same owner as the SRV it belongs to.
      if (s.path) this.add(owner, this.shared.rdata({ kind: 'TXT', strings: [Buffer.from(`path=${s.path.text}`)] }), s.path.at);
    }
  }

  aliases(): void {
    for (const a of this.def.aliases) {
      const owner = this.name(a.name, 'owner');
      if (owner) this.out.declared.add(owner.key);
      const target = this.host(a.target, `an alias needs a target name, not '.'`);
      if (owner && target) this.add(owner, { kind: 'CNAME', target }, a.name.at, a.target.at);
    }
  }

  records(): void {
    for (const line of this.def.records) {
      const rr = parseRecordLine(line.text, this.origin, this.def.ttl, this.resolve);
      if ('error' in rr) {
        this.error(line.atCol(rr.col), rr.error);
        continue;
      }
      if (!this.owner(rr.owner, line.at)) continue;
      if (rr.type === RRType.SOA) {
        this.error(line.at, `the SOA comes from 'soa:' and 'nameservers:': set its values there and remove this line`);
        continue;
      }
      // NS below the apex is a delegation (a zone cut): validate.ts checks what lies below it.
      if (rr.type === RRType.NS && rr.owner.key === this.origin.key) {
        this.error(line.at, `NS records at the apex come from 'nameservers:': list the nameserver there and remove this line`);
        continue;
      }
      const signing = SIGNER_MADE.get(rr.type);
      if (signing) {
        this.error(line.at, `${typeToText(rr.type)} ${signing}: remove this line`);
        continue;
      }
      const targetAt = this.def.zoneFile ? (line.targetAt ?? line.at) : this.lineChecks(line, rr);
      const hasTarget = rdataTarget(rr.rdata) !== undefined;
      const rdata = this.shared.rdata(rr.rdata);
      const record = rdata === rr.rdata ? rr : { ...rr, rdata };
      this.out.records.push(hasTarget ? { rr: record, at: line.at, targetAt } : { rr: record, at: line.at });
    }
  }

  /**
   * The checks a `records:` line gets that the structured keys get (relative names with a dot,
   * 465 on _submission, path= without '/'), and the ';' trap; returns where its target is.
   */
  private lineChecks(line: RecordLine, rr: ResourceRecord): At {
    const toks = tokenize(line.text);
    if (isParseError(toks)) return line.at;
    const typeAt = toks.findIndex((t, i) => i > 0 && typeFromText(t.text) === rr.type);
    const data = typeAt < 0 ? [] : toks.slice(typeAt + 1);
    let targetAt = line.at;
    const target = rdataTarget(rr.rdata);
    for (const tok of data) {
      const n = this.read.get(tok.text);
      if (!n || isNameError(n)) continue;
      if (target && n.key === target.key) targetAt = line.atCol(tok.col);
      const doubt = dottedRelative(tok.text, n, this.origin);
      if (doubt) this.out.diagnostics.push(warning(line.atCol(tok.col), doubt));
    }
    const first = firstLabelText(rr.owner);
    if (rr.rdata.kind === 'SRV') {
      const portAt = line.atCol(data[2]?.col ?? 0);
      // RFC 8314: 465 is implicit TLS (submissions), 587 STARTTLS (submission): a swap is a typo.
      if (first === '_submission' && rr.rdata.port === 465) this.out.diagnostics.push(warning(portAt, `465 is implicit TLS: did you mean '_submissions'?`));
      if (first === '_submissions' && rr.rdata.port === 587) this.out.diagnostics.push(warning(portAt, `587 is STARTTLS: did you mean '_submission'?`));
    }
    if (rr.rdata.kind === 'TXT') {
      if (DAV_LABELS.has(first ?? '')) {
        rr.rdata.strings.forEach((str, i) => {
          const text = str.toString('latin1');
          // RFC 6764 §4: the path= value is an absolute path.
          if (/^path=/i.test(text) && !text.slice(5).startsWith('/')) {
            this.error(line.atCol(data[i]?.col ?? 0), `path must start with '/', e.g. "path=/${text.slice(5)}" (RFC 6764 §4)`);
          }
        });
      }
      const cut = cutInLine(line.text);
      const problem = cut !== undefined ? commentCutProblem(rr) : undefined;
      if (problem) this.out.diagnostics.push({ ...(problem.severity === 'error' ? error : warning)(line.atCol(cut!), problem.message) });
    }
    return targetAt;
  }

  /** Last: the names `autoconfig:` generates are checked against everything written above. */
  autoconfig(): void {
    const spec = this.def.autoconfig;
    if (!spec) return;
    const { origin, shared, resolve } = this;
    const out = this.out;
    const writesAutodiscover = this.def.services.some((s) => s.service.name === 'autodiscover');
    const add = (owner: Name, rdata: RData, at: At, targetAt?: At): void => this.add(owner, rdata, at, targetAt);
    expandAutoconfig(spec, { origin, ttl: this.def.ttl, records: out.records, diagnostics: out.diagnostics, resolve, shared, add, writesAutodiscover });
  }
}
