// `discodns import`: a zone's records → the shortest definition that serves the same data.
// Discovery SRV sets become services: (defaults left out, `0 0 0 .` as off, path= TXT as path),
// A/AAAA hosts:, apex MX mx:, apex NS nameservers:, the SOA's values soa:, CNAMEs aliases:, and
// everything else records: lines. A record whose TTL is not the definition's stays a records:
// line, since the structured keys carry no TTL of their own. Then the definition is read back
// and built, and what it serves compared with the records it came from (verifyImport).

import { Buffer } from 'node:buffer';
import { isAtOrBelow, nameToText, type Name } from '../dns/name.js';
import { formatRdata, rdataKey } from '../dns/rdata/index.js';
import type { ResourceRecord } from '../dns/records.js';
import { RRType, typeToText } from '../dns/types.js';
import { buildZones } from './build.js';
import { formatDiagnostic, type Diagnostic } from './diagnostics.js';
import { parseDefinitionFile } from './load.js';
import { SOA_DEFAULTS } from './schema.js';
import { DEFAULT_WEIGHT, SERVICES, type ServiceInfo } from './services.js';

/** Types a signer makes (RFC 4035): a definition has none; discodns does not serve them yet. */
const SIGNER_MADE = new Set<number>([RRType.RRSIG, RRType.NSEC, RRType.NSEC3, RRType.NSEC3PARAM, RRType.DNSKEY, RRType.CDS, RRType.CDNSKEY]);

export interface Imported {
  /** The definition as YAML text. */
  readonly yaml: string;
  /** Records a definition cannot hold (signatures), left out with a comment. */
  readonly leftOut: readonly ResourceRecord[];
  /** How many records went into each key, for the summary. */
  readonly counts: Readonly<Record<string, number>>;
}

/** A scalar YAML reads back as this very string: plain when it can be, else single-quoted. */
function scalar(text: string): string {
  // Words YAML would read as something else (booleans, null, numbers) are quoted; a ':' is plain
  // inside a word (an IPv6 address, host:port), as the README's examples write them.
  const plain =
    /^[A-Za-z0-9_/][A-Za-z0-9_.\-/:]*$/.test(text) &&
    !text.endsWith(':') &&
    !/^(true|false|yes|no|on|off|null|y|n|~)$/i.test(text) &&
    !/^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text) &&
    !/^0[xob]/i.test(text);
  return plain ? text : `'${text.replace(/'/g, "''")}'`;
}

/**
 * How a definition of zone `origin` writes a name: '@', relative when it is one label below the
 * zone, the whole name without its final dot when it ends in the zone's name (DESIGN.md: such a
 * name is absolute, and check does not ask whether it was meant so), absolute otherwise.
 */
function written(n: Name, origin: Name, role: 'owner' | 'target'): string {
  if (n.key === origin.key) return '@';
  const text = nameToText(n);
  if (!isAtOrBelow(n, origin)) return text;
  const relative = text.slice(0, text.length - nameToText(origin).length - 1);
  return role === 'owner' || !relative.includes('.') ? relative : text.slice(0, -1);
}

export function importZone(origin: Name, input: readonly ResourceRecord[], source: string): Imported {
  const leftOut = input.filter((r) => SIGNER_MADE.has(r.type));
  const records = input.filter((r) => !SIGNER_MADE.has(r.type));
  const soa = records.find((r) => r.type === RRType.SOA && r.owner.key === origin.key);
  if (!soa || soa.rdata.kind !== 'SOA') throw new Error('bug: importZone needs a zone with its SOA (readZoneFile checks it)');
  const isApex = (r: ResourceRecord, type: number): boolean => r.type === type && r.owner.key === origin.key;
  const apexNs = records.filter((r) => isApex(r, RRType.NS));
  const ttl = apexNs.length ? Math.min(...apexNs.map((r) => r.ttl)) : soa.ttl;
  const rest = records.filter((r) => r !== soa && !isApex(r, RRType.NS));
  const used = new Set<ResourceRecord>();
  const out: string[] = [`# imported by discodns import from ${source}`, `zone: ${scalar(nameToText(origin).slice(0, -1))}`];
  if (ttl !== 3600) out.push(`ttl: ${ttl}`);

  // nameservers:, MNAME first (it is the first nameserver unless soa.primary says otherwise).
  const mname = soa.rdata.mname;
  const nsTargets = apexNs.map((r) => (r.rdata.kind === 'NS' ? r.rdata.target : origin));
  const first = nsTargets.findIndex((n) => n.key === mname.key);
  const ordered = first > 0 ? [nsTargets[first]!, ...nsTargets.filter((_, i) => i !== first)] : nsTargets;
  out.push(`nameservers: [${ordered.map((n) => scalar(written(n, origin, 'target'))).join(', ')}]`);

  // soa:, only what differs from the defaults.
  const s = soa.rdata;
  const soaLines: string[] = [];
  const hostmaster = `hostmaster.${nameToText(origin)}`;
  if (nameToText(s.rname).toLowerCase() !== hostmaster.toLowerCase()) soaLines.push(`  contact: ${scalar(contactOf(s.rname))}`);
  soaLines.push(`  serial: ${s.serial}`);
  if (s.refresh !== SOA_DEFAULTS.refresh) soaLines.push(`  refresh: ${s.refresh}`);
  if (s.retry !== SOA_DEFAULTS.retry) soaLines.push(`  retry: ${s.retry}`);
  if (s.expire !== SOA_DEFAULTS.expire) soaLines.push(`  expire: ${s.expire}`);
  if (s.minimum !== SOA_DEFAULTS.negativeTtl) soaLines.push(`  negative-ttl: ${s.minimum}`);
  if (first < 0) soaLines.push(`  primary: ${scalar(written(mname, origin, 'target'))}`);
  if (soa.ttl !== ttl) soaLines.push(`  ttl: ${soa.ttl}`);
  out.push('soa:', ...soaLines);

  const counts: Record<string, number> = { nameservers: apexNs.length, soa: 1 };
  const atTtl = (r: ResourceRecord): boolean => r.ttl === ttl;

  // hosts:
  const hosts = new Map<string, string[]>();
  for (const r of rest) {
    if ((r.type !== RRType.A && r.type !== RRType.AAAA) || !atTtl(r)) continue;
    const key = written(r.owner, origin, 'owner');
    const list = hosts.get(key) ?? [];
    list.push(formatRdata(r.rdata));
    hosts.set(key, list);
    used.add(r);
  }
  if (hosts.size) {
    out.push('hosts:');
    for (const [owner, addresses] of hosts) out.push(`  ${scalar(owner)}: ${addresses.length === 1 ? scalar(addresses[0]!) : `[${addresses.map(scalar).join(', ')}]`}`);
    counts.hosts = [...hosts.values()].reduce((n, l) => n + l.length, 0);
  }

  // mx: (apex), by preference; the position gives 10, 20, … unless written.
  const mx = rest.filter((r) => isApex(r, RRType.MX) && atTtl(r)).sort((a, b) => (a.rdata.kind === 'MX' && b.rdata.kind === 'MX' ? a.rdata.preference - b.rdata.preference : 0));
  if (mx.length) {
    const items = mx.map((r, i) => {
      used.add(r);
      if (r.rdata.kind !== 'MX') return '';
      const host = r.rdata.exchange.labelCount === 0 ? '.' : written(r.rdata.exchange, origin, 'target');
      const position = host === '.' ? 0 : (i + 1) * 10;
      return r.rdata.preference === position ? scalar(host) : `{ host: ${scalar(host)}, preference: ${r.rdata.preference} }`;
    });
    out.push(`mx: [${items.join(', ')}]`);
    counts.mx = mx.length;
  }

  // services:
  const serviceLines = services(origin, rest, ttl, used);
  if (serviceLines.length) {
    out.push('services:', ...serviceLines.map((l) => l.text));
    counts.services = serviceLines.reduce((n, l) => n + l.records, 0);
  }

  // aliases:
  const aliases = rest.filter((r) => r.type === RRType.CNAME && atTtl(r) && !used.has(r));
  if (aliases.length) {
    out.push('aliases:');
    for (const r of aliases) {
      used.add(r);
      if (r.rdata.kind === 'CNAME') out.push(`  ${scalar(written(r.owner, origin, 'owner'))}: ${scalar(written(r.rdata.target, origin, 'target'))}`);
    }
    counts.aliases = aliases.length;
  }

  // records: everything else, in the file's order.
  const left = rest.filter((r) => !used.has(r));
  if (left.length) {
    out.push('records:');
    for (const r of left) {
      const line = `${written(r.owner, origin, 'owner')}${r.ttl === ttl ? '' : ` ${r.ttl}`} ${typeToText(r.type)} ${formatRdata(r.rdata)}`;
      out.push(`  - ${scalar(line)}`);
    }
    counts.records = left.length;
  }
  if (leftOut.length) {
    out.push(`# left out: ${leftOut.length} DNSSEC records (${[...new Set(leftOut.map((r) => typeToText(r.type)))].join(', ')}): discodns serves zones unsigned for now`);
  }
  return { yaml: out.join('\n') + '\n', leftOut, counts };
}

/** `local.domain.` → `local@domain` (RFC 1035 §8), the first label's escaped dots unescaped. */
function contactOf(rname: Name): string {
  const text = nameToText(rname);
  const m = /^((?:[^.\\]|\\.)*)\.(.*)\.$/.exec(text);
  if (!m) return text;
  return `${m[1]!.replace(/\\(.)/g, '$1')}@${m[2]}`;
}

/** The services: lines for the discovery SRV sets that the table can write. */
function services(origin: Name, rest: readonly ResourceRecord[], ttl: number, used: Set<ResourceRecord>): { text: string; records: number }[] {
  const lines: { text: string; records: number }[] = [];
  const tcpZone = origin.key.startsWith('\x04_tcp');
  for (const service of SERVICES.values()) {
    const label = tcpZone ? service.label.replace(/\._tcp$/, '') : service.label;
    const ownerKey = labelKey(label) + origin.key;
    const srv = rest.filter((r) => r.type === RRType.SRV && r.owner.key === ownerKey && !used.has(r));
    if (srv.length === 0 || srv.some((r) => r.ttl !== ttl)) continue;
    const txt = rest.filter((r) => r.type === RRType.TXT && r.owner.key === ownerKey);
    const path = service.path && txt.length === 1 && txt[0]!.ttl === ttl ? pathOf(txt[0]!) : undefined;
    const offered = srv.filter((r) => r.rdata.kind === 'SRV' && r.rdata.target.labelCount > 0);
    if (offered.length === 0 && srv.length === 1 && isNotOffered(srv[0]!)) {
      used.add(srv[0]!);
      lines.push({ text: `  ${service.name}: off`, records: 1 });
      continue;
    }
    if (offered.length !== srv.length) continue; // '0 0 0 .' beside targets: a records: line says it
    const targets = offered.map((r, i) => target(r, origin, service, i === 0 ? path : undefined));
    for (const r of offered) used.add(r);
    if (path) used.add(txt[0]!);
    const text = targets.length === 1 ? `  ${service.name}: ${targets[0]}` : `  ${service.name}: [${targets.join(', ')}]`;
    lines.push({ text, records: offered.length + (path ? 1 : 0) });
  }
  return lines;
}

function labelKey(label: string): string {
  return label
    .split('.')
    .map((l) => String.fromCharCode(l.length) + l)
    .join('');
}

function isNotOffered(r: ResourceRecord): boolean {
  return r.rdata.kind === 'SRV' && r.rdata.priority === 0 && r.rdata.weight === 0 && r.rdata.port === 0 && r.rdata.target.labelCount === 0;
}

function pathOf(r: ResourceRecord): string | undefined {
  if (r.rdata.kind !== 'TXT' || r.rdata.strings.length !== 1) return undefined;
  const text = r.rdata.strings[0]!.toString('utf8');
  return /^path=\/[\x21-\x7e]*$/.test(text) && Buffer.from(text, 'utf8').equals(r.rdata.strings[0]!) ? text.slice(5) : undefined;
}

/** One SRV target as services: writes it, with only what differs from the service's defaults. */
function target(r: ResourceRecord, origin: Name, service: ServiceInfo, path: string | undefined): string {
  if (r.rdata.kind !== 'SRV') return '';
  const host = scalar(written(r.rdata.target, origin, 'target'));
  const { priority, weight, port } = r.rdata;
  const extra: string[] = [];
  if (port !== service.port) extra.push(`port: ${port}`);
  if (priority !== service.priority) extra.push(`priority: ${priority}`);
  if (weight !== DEFAULT_WEIGHT) extra.push(`weight: ${weight}`);
  if (path) extra.push(`path: ${scalar(path)}`);
  if (extra.length === 0) return host;
  if (extra.length === 1 && extra[0]!.startsWith('port:') && !host.startsWith("'")) return scalar(`${host}:${port}`);
  return `{ host: ${host}, ${extra.join(', ')} }`;
}

export interface ImportCheck {
  /** Problems of the definition as check reports them. */
  readonly diagnostics: readonly Diagnostic[];
  /** Records the source has and the definition does not serve, and the other way round. */
  readonly missing: readonly string[];
  readonly extra: readonly string[];
}

/** Reads the definition back, builds it, and compares what it serves with the source's records. */
export function verifyImport(yaml: string, file: string, origin: Name, source: readonly ResourceRecord[]): ImportCheck {
  const parsed = parseDefinitionFile(file, yaml, 0);
  const built = buildZones(parsed.definitions);
  const diagnostics = [...parsed.diagnostics, ...built.diagnostics];
  const zone = built.zones.find((z) => z.origin.key === origin.key);
  const key = (r: ResourceRecord): string => `${nameToText(r.owner).toLowerCase()} ${r.ttl} ${typeToText(r.type)} ${rdataKey(r.rdata)}`;
  const shown = (r: ResourceRecord): string => `${nameToText(r.owner)} ${r.ttl} ${typeToText(r.type)} ${formatRdata(r.rdata)}`;
  const want = new Map(source.filter((r) => !SIGNER_MADE.has(r.type)).map((r) => [key(r), r]));
  const got = new Map((zone?.records ?? []).map((r) => [key(r), r]));
  return {
    diagnostics,
    missing: [...want].filter(([k]) => !got.has(k)).map(([, r]) => shown(r)),
    extra: [...got].filter(([k]) => !want.has(k)).map(([, r]) => shown(r)),
  };
}

export { formatDiagnostic };
