// One file's text → definitions (one per YAML document) and the problems found on the way.
// Checks here are the ones that do not depend on which zone the content lands in.

import { isMap, isScalar, LineCounter, parseAllDocuments, type Document, type Scalar } from 'yaml';
import { isIP } from '../dns/ip.js';
import { isNameError, parseName, ROOT, type Name } from '../dns/name.js';
import { MAX_TTL } from '../dns/records.js';
import { readAutoconfig } from './autoconfig.js';
import { error, warning, type At, type Diagnostic } from './diagnostics.js';
import { FieldReader, type Entry } from './fields.js';
import { readServices } from './load-services.js';
import { readSoa } from './load-soa.js';
import {
  DEFAULT_TTL,
  MX_KEYS,
  SOA_DEFAULTS,
  TOP_KEYS,
  type Address,
  type AliasSpec,
  type Definition,
  type HostSpec,
  type MxSpec,
  type RecordLine,
  type Written,
} from './schema.js';
import { hostNameProblem } from './names.js';
import { autoSerial } from './serial.js';
import { parseSimpleYaml } from './simple-yaml.js';
import { scalarColumns, Source } from './source.js';

const EMPTY = "the file is empty: a definition needs at least 'zone:' and 'nameservers:'";
/** Paths for problems that belong to no key: the file as a whole, and YAML syntax. */
const FILE = '(file)';
const YAML = '(yaml)';

export interface ParseOptions {
  /** Read plain YAML without the full parser (simple-yaml.ts); on by default, same result either way. */
  readonly simple?: boolean;
  /** The configuration's http.host: where `autoconfig: on` points when its block names no host. */
  readonly httpHost?: string;
  /** Which YAML document of the file is read (0 for the first): names a shared key set. */
  readonly document?: number;
  /** The configuration's dnssec.enabled: whether a definition that does not say is signed. */
  readonly dnssec?: boolean;
}

export function parseDefinitionFile(
  file: string,
  text: string,
  mtimeMs: number,
  options: ParseOptions = {},
): { definitions: Definition[]; diagnostics: Diagnostic[] } {
  // Plain YAML, with no problem at all, is read without the full parser; anything else with it,
  // so every message about a file comes from one reading of it.
  const simple = options.simple === false ? undefined : parseSimpleYaml(text);
  if (simple) {
    const diagnostics: Diagnostic[] = [];
    const def = readDefinition(new FieldReader(new Source(file, text, simple.lines), undefined, diagnostics), simple.contents, mtimeMs, options);
    if (def && diagnostics.length === 0) return { definitions: [def], diagnostics };
  }
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
  const src = new Source(file, text, lines);
  const diagnostics: Diagnostic[] = [];
  const definitions: Definition[] = [];
  if (docs.length === 0) diagnostics.push(error(src.atOffset(0, FILE), EMPTY));
  for (const [document, doc] of docs.entries()) {
    for (const e of doc.errors) diagnostics.push(error(src.atOffset(e.pos[0], YAML), yamlMessage(e.message)));
    for (const w of doc.warnings) diagnostics.push(warning(src.atOffset(w.pos[0], YAML), w.message));
    const def = doc.errors.length ? zonesOnly(src, doc) : readDefinition(new FieldReader(src, doc, diagnostics), doc.contents, mtimeMs, { ...options, document });
    if (def) definitions.push(def);
  }
  return { definitions, diagnostics };
}

function yamlMessage(message: string): string {
  // '@' is reserved in YAML, and it is the apex here: the likeliest syntax error of all.
  if (message.includes('reserved character @')) return `${message}: quote it, as in '@': 192.0.2.1`;
  return message;
}

/**
 * A document YAML could not parse still names its zones, as far as they can be read: they stay
 * "defined here" (and unserved), so a second definition elsewhere is not taken as the only one.
 */
function zonesOnly(src: Source, doc: Document): Definition | undefined {
  const def = readDefinition(new FieldReader(src, doc, []), doc.contents, 0);
  return def && { ...def, broken: true, hasContent: false };
}

function readDefinition(r: FieldReader, contents: unknown, mtimeMs: number, options: ParseOptions = {}): Definition | undefined {
  const errorsBefore = r.diagnostics.filter((d) => d.severity === 'error').length;
  const top = r.deref(contents);
  const at = r.src.at(top, '');
  if (r.isMissing(top)) {
    r.error({ ...at, path: FILE }, EMPTY);
    return undefined;
  }
  if (!isMap(top)) {
    r.error({ ...at, path: FILE }, "a definition is a mapping with keys such as 'zone:' and 'nameservers:', not a list or a single value");
    return undefined;
  }
  const entries = r.entries(top, at, 'a definition', TOP_KEYS);
  if (!entries) return undefined;
  const get = (k: string): Entry | undefined => entries.find((e) => e.key === k);
  const { zones, zoneAt } = readZones(r, get('zone'), get('zones'), at);
  const ttlEntry = get('ttl');
  const ttl = (ttlEntry && r.integer(ttlEntry.node, ttlEntry.at, 0, MAX_TTL, ' of seconds')) ?? DEFAULT_TTL;
  const soaEntry = get('soa');
  const soa =
    soaEntry && !r.isMissing(soaEntry.node)
      ? readSoa(r, soaEntry, mtimeMs)
      : { at: soaEntry?.keyAt ?? { ...at, path: 'soa' }, serial: autoSerial(mtimeMs), ...SOA_DEFAULTS };
  const autoconfigEntry = get('autoconfig');
  const autoconfig = autoconfigEntry && readAutoconfig(r, autoconfigEntry, options);
  const dnssecEntry = get('dnssec');
  const dnssec = dnssecEntry && readOnOff(r, dnssecEntry, "'on' (sign the zone, keys in the state directory) or 'off'");
  const denialEntry = get('denial');
  const denial = denialEntry && readDenial(r, denialEntry);
  const def: Omit<Definition, 'broken'> = {
    file: r.src.file,
    zones,
    zoneAt,
    at,
    hasContent: true,
    ttl,
    nameservers: readNameservers(r, get('nameservers'), at),
    soa,
    hosts: section(r, get('hosts'), (e) => readHosts(r, e)),
    mx: section(r, get('mx'), (e) => readMx(r, e)),
    services: section(r, get('services'), (e) => readServices(r, e.node, e.at)),
    aliases: section(r, get('aliases'), (e) => readAliases(r, e)),
    records: section(r, get('records'), (e) => readRecords(r, e)),
    ...(autoconfig ? { autoconfig } : {}),
    ...(dnssec !== undefined ? { dnssec } : {}),
    signed: dnssec ?? options.dnssec ?? false,
    ...(denial !== undefined ? { denial } : {}),
    ...(get('zones') ? { keyset: sharedKeyset(r.src.file, options.document ?? 0) } : {}),
  };
  const broken = r.diagnostics.filter((d) => d.severity === 'error').length > errorsBefore;
  return compacted({ ...def, broken });
}

/**
 * The definition with every list sized exactly. Definitions are kept between reloads (the
 * server's parse cache, one per file), and a list grown by push keeps room for 17 items.
 */
function compacted(def: Definition): Definition {
  return {
    ...def,
    zones: def.zones.slice(),
    zoneAt: def.zoneAt.slice(),
    nameservers: def.nameservers.slice(),
    hosts: def.hosts.map((h) => ({ ...h, addresses: h.addresses.slice() })),
    mx: def.mx.slice(),
    services: def.services.map((s) => ({ ...s, targets: s.targets.slice() })),
    aliases: def.aliases.slice(),
    records: def.records.slice(),
  };
}

/** An optional section; written with nothing after the key, it is simply empty. */
function section<T>(r: FieldReader, e: Entry | undefined, read: (e: Entry) => T[]): T[] {
  return e && !r.isMissing(e.node) ? read(e) : [];
}

/** `on`/`off` (YAML's true/false too); undefined after an error. */
function readOnOff(r: FieldReader, e: Entry, what: string): boolean | undefined {
  const node = e.node;
  if (isScalar(node) && (node.value === true || (typeof node.value === 'string' && node.value.toLowerCase() === 'on'))) return true;
  if (isScalar(node) && (node.value === false || (typeof node.value === 'string' && node.value.toLowerCase() === 'off'))) return false;
  r.error(e.at, `write ${what}`);
  return undefined;
}

function readDenial(r: FieldReader, e: Entry): 'nsec' | 'compact' | undefined {
  const node = e.node;
  const v = isScalar(node) && typeof node.value === 'string' ? node.value.toLowerCase() : undefined;
  if (v === 'nsec' || v === 'compact') return v;
  r.error(e.at, "write 'nsec' (a precomputed NSEC chain: resolvers answer nonexistent names from their cache) or 'compact' (RFC 9824: no zone walking, one signature per name asked)");
  return undefined;
}

/**
 * The key set of a `zones:` definition: `@` and the file's name without .yaml (and `-N` for
 * the Nth document of a file with several). A name no zone can have, so never a zone's own set.
 */
export function sharedKeyset(file: string, document: number): string {
  const base = file.replace(/^.*\//, '').replace(/\.ya?ml$/i, '');
  return `@${base}${document > 0 ? `-${document + 1}` : ''}`;
}

function readZones(r: FieldReader, zone: Entry | undefined, zonesEntry: Entry | undefined, at: At): { zones: Name[]; zoneAt: At[] } {
  if (zone && zonesEntry) {
    r.error(zonesEntry.keyAt, "write either 'zone:' or 'zones:', not both");
    return { zones: [], zoneAt: [] };
  }
  if (!zone && !zonesEntry) {
    r.error({ ...at, path: 'zone' }, "missing 'zone:': name the domain this definition serves, e.g. zone: example.com");
    return { zones: [], zoneAt: [] };
  }
  const items = zone ? [{ node: zone.node, at: zone.at, path: zone.path }] : r.items(zonesEntry!.node, zonesEntry!.at);
  if (items.length === 0) r.error(zonesEntry!.at, 'the list is empty: give at least one zone');
  const zones: Name[] = [];
  const zoneAt: At[] = [];
  const listed = new Set<string>();
  for (const item of items) {
    const written = r.text(item.node, item.at, 'a domain name, e.g. example.com', false); // kept as a Name
    if (!written) continue;
    const parsed = parseName(written.text); // no origin: a zone name is always absolute
    const problem = hostNameProblem(written.text, 'zone');
    if (problem) {
      r.error(written.at, problem);
    } else if (isNameError(parsed)) {
      r.error(written.at, parsed.error);
    } else if (parsed.key === ROOT.key) {
      r.error(written.at, 'the root zone cannot be served here: name a domain, e.g. example.com');
    } else if (listed.has(parsed.key)) {
      r.error(written.at, `${written.text} is listed twice: remove one`);
    } else {
      listed.add(parsed.key);
      zones.push(parsed);
      zoneAt.push(written.at);
    }
  }
  return { zones, zoneAt };
}

function readNameservers(r: FieldReader, e: Entry | undefined, at: At): Written[] {
  if (!e || r.isMissing(e.node)) {
    const place = e?.at ?? { ...at, path: 'nameservers' };
    r.error(place, 'missing: list the zone\'s nameservers, at least one, e.g. nameservers: [ns1, ns2.example.net.]');
    return [];
  }
  const items = r.items(e.node, e.at);
  if (items.length === 0) r.error(e.at, 'the list is empty: give at least one nameserver');
  return items.flatMap((i) => r.text(i.node, i.at, 'a nameserver host name') ?? []);
}

function readHosts(r: FieldReader, e: Entry): HostSpec[] {
  return (r.entries(e.node, e.at, 'a mapping of names to addresses, e.g. mail: 192.0.2.10') ?? []).map((h) => {
    const items = r.items(h.node, h.at);
    if (items.length === 0) r.error(h.at, 'the list is empty: give at least one address');
    const addresses: Address[] = [];
    for (const i of items) {
      const text = r.text(i.node, i.at, 'an IPv4 or IPv6 address');
      if (!text) continue;
      const family = isIP(text.text);
      if (family === 0) r.error(i.at, `'${text.text}' is not an IPv4 or IPv6 address`);
      else addresses.push({ text: text.text, family, at: i.at });
    }
    return { name: { text: h.key, at: h.keyAt }, addresses };
  });
}

function readMx(r: FieldReader, e: Entry): MxSpec[] {
  const out: MxSpec[] = [];
  r.items(e.node, e.at).forEach((item, i) => {
    // RFC 7505: a null MX ('.') has preference 0; the others go 10, 20, … by position.
    const position = (i + 1) * 10;
    if (!isMap(item.node)) {
      const host = r.text(item.node, item.at, 'a mail host name, or { host, preference }');
      if (host) out.push({ host, preference: host.text === '.' ? 0 : position });
      return;
    }
    const fields = r.entries(item.node, item.at, 'a mail host', MX_KEYS) ?? [];
    const hostEntry = fields.find((f) => f.key === 'host');
    const prefEntry = fields.find((f) => f.key === 'preference');
    if (!hostEntry) r.error(item.at, "missing 'host:': name the mail server, e.g. { host: mail, preference: 10 }");
    const host = hostEntry && r.text(hostEntry.node, hostEntry.at, 'a mail host name');
    const preference = prefEntry ? r.integer(prefEntry.node, prefEntry.at, 0, 0xffff) : host?.text === '.' ? 0 : position;
    if (host && preference !== undefined) out.push({ host, preference });
  });
  const nullMx = out.find((m) => m.host.text === '.');
  if (nullMx && out.length > 1) r.error(nullMx.host.at, "a null MX ('.') says the domain takes no mail, so it must be the only MX (RFC 7505)");
  return out;
}

function readAliases(r: FieldReader, e: Entry): AliasSpec[] {
  return (r.entries(e.node, e.at, 'a mapping of names to their targets, e.g. autoconfig: mail') ?? []).flatMap((a) => {
    const target = r.text(a.node, a.at, 'a target name');
    return target ? [{ name: { text: a.key, at: a.keyAt }, target }] : [];
  });
}

function readRecords(r: FieldReader, e: Entry): RecordLine[] {
  return r.items(e.node, e.at).flatMap((item) => {
    const line = r.text(item.node, item.at, `a record in zone-file syntax, e.g. '@ TXT "v=spf1 mx -all"'`);
    const node = item.node;
    if (!line || !isScalar(node)) return [];
    return [{ text: line.text, at: item.at, atCol: columnsOf(r.src, node, item.path) }];
  });
}

/**
 * Where each column of a scalar is, keeping only what that needs: a closure made inside the
 * readers above would keep the reader, and with it the file's whole YAML tree, alive.
 */
function columnsOf(src: Source, node: Scalar, path: string): (col: number) => At {
  return scalarColumns(src, { range: node.range, type: node.type }, path);
}
