// The `autoconfig:` key: serve the HTTP auto-configuration documents for the zone (server/http/)
// and publish the names that lead clients to them. `services:` stay the one source of hosts and
// ports; this block says only what HTTP needs beyond them, and everything has a default.
//
//   autoconfig: on
//   autoconfig: { display-name: Example Mail, username: email|localpart|'%EMAILLOCALPART%@corp.example',
//                 auth: password|oauth2, oauth2: { issuer: https://login.example.com }, host: web }

import { isScalar } from 'yaml';
import { isIP } from '../dns/ip.js';
import { isNameError, nameToText, parseName, type Name } from '../dns/name.js';
import type { RData } from '../dns/records.js';
import { RRType } from '../dns/types.js';
import { error, warning, where, type At, type Diagnostic } from './diagnostics.js';
import type { Sourced } from './expand.js';
import type { Entry, FieldReader, YNode } from './fields.js';
import { hostNameProblem, type Resolver } from './names.js';
import type { Address, Written } from './schema.js';
import { SERVICES } from './services.js';
import type { Shared } from './shared.js';

export const AUTOCONFIG_KEYS = ['display-name', 'username', 'auth', 'oauth2', 'host'] as const;
export const OAUTH2_KEYS = ['issuer'] as const;

/** The names that lead clients to the HTTP responder (owner label → who asks for it). */
export const LEAD_LABELS = ['autoconfig', 'autodiscover', 'ua-auto-config'] as const;
/** The PACC digest's owner: published by the server, which alone can hash the document it serves. */
export const PACC_TXT_LABEL = '_ua-auto-config';

/** Placeholders a username template may hold (draft-ietf-mailmaint-autoconfig, "Placeholders"). */
export const PLACEHOLDERS = ['%EMAILADDRESS%', '%EMAILLOCALPART%', '%EMAILDOMAIN%'] as const;

export type UsernameForm = { readonly kind: 'email' } | { readonly kind: 'localpart' } | { readonly kind: 'template'; readonly template: string };

/** Where the generated names point: a host name (read in each zone, as any name), or addresses. */
export type AutoconfigHost =
  | { readonly kind: 'name'; readonly name: Written; readonly fromConfig: boolean }
  | { readonly kind: 'addresses'; readonly addresses: readonly Address[]; readonly at: At; readonly fromConfig: boolean };

export interface AutoconfigSpec {
  /** Where `autoconfig:` is written. */
  readonly at: At;
  /** Shown by clients as the provider's name; default: the zone's own name. */
  readonly displayName?: string;
  readonly username: UsernameForm;
  readonly auth: 'password' | 'oauth2';
  /** OAuth 2 issuer identifier (RFC 8414), with auth: oauth2. */
  readonly issuer?: string;
  /** Undefined only after an error (no host in the block nor in the configuration). */
  readonly host?: AutoconfigHost;
}

/** The configuration's http.host, given to the reader: the host when a block names none. */
export interface AutoconfigDefaults {
  readonly httpHost?: string;
}

const ON_OFF = "'on', 'off', or a block such as { display-name: Example Mail, host: web }";

/** `autoconfig:` → the spec, undefined when off (or unreadable: the error is reported). */
export function readAutoconfig(r: FieldReader, e: Entry, defaults: AutoconfigDefaults): AutoconfigSpec | undefined {
  const node = e.node;
  const at = e.keyAt;
  if (isScalar(node) && (node.value === true || node.value === 'on')) return withHost(r, { at, username: { kind: 'email' }, auth: 'password' }, undefined, defaults);
  if (isScalar(node) && (node.value === false || node.value === 'off')) return undefined;
  const fields = r.entries(node, e.at, ON_OFF, AUTOCONFIG_KEYS);
  if (!fields) return undefined;
  const get = (k: string): Entry | undefined => fields.find((f) => f.key === k);
  const displayEntry = get('display-name');
  const display = displayEntry && r.text(displayEntry.node, displayEntry.at, 'a name for clients to show, e.g. Example Mail');
  if (display && /[\x00-\x1f\x7f]/.test(display.text)) r.error(display.at, 'display-name has a control character: write it on one line');
  const auth = readAuth(r, get('auth'));
  const issuer = readIssuer(r, get('oauth2'), auth, at);
  const spec: AutoconfigSpec = {
    at,
    username: readUsername(r, get('username')),
    auth,
    ...(display ? { displayName: display.text } : {}),
    ...(issuer ? { issuer } : {}),
  };
  return withHost(r, spec, get('host'), defaults);
}

function withHost(r: FieldReader, spec: AutoconfigSpec, e: Entry | undefined, defaults: AutoconfigDefaults): AutoconfigSpec {
  const host = e ? readHost(r, e.node, e.at, false) : defaults.httpHost ? readHost(r, null, spec.at, true, defaults.httpHost) : undefined;
  if (!e && !defaults.httpHost) {
    r.error(spec.at, "autoconfig is on, but nothing says where clients reach the HTTP responder: add 'host: <name or address>' here (autoconfig: { host: web }), or set http.host in the configuration (discodns check --config FILE reads it)");
  }
  return host ? { ...spec, host } : spec;
}

/** A host name, an address, or a list of addresses; `configured` is http.host's text. */
function readHost(r: FieldReader, node: YNode | null, at: At, fromConfig: boolean, configured?: string): AutoconfigHost | undefined {
  const texts: Written[] = [];
  if (configured !== undefined) {
    // http.host is a name outside any one zone: always absolute.
    const text = isIP(configured) !== 0 || configured.endsWith('.') ? configured : `${configured}.`;
    texts.push({ text, at });
  } else {
    for (const item of r.items(node, at)) {
      const w = r.text(item.node, item.at, 'a host name or an address');
      if (w) texts.push(w);
    }
    if (texts.length === 0) return undefined;
  }
  const addresses: Address[] = [];
  for (const t of texts) {
    const family = isIP(t.text);
    if (family !== 0) addresses.push({ text: t.text, family, at: t.at });
  }
  if (addresses.length === 0 && texts.length === 1) {
    const problem = hostNameProblem(texts[0]!.text, 'target');
    if (problem) {
      r.error(texts[0]!.at, problem);
      return undefined;
    }
    return { kind: 'name', name: texts[0]!, fromConfig };
  }
  if (addresses.length !== texts.length) {
    r.error(at, 'host is one host name, or one or more addresses (IPv4 and IPv6), not a mix');
    return undefined;
  }
  return { kind: 'addresses', addresses, at, fromConfig };
}

function readUsername(r: FieldReader, e: Entry | undefined): UsernameForm {
  if (!e) return { kind: 'email' };
  const w = r.text(e.node, e.at, "'email', 'localpart', or a template such as '%EMAILLOCALPART%@corp.example'");
  if (!w || w.text === 'email') return { kind: 'email' };
  if (w.text === 'localpart') return { kind: 'localpart' };
  const unknown = (w.text.match(/%[A-Za-z]*%/g) ?? []).find((p) => !(PLACEHOLDERS as readonly string[]).includes(p));
  if (unknown) {
    r.error(w.at, `unknown placeholder ${unknown}: a username template may use ${PLACEHOLDERS.join(', ')}`);
  } else if (/[\s<>&"]/.test(w.text)) {
    r.error(w.at, `a username has no spaces, quotes, '<', '>' or '&': write e.g. '%EMAILLOCALPART%@corp.example'`);
  }
  return { kind: 'template', template: w.text };
}

function readAuth(r: FieldReader, e: Entry | undefined): 'password' | 'oauth2' {
  if (!e) return 'password';
  const w = r.text(e.node, e.at, "'password' or 'oauth2'");
  if (w && w.text !== 'password' && w.text !== 'oauth2') r.error(w.at, `auth is 'password' (the default) or 'oauth2', not '${w.text}'`);
  return w?.text === 'oauth2' ? 'oauth2' : 'password';
}

function readIssuer(r: FieldReader, e: Entry | undefined, auth: 'password' | 'oauth2', at: At): string | undefined {
  if (!e) {
    if (auth === 'oauth2') r.error(at, "auth: oauth2 needs the issuer clients log in at: add oauth2: { issuer: https://login.example.com }");
    return undefined;
  }
  if (auth !== 'oauth2') r.warning(e.keyAt, "oauth2: is read only with auth: oauth2; add that, or remove this");
  const fields = r.entries(e.node, e.at, 'a mapping such as { issuer: https://login.example.com }', OAUTH2_KEYS) ?? [];
  const f = fields.find((x) => x.key === 'issuer');
  if (!f) {
    r.error(e.at, "missing 'issuer:': the OAuth 2 issuer identifier, e.g. https://login.example.com (RFC 8414)");
    return undefined;
  }
  const w = r.text(f.node, f.at, 'an https URL, e.g. https://login.example.com');
  if (!w) return undefined;
  let ok = false;
  try {
    const u = new URL(w.text);
    ok = u.protocol === 'https:' && u.search === '' && u.hash === '' && !/[\s<>&"]/.test(w.text);
  } catch {
    ok = false;
  }
  if (!ok) r.error(w.at, `issuer is an https URL without query or fragment (RFC 8414 §2), e.g. https://login.example.com, not '${w.text}'`);
  return ok ? w.text : undefined;
}

/** What expandAutoconfig needs of the zone's expansion (definitions/expand.ts). */
export interface AutoconfigExpansion {
  readonly origin: Name;
  readonly ttl: number;
  /** The records expanded so far: everything else the definition writes. */
  readonly records: readonly Sourced[];
  readonly diagnostics: Diagnostic[];
  readonly resolve: Resolver;
  readonly shared: Shared;
  add(owner: Name, rdata: RData, at: At, targetAt?: At): void;
  /** Whether the definition writes `services.autodiscover` (then its SRV stands as written). */
  readonly writesAutodiscover: boolean;
}

/**
 * The records `autoconfig:` adds to zone `origin`: `autoconfig`, `autodiscover` and
 * `ua-auto-config` as a CNAME to the host (or its A/AAAA), and `_autodiscover._tcp` SRV 443 to
 * it. A name the definition already writes the same way is left as written; written otherwise,
 * it is an error that says which to keep. `_ua-auto-config` TXT is the server's to publish.
 */
export function expandAutoconfig(spec: AutoconfigSpec, x: AutoconfigExpansion): void {
  const host = spec.host;
  if (!host) return;
  const origin = x.origin;
  const hostAt = host.kind === 'name' ? host.name.at : host.at;
  const targetAt = host.fromConfig ? spec.at : hostAt;
  const lead = LEAD_LABELS.map((label) => x.resolve(label, origin));
  let target: Name | undefined;
  if (host.kind === 'name') {
    const t = x.resolve(host.name.text, origin);
    if (isNameError(t)) {
      x.diagnostics.push(error(targetAt, `host ${host.name.text}: ${t.error}`));
      return;
    }
    if (lead.some((n) => !isNameError(n) && n.key === t.key)) {
      x.diagnostics.push(error(targetAt, `host cannot be ${nameToText(t)}: that is one of the names that lead clients to it; name the web server itself`));
      return;
    }
    target = t;
  }
  const addresses = host.kind === 'addresses' ? host.addresses : [];
  const wanted: RData[] = target ? [{ kind: 'CNAME', target }] : addresses.map((a) => x.shared.address(a.text, a.family));
  const shown = target ? `CNAME ${nameToText(target)}` : `${addresses.length > 1 ? 'the addresses' : 'the address'} ${addresses.map((a) => a.text).join(', ')}`;
  // The definition is one file: its own lines are named by number.
  const line = `'autoconfig:' (line ${spec.at.line})`;
  for (const owner of lead) {
    if (isNameError(owner)) {
      x.diagnostics.push(error(spec.at, `autoconfig in zone ${nameToText(origin)}: ${owner.error}`));
      continue;
    }
    const written = x.records.filter((s) => s.rr.owner.key === owner.key);
    if (written.length === 0) {
      for (const rd of wanted) x.add(owner, rd, spec.at, target ? targetAt : undefined);
    } else if (!sameData(written, wanted)) {
      const first = written[0]!;
      x.diagnostics.push(
        error(first.at, `${nameToText(owner)} is published by ${line} as ${shown}; remove this, or set autoconfig.host to where this points`),
      );
    }
  }
  const paccTxt = x.resolve(PACC_TXT_LABEL, origin);
  if (!isNameError(paccTxt)) {
    for (const s of x.records.filter((r) => r.rr.owner.key === paccTxt.key)) {
      x.diagnostics.push(error(s.at, `discodns publishes ${nameToText(paccTxt)} itself (the digest of the PACC document it serves, for ${line}): remove this record`));
    }
  }
  // Outlook's SRV (MS-OXDSCLI 3.1.5.2): to the host itself, or to autodiscover.<zone> for addresses.
  const srvOwner = parseName(SERVICES.get('autodiscover')!.label, origin);
  const srvTarget = target ?? lead[1];
  if (isNameError(srvOwner) || !srvTarget || isNameError(srvTarget)) return;
  const srvs = x.records.filter((s) => s.rr.owner.key === srvOwner.key && s.rr.type === RRType.SRV);
  if (srvs.length === 0 && !x.writesAutodiscover) {
    x.add(srvOwner, { kind: 'SRV', priority: 0, weight: 1, port: SERVICES.get('autodiscover')!.port, target: srvTarget }, spec.at, targetAt);
    return;
  }
  const elsewhere = srvs.find((s) => s.rr.rdata.kind === 'SRV' && s.rr.rdata.target.labelCount > 0 && s.rr.rdata.target.key !== srvTarget.key);
  if (elsewhere && elsewhere.rr.rdata.kind === 'SRV') {
    x.diagnostics.push(
      warning(
        elsewhere.targetAt ?? elsewhere.at,
        `Outlook follows this to ${nameToText(elsewhere.rr.rdata.target)}, not to the autoconfig host ${nameToText(srvTarget)} (${where(spec.at, elsewhere.at)}); remove it to have it generated`,
      ),
    );
  }
}

/** The written records are exactly the ones that would be generated (one alias, or the same addresses). */
function sameData(written: readonly Sourced[], wanted: readonly RData[]): boolean {
  const key = (rd: RData): string => (rd.kind === 'CNAME' ? `CNAME ${rd.target.key}` : rd.kind === 'A' || rd.kind === 'AAAA' ? `${rd.kind} ${rd.bytes.toString('hex')}` : `other`);
  const a = new Set(written.map((s) => key(s.rr.rdata)));
  const b = new Set(wanted.map(key));
  return a.size === b.size && [...a].every((k) => b.has(k));
}
