// Zones written as zone-file text, for table-driven tests: `origin` then one record per line.

import { buildCatalog, type Catalog } from '../../src/dns/catalog.js';
import { lookup } from '../../src/dns/lookup.js';
import { isNameError, name, type Name } from '../../src/dns/name.js';
import { formatRecord, parseRecordLine } from '../../src/dns/presentation.js';
import type { ResourceRecord, RRset } from '../../src/dns/records.js';
import { typeFromText } from '../../src/dns/types.js';
import { buildZone } from '../../src/dns/zone.js';
import { buildSnapshot, type Snapshot } from '../../src/server/snapshot.js';

export function recordsFromText(origin: Name, text: string): ResourceRecord[] {
  const out: ResourceRecord[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith(';')) continue;
    const rr = parseRecordLine(line, origin, 3600);
    if ('error' in rr) throw new Error(`test zone line '${line}': ${rr.error}`);
    out.push(rr);
  }
  return out;
}

export function zonesFromText(zones: Record<string, string>): { origin: Name; records: ResourceRecord[] }[] {
  return Object.entries(zones).map(([o, text]) => {
    const origin = name(o);
    return { origin, records: recordsFromText(origin, text) };
  });
}

export function catalogFromText(zones: Record<string, string>): Catalog {
  return buildCatalog(zonesFromText(zones).map((z) => buildZone(z.origin, z.records)));
}

export function snapshotFromText(zones: Record<string, string>, cacheSize = 100): Snapshot {
  return buildSnapshot(zonesFromText(zones), cacheSize);
}

/** RRsets as sorted zone-file lines, the form expectations are written in. */
export function linesOf(rrsets: readonly RRset[]): string[] {
  return rrsets
    .flatMap((s) => s.rdatas.map((rdata) => formatRecord({ owner: s.owner, type: s.type, ttl: s.ttl, rdata })))
    .map((l) => l.replace(/\t/g, ' '))
    .sort();
}

export interface LookupCase {
  qname: string;
  qtype: string;
  kind: 'answer' | 'nodata' | 'nxdomain' | 'refused';
  answer?: string[];
  authority?: string[];
  additional?: string[];
}

/** Runs one table row: lookup, then the kind and every section as sorted zone-file lines. */
export function runLookup(catalog: Catalog, c: LookupCase) {
  const qname = name(c.qname);
  if (isNameError(qname)) throw new Error('bad qname');
  const qtype = typeFromText(c.qtype);
  if (qtype === undefined) throw new Error(`bad qtype ${c.qtype}`);
  const r = lookup(catalog, qname.key, qtype);
  return {
    kind: r.kind,
    answer: r.kind === 'refused' ? [] : linesOf(r.answer),
    authority: r.kind === 'nodata' || r.kind === 'nxdomain' ? linesOf([r.authority]) : [],
    additional: r.kind === 'answer' ? linesOf(r.additional) : [],
  };
}

export const EXAMPLE_ZONE = `
@ 3600 SOA ns1 hostmaster 2026112401 7200 3600 1209600 300
@ 3600 NS ns1
@ 3600 NS ns2.example.net.
@ MX 10 mail
@ TXT "v=spf1 mx -all"
ns1 A 192.0.2.53
mail A 192.0.2.10
mail AAAA 2001:db8::10
dav A 192.0.2.30
_imaps._tcp SRV 0 1 993 mail
_imaps._tcp SRV 0 5 993 imap2.example.net.
_submissions._tcp SRV 0 1 465 mail
_imap._tcp SRV 0 0 0 .
_caldavs._tcp SRV 0 1 443 dav
_caldavs._tcp TXT "path=/dav/calendars/"
autoconfig CNAME mail
autodiscover CNAME mail
outside CNAME mail.example.net.
loop1 CNAME loop2
loop2 CNAME loop1
dangling CNAME nothere
_dmarc 300 TXT "v=DMARC1; p=reject"
`;
