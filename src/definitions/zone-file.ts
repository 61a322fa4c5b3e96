// A zone file (RFC 1035 §5, `*.zone` in the zones directory) as a definition: its SOA becomes
// `soa:`, its apex NS `nameservers:`, every other record a `records:` line. So a zone file gets
// the same checks, reload and last-known-good as a YAML definition, and its problems the same
// file:line:col form. The zone is named by a `$ORIGIN` before the first record, or else by the
// file's name (`example.com.zone`).

import { parseMasterFile, type FilePlace, type IncludeReader, type MasterRecord } from '../dns/masterfile.js';
import { isNameError, nameToText, parseName, ROOT, type Name } from '../dns/name.js';
import { formatRecord } from '../dns/presentation.js';
import { rdataNames, rdataTarget } from '../dns/rdata/index.js';
import { RRType } from '../dns/types.js';
import { error, warning, type At, type Diagnostic } from './diagnostics.js';
import { commentCutProblem } from './mail-lint.js';
import type { Definition, RecordLine, SoaSpec, Written } from './schema.js';

/** Files the zones directory serves as zone files. */
export const ZONE_FILE = /\.zone$/i;

export interface ZoneFileOptions {
  /** The configuration's dnssec.enabled: whether the zone is signed (a zone file cannot say). */
  readonly dnssec?: boolean;
  /** Reads `$INCLUDE` files (the caller keeps them inside the zones directory). */
  readonly include?: IncludeReader;
  /** The zone's name when neither `$ORIGIN` nor the file's name gives it (discodns import --origin). */
  readonly origin?: Name;
}

export interface ReadZoneFile {
  readonly definitions: Definition[];
  readonly diagnostics: Diagnostic[];
  /** Every file read: the zone file and what it includes (a reload re-reads it when any changes). */
  readonly files: readonly string[];
  /** The records as read, for `discodns import`. */
  readonly records: readonly MasterRecord[];
  readonly origin?: Name;
}

const place = (p: FilePlace, path = ''): At => ({ file: p.file, line: p.line, col: p.col, path });

/** The zone a file's name gives: `example.com.zone` → example.com. */
export function originFromFileName(file: string): Name | undefined {
  const base = file.split(/[\\/]/).pop() ?? file;
  const stem = base.replace(ZONE_FILE, '');
  if (stem === base || stem === '') return undefined;
  const n = parseName(stem.endsWith('.') ? stem : `${stem}.`);
  return isNameError(n) || n.key === ROOT.key ? undefined : n;
}

export function readZoneFile(file: string, text: string, options: ZoneFileOptions = {}): ReadZoneFile {
  const fromName = options.origin ?? originFromFileName(file);
  const parsed = parseMasterFile(text, { file, origin: fromName ?? ROOT, ...(options.include ? { include: options.include } : {}) });
  const diagnostics: Diagnostic[] = parsed.problems.map((p) => (p.severity === 'error' ? error(place(p), p.message) : warning(place(p), p.message)));
  const origin = parsed.declaredOrigin ?? fromName;
  const base = { diagnostics, files: parsed.files, records: parsed.records };
  const top: At = { file, line: 1, col: 1, path: '' };
  if (!origin) {
    diagnostics.push(error(top, `no zone name: start the file with $ORIGIN, or name it after the zone (example.com.zone)`));
    return { definitions: [], ...base };
  }
  for (const r of parsed.records) {
    if (!r.cutByComment) continue;
    const cut = commentCutProblem(r.rr);
    if (cut) diagnostics.push(cut.severity === 'error' ? error(place(r.cutByComment), cut.message) : warning(place(r.cutByComment), cut.message));
  }
  const atApex = (r: MasterRecord, type: number): boolean => r.rr.type === type && r.rr.owner.key === origin.key;
  const soas = parsed.records.filter((r) => r.rr.type === RRType.SOA);
  const ns = parsed.records.filter((r) => atApex(r, RRType.NS));
  const soa = soas.find((r) => r.rr.owner.key === origin.key);
  for (const s of soas) {
    if (s !== soa) diagnostics.push(error(place(s.at), `an SOA at ${nameToText(s.rr.owner)}: a zone file holds one zone, whose SOA is at its apex ${nameToText(origin)}; remove it`));
  }
  if (!soa) diagnostics.push(error(top, `no SOA at ${nameToText(origin)}: a zone starts with its SOA record (RFC 1035 §5.2)`));
  if (ns.length === 0) diagnostics.push(error(soa ? place(soa.at) : top, `no NS records at ${nameToText(origin)}: a zone names its nameservers at its apex`));
  if (!soa || soa.rr.rdata.kind !== 'SOA' || ns.length === 0) return { definitions: [], origin, ...base };
  const data = soa.rr.rdata;
  const nsTtl = Math.min(...ns.map((r) => r.rr.ttl));
  const nameservers: Written[] = ns.map((r) => ({ text: r.rr.rdata.kind === 'NS' ? nameToText(r.rr.rdata.target) : '', at: place(r.namesAt[0] ?? r.at) }));
  const primary = nameToText(data.mname);
  const soaSpec: SoaSpec = {
    at: place(soa.at),
    rname: data.rname,
    serial: data.serial,
    // A zone file's serial is the operator's: fixed, and an error when it goes back.
    serialPolicy: 'fixed',
    serialAt: place(soa.at),
    refresh: data.refresh,
    retry: data.retry,
    expire: data.expire,
    negativeTtl: data.minimum,
    ...(primary !== nameservers[0]?.text ? { primary: { text: primary, at: place(soa.namesAt[0] ?? soa.at) } } : {}),
    ...(soa.rr.ttl !== nsTtl ? { ttl: soa.rr.ttl } : {}),
  };
  const records: RecordLine[] = parsed.records
    .filter((r) => r.rr.type !== RRType.SOA && !atApex(r, RRType.NS))
    .map((r) => {
      const at = place(r.at);
      const target = rdataTarget(r.rr.rdata);
      const i = target ? rdataNames(r.rr.rdata).findIndex((n) => n.key === target.key) : -1;
      // Read again by the definition's records: reader, so every check of a records: line applies.
      return { text: formatRecord(r.rr), at, atCol: () => at, ...(i >= 0 && r.namesAt[i] ? { targetAt: place(r.namesAt[i]) } : {}) };
    });
  const def: Definition = {
    file,
    zones: [origin],
    signed: options.dnssec ?? false,
    zoneAt: [top],
    listed: false,
    bases: [],
    at: top,
    broken: diagnostics.some((d) => d.severity === 'error'),
    hasContent: true,
    ttl: nsTtl,
    nameservers,
    soa: soaSpec,
    hosts: [],
    mx: [],
    services: [],
    aliases: [],
    records,
    zoneFile: true,
  };
  return { definitions: [def], origin, ...base };
}
