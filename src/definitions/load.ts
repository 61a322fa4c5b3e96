// One file's text → definitions (one per YAML document) and the problems found on the way.
// Checks here are the ones that do not depend on which zone the content lands in.

import { isMap, isScalar, LineCounter, parseAllDocuments, type Document, type Scalar } from 'yaml';
import { isIP } from '../dns/ip.js';
import { isNameError, parseName, ROOT, type Name } from '../dns/name.js';
import { MAX_TTL } from '../dns/records.js';
import { readAutoconfig } from './autoconfig.js';
import { readExternal } from './external.js';
import { readGroup, readNotify, readTransfer, type ReplicationSpec } from './replication.js';
import { error, warning, type At, type Diagnostic } from './diagnostics.js';
import { FieldReader, type Entry } from './fields.js';
import { readServices } from './load-services.js';
import { extend } from './extend.js';
import { defaultSoa, readSoa } from './load-soa.js';
import {
  DEFAULT_TTL,
  MX_KEYS,
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
import { parseSimpleYaml } from './simple-yaml.js';
import { scalarColumns, Source } from './source.js';

const EMPTY = "the file is empty: a definition needs at least 'zone:' and 'nameservers:'";
/** Paths for problems that belong to no key: the file as a whole, and YAML syntax. */
const FILE = '(file)';
const YAML = '(yaml)';

/** The definition an `extends:` names, or why there is none (missing, broken, a cycle). */
export type BaseResolver = (name: string) => { readonly definition: Definition } | { readonly error: string };

export interface ParseOptions {
  /** Read plain YAML without the full parser (simple-yaml.ts); on by default, same result either way. */
  readonly simple?: boolean;
  /** The configuration's http.host: where `autoconfig: on` points when its block names no host. */
  readonly httpHost?: string;
  /** The configured TSIG keys' names (Name.key): what `transfer:` and `notify:` may name. */
  readonly tsigKeys?: ReadonlySet<string>;
  /** The configuration's `external` domains, trusted by every definition (external.ts). */
  readonly external?: readonly string[];
  /** Finds what `extends: NAME` names (the caller reads files); without it, `extends:` is an error. */
  readonly base?: BaseResolver;
  /** Which YAML document of the file is read (0 for the first): names a shared key set. */
  readonly document?: number;
  /** The configuration's dnssec.enabled: whether a definition that does not say is signed. */
  readonly dnssec?: boolean;
}

/** What reading a definition needs beyond its YAML. */
interface ReadContext {
  readonly mtimeMs: number;
  readonly options: ParseOptions;
}

export function parseDefinitionFile(
  file: string,
  text: string,
  mtimeMs: number,
  options: ParseOptions = {},
): { definitions: Definition[]; diagnostics: Diagnostic[] } {
  // Plain YAML, with no problem at all, is read without the full parser; anything else with it,
  // so every message about a file comes from one reading of it.
  const ctx: ReadContext = { mtimeMs, options };
  const simple = options.simple === false ? undefined : parseSimpleYaml(text);
  if (simple) {
    const diagnostics: Diagnostic[] = [];
    const def = readDefinition(new FieldReader(new Source(file, text, simple.lines), undefined, diagnostics), simple.contents, ctx);
    if (def && diagnostics.length === 0) return { definitions: [def], diagnostics };
  }
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
  const src = new Source(file, text, lines);
  const diagnostics: Diagnostic[] = [];
  const definitions: Definition[] = [];
  if (docs.length === 0) diagnostics.push(error(src.atOffset(0, FILE), EMPTY));
  for (const [document, doc] of docs.entries()) {
    diagnostics.push(...yamlErrors(src, doc.errors));
    for (const w of doc.warnings) diagnostics.push(warning(src.atOffset(w.pos[0], YAML), w.message));
    const def = doc.errors.length ? zonesOnly(src, doc, ctx) : readDefinition(new FieldReader(src, doc, diagnostics), doc.contents, { ...ctx, options: { ...ctx.options, document } });
    if (def) definitions.push(def);
  }
  return { definitions, diagnostics };
}

function yamlMessage(message: string): string {
  // '@' is reserved in YAML, and it is the apex here: the likeliest syntax error of all.
  if (message.includes('reserved character @')) return `${message}: quote it, as in '@': 192.0.2.1`;
  return message;
}

/** The parser's errors that come of a line indented wrongly (or with a tab). */
const INDENTATION = new Set(['BAD_INDENT', 'BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY', 'TAB_AS_INDENT']);

/**
 * The YAML errors as diagnostics. One line indented wrongly makes the parser report two or three
 * errors, on the line before it ("Nested mappings are not allowed in compact mappings",
 * "Implicit keys need to be on a single line"): they become one, on the line itself, saying so.
 */
function yamlErrors(src: Source, errors: readonly { code: string; message: string; pos: [number, number] }[]): Diagnostic[] {
  const lineOf = (offset: number): number => src.atOffset(offset, YAML).line;
  const bad = new Map<number, boolean>(); // line → indented with a tab
  const spans: [number, number][] = [];
  const isIndentation = (e: { code: string; message: string }): boolean =>
    INDENTATION.has(e.code) && !(e.code === 'BAD_INDENT' && /^Flow /.test(e.message)); // an unclosed [ or {
  // "Nested mappings are not allowed in compact mappings" comes with the multi-line key it
  // starts, which spans to the line that went wrong: that one says where.
  const multiline = errors.filter((e) => e.code === 'MULTILINE_IMPLICIT_KEY');
  for (const e of errors) {
    if (!isIndentation(e)) continue;
    if (e.code === 'BLOCK_AS_IMPLICIT_KEY' && multiline.some((m) => m.pos[0] <= e.pos[0] && e.pos[0] < m.pos[1])) continue;
    // A multi-line implicit key spans from the key's line to the line that went wrong.
    const line = e.code === 'MULTILINE_IMPLICIT_KEY' ? lineOf(Math.max(e.pos[0], e.pos[1] - 1)) : lineOf(e.pos[0]);
    bad.set(line, (bad.get(line) ?? false) || e.code === 'TAB_AS_INDENT');
    spans.push([lineOf(e.pos[0]), lineOf(Math.max(e.pos[0], e.pos[1] - 1))]);
  }
  const out: Diagnostic[] = [];
  for (const [line, tab] of [...bad].sort((a, b) => a[0] - b[0])) {
    const text = src.text.split('\n', line)[line - 1] ?? '';
    const col = text.length - text.trimStart().length + 1;
    const shown = text.trim().length > 60 ? `${text.trim().slice(0, 57)}...` : text.trim();
    const why = tab
      ? 'a tab is not indentation in YAML: indent with spaces'
      : 'the entries of one mapping or list start in the same column, and what belongs under a key is indented more than the key';
    out.push(error({ file: src.file, line, col, path: YAML }, `indentation of line ${line} ('${shown}'): ${why}`));
  }
  for (const e of errors) {
    if (isIndentation(e)) continue;
    const line = lineOf(e.pos[0]);
    if (spans.some(([from, to]) => line >= from && line <= to)) continue; // the same mistake again
    out.push(error(src.atOffset(e.pos[0], YAML), yamlMessage(e.message)));
  }
  return out;
}

/**
 * A document YAML could not parse still names its zones, as far as they can be read: they stay
 * "defined here" (and unserved), so a second definition elsewhere is not taken as the only one.
 */
function zonesOnly(src: Source, doc: Document, ctx: ReadContext): Definition | undefined {
  const def = readDefinition(new FieldReader(src, doc, []), doc.contents, { mtimeMs: 0, options: { ...ctx.options, base: undefined } });
  return def && { ...def, broken: true, hasContent: false };
}

function readDefinition(r: FieldReader, contents: unknown, ctx: ReadContext): Definition | undefined {
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
  const errorsNow = (): number => r.diagnostics.filter((d) => d.severity === 'error').length;
  const { zones, zoneAt, listed, entryErrors } = readZones(r, get('zone'), get('zones'), at);
  const base = readExtends(r, get('extends'), ctx.options.base);
  const ttlEntry = get('ttl');
  const ttl = (ttlEntry && r.ttl(ttlEntry.node, ttlEntry.at, MAX_TTL)) ?? base?.ttl ?? DEFAULT_TTL;
  const soaEntry = get('soa');
  const soa =
    soaEntry && !r.isMissing(soaEntry.node)
      ? readSoa(r, soaEntry, ctx.mtimeMs, base?.soa)
      : defaultSoa(soaEntry?.keyAt ?? { ...at, path: 'soa' }, ctx.mtimeMs, base?.soa);
  const autoconfigEntry = get('autoconfig');
  const autoconfig = autoconfigEntry ? readAutoconfig(r, autoconfigEntry, ctx.options) : base?.autoconfig;
  const replication = readReplication(r, get, ctx.options) ?? base?.replication;
  const dnssecEntry = get('dnssec');
  const dnssec = dnssecEntry ? readOnOff(r, dnssecEntry, "'on' (sign the zone, keys in the state directory) or 'off'") : base?.dnssec;
  const denialEntry = get('denial');
  const denial = denialEntry ? readDenial(r, denialEntry) : base?.denial;
  const nameserversEntry = get('nameservers');
  const own: Omit<Definition, 'broken'> = {
    file: r.src.file,
    zones,
    zoneAt,
    listed,
    bases: base ? [base.file, ...base.bases] : [],
    at,
    hasContent: true,
    ttl,
    nameservers: base && !nameserversEntry ? base.nameservers : readNameservers(r, nameserversEntry, at),
    soa,
    hosts: section(r, get('hosts'), (e) => readHosts(r, e)),
    mx: section(r, get('mx'), (e) => readMx(r, e)),
    services: section(r, get('services'), (e) => readServices(r, e.node, e.at)),
    aliases: section(r, get('aliases'), (e) => readAliases(r, e)),
    records: section(r, get('records'), (e) => readRecords(r, e)),
    ...(autoconfig ? { autoconfig } : {}),
    ...(get('external') || !base?.external ? external(r, get('external'), ctx.options.external) : { external: base.external }),
    ...(replication ? { replication } : {}),
    ...(dnssec !== undefined ? { dnssec } : {}),
    signed: dnssec ?? ctx.options.dnssec ?? false,
    ...(denial !== undefined ? { denial } : {}),
    ...(get('zones') ? { keyset: sharedKeyset(r.src.file, ctx.options.document ?? 0) } : {}),
  };
  const def = base ? extend(base, own, { mx: get('mx') !== undefined }) : own;
  // An entry of a zones: list with an error leaves that zone out, not the whole list.
  const broken = errorsNow() - entryErrors > errorsBefore;
  return compacted({ ...def, broken });
}

/** The definition `extends:` names; undefined (after an error) when there is none to use. */
function readExtends(r: FieldReader, e: Entry | undefined, resolve: BaseResolver | undefined): Definition | undefined {
  if (!e) return undefined;
  const name = r.text(e.node, e.at, 'the name of a definition file in the zones directory, e.g. extends: provider.yaml', false);
  if (!name) return undefined;
  if (name.text.includes('/') || name.text.startsWith('.') || !/\.ya?ml$/i.test(name.text)) {
    r.error(name.at, `'${name.text}' is not a definition file of this directory: name one, e.g. extends: provider.yaml`);
    return undefined;
  }
  if (!resolve) {
    r.error(name.at, `extends: is read only when loading a zones directory`);
    return undefined;
  }
  const found = resolve(name.text);
  if ('error' in found) {
    r.error(name.at, found.error);
    return undefined;
  }
  return found.definition;
}

/** `external:` with the configuration's list, as a key of the definition only when there is one. */
function external(r: FieldReader, e: Entry | undefined, global: readonly string[] | undefined): { external?: readonly Name[] } {
  const list = readExternal(r, e, global);
  return list.length ? { external: list } : {};
}

/** `transfer:`, `notify:`, `group:`; undefined when none is written. */
function readReplication(r: FieldReader, get: (k: string) => Entry | undefined, options: ParseOptions): ReplicationSpec | undefined {
  const [t, n, g] = [get('transfer'), get('notify'), get('group')];
  if (!t && !n && !g) return undefined;
  const transfer = t && !r.isMissing(t.node) ? readTransfer(r, t, options) : undefined;
  const notify = n && !r.isMissing(n.node) ? readNotify(r, n, options) : undefined;
  const group = g && !r.isMissing(g.node) ? readGroup(r, g) : undefined;
  return Object.freeze({ ...(transfer ? { transfer } : {}), ...(notify ? { notify } : {}), ...(group !== undefined ? { group } : {}) });
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

interface ReadZones {
  zones: Name[];
  zoneAt: At[];
  listed: boolean;
  /** Errors in entries of a `zones:` list, each leaving out that entry alone. */
  entryErrors: number;
}

function readZones(r: FieldReader, zone: Entry | undefined, zonesEntry: Entry | undefined, at: At): ReadZones {
  if (zone && zonesEntry) {
    r.error(zonesEntry.keyAt, "write either 'zone:' or 'zones:', not both");
    return { zones: [], zoneAt: [], listed: false, entryErrors: 0 };
  }
  if (!zone && !zonesEntry) {
    r.error({ ...at, path: 'zone' }, "missing 'zone:': name the domain this definition serves, e.g. zone: example.com");
    return { zones: [], zoneAt: [], listed: false, entryErrors: 0 };
  }
  const items = zone ? [{ node: zone.node, at: zone.at, path: zone.path }] : r.items(zonesEntry!.node, zonesEntry!.at);
  if (items.length === 0) r.error(zonesEntry!.at, 'the list is empty: give at least one zone');
  const list = zonesEntry !== undefined && items.length > 1;
  const zones: Name[] = [];
  const zoneAt: At[] = [];
  const listed = new Set<string>();
  let entryErrors = 0;
  const entryError = (where: At, message: string): void => {
    r.error(where, list ? `${message}; the other zones of the list are served` : message);
    if (list) entryErrors++;
  };
  for (const item of items) {
    const written = r.text(item.node, item.at, 'a domain name, e.g. example.com', false); // kept as a Name
    if (!written) {
      if (list) entryErrors++;
      continue;
    }
    const parsed = parseName(written.text); // no origin: a zone name is always absolute
    const problem = hostNameProblem(written.text, 'zone');
    if (problem) {
      entryError(written.at, problem);
    } else if (isNameError(parsed)) {
      entryError(written.at, parsed.error);
    } else if (parsed.key === ROOT.key) {
      entryError(written.at, 'the root zone cannot be served here: name a domain, e.g. example.com');
    } else if (listed.has(parsed.key)) {
      r.warning(written.at, `${written.text} is listed twice: it is served once; remove one`);
    } else {
      listed.add(parsed.key);
      zones.push(parsed);
      zoneAt.push(written.at);
    }
  }
  return { zones, zoneAt, listed: zonesEntry !== undefined, entryErrors };
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
