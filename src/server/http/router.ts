// One HTTP request → one response, from the snapshot in service. The mail domain comes from the
// e-mail address when the request carries one (query, path or POX body), else from the Host
// header (autoconfig.<domain>, autodiscover.<domain>, ua-auto-config.<domain>, or <domain>).
// A domain not served here with `autoconfig:` on gets 404: never another domain's settings.

import { isNameError, parseName } from '../../dns/name.js';
import type { Snapshot } from '../snapshot.js';
import { appleProfile, APPLE_TYPE } from './apple.js';
import { autodiscoverJson, JSON_TYPE } from './autodiscover-json.js';
import { mailSettings, splitAddress } from './model.js';
import { MOZILLA_TYPE, mozillaXml } from './mozilla.js';
import { paccDocument, PACC_TYPE } from './pacc.js';
import { NS_OUTLOOK, poxError, poxXml, POX_TYPE } from './pox.js';
import { readPoxRequest } from './pox-request.js';
import type { AutoconfigZone } from './publish.js';

export const FORMATS = ['mozilla', 'pox', 'json', 'apple', 'pacc'] as const;
export type Format = (typeof FORMATS)[number];

export interface HttpRequestView {
  readonly method: string;
  /** As sent: origin-form (/path?query) or absolute-form (http://host/path). */
  readonly url: string;
  readonly host: string | undefined;
  /** The body of a POST, already size-capped. */
  readonly body?: string;
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: string | Buffer;
  readonly type: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** For metrics: the format asked for, or 'other'. */
  readonly format: Format | 'other';
  /** For the query log only (log.queries): the address asked about. */
  readonly email?: string;
}

const TEXT = 'text/plain; charset=utf-8';
const LEAD = /^(?:autoconfig|autodiscover|ua-auto-config)\./;

/** Which format a path asks for (letter case ignored: Outlook and others vary it). */
export function formatOf(pathname: string): Format | undefined {
  const p = pathname.toLowerCase();
  if (p === '/mail/config-v1.1.xml' || p === '/.well-known/autoconfig/mail/config-v1.1.xml' || p === '/.well-known/mail-v1.xml') return 'mozilla';
  if (p === '/autodiscover/autodiscover.xml') return 'pox';
  if (p === '/autodiscover/autodiscover.json' || p.startsWith('/autodiscover/autodiscover.json/')) return 'json';
  if ((p.startsWith('/apple/') && p.endsWith('.mobileconfig')) || p === '/apple' || p === '/apple/') return 'apple';
  if (p === '/.well-known/user-agent-configuration.json') return 'pacc';
  return undefined;
}

/** The zones a request may be answered from, by the domain written as text. */
export type ZoneFinder = (domain: string) => AutoconfigZone | undefined;

/** The zones of a snapshot that have `autoconfig:` on. */
export function snapshotZones(snapshot: Snapshot): ZoneFinder {
  return (domain) => byName(snapshot.autoconfig, domain);
}

/** A map by origin key, read with a domain written as text. */
export function byName(zones: ReadonlyMap<string, AutoconfigZone> | undefined, domain: string): AutoconfigZone | undefined {
  if (domain === '' || domain.length > 253) return undefined;
  const n = parseName(domain.endsWith('.') ? domain : `${domain}.`);
  return isNameError(n) ? undefined : zones?.get(n.key);
}

export function route(zones: ZoneFinder, req: HttpRequestView): HttpAnswer {
  let url: URL;
  try {
    url = new URL(req.url, 'http://request.invalid');
  } catch {
    return { status: 400, body: 'bad request target\n', type: TEXT, format: 'other' };
  }
  const format = formatOf(url.pathname);
  if (!format) return { status: 404, body: 'not found\n', type: TEXT, format: 'other' };
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  if (method !== 'GET' && !(method === 'POST' && format === 'pox')) {
    return { status: 405, body: 'method not allowed\n', type: TEXT, format, headers: { allow: format === 'pox' ? 'GET, HEAD, POST' : 'GET, HEAD' } };
  }
  const query = (name: string): string | undefined => {
    for (const [k, v] of url.searchParams) if (k.toLowerCase() === name) return v;
    return undefined;
  };
  let email = query('emailaddress') ?? query('email');
  let schema: string | undefined;
  if (format === 'pox' && method === 'POST') {
    const read = readPoxRequest(req.body ?? '');
    if ('error' in read) return { status: 400, body: `${read.error}\n`, type: TEXT, format };
    email = read.email;
    schema = read.schema;
  }
  if (format === 'apple') email = pathEmail(url.pathname, '/apple/', '.mobileconfig') ?? email;
  if (format === 'json') email = pathEmail(url.pathname, '/autodiscover/autodiscover.json/v1.0/', '') ?? email;

  const found = find(zones, req.host, email);
  if ('status' in found) return { ...found, format, ...(email ? { email } : {}) };
  const { zone, address } = found;
  const seen = address ? { email: address } : {};
  const settings = () => mailSettings(zone.source, zone.spec);
  switch (format) {
    case 'mozilla':
      return { status: 200, body: mozillaXml(settings()), type: MOZILLA_TYPE, format, ...seen };
    case 'pox':
      // Only the Outlook schema is served; an ActiveSync (mobilesync) client gets MS-OXDSCLI's error.
      if (schema !== undefined && schema !== NS_OUTLOOK) return { status: 200, body: poxError(), type: POX_TYPE, format, ...seen };
      return { status: 200, body: poxXml(settings(), address), type: POX_TYPE, format, ...seen };
    case 'json': {
      const j = autodiscoverJson(settings().domain, query('protocol'));
      return { status: j.status, body: j.body, type: JSON_TYPE, format, ...seen };
    }
    case 'apple': {
      if (!address) return { status: 400, body: 'an Apple profile is made for one address: /apple/<address>.mobileconfig, or ?emailaddress=<address>\n', type: TEXT, format };
      if (zone.spec.auth === 'oauth2') return { status: 404, body: 'no Apple profile: a profile cannot carry OAuth 2 for IMAP and SMTP\n', type: TEXT, format, ...seen };
      const m = settings();
      const profile = appleProfile(m, address);
      if (!profile) return { status: 404, body: 'no Apple profile: the domain offers no incoming or no outgoing mail server\n', type: TEXT, format, ...seen };
      const headers = { 'content-disposition': `attachment; filename="${m.domain}.mobileconfig"` };
      return { status: 200, body: profile, type: APPLE_TYPE, headers, format, ...seen };
    }
    case 'pacc':
      return { status: 200, body: paccDocument(settings()), type: PACC_TYPE, format, ...seen };
  }
}

/** The zone for the request: by the address's domain when there is an address, else by Host. */
function find(zones: ZoneFinder, host: string | undefined, email: string | undefined): { zone: AutoconfigZone; address?: string } | { status: number; body: string; type: string } {
  if (email !== undefined) {
    const parts = splitAddress(email);
    if (!parts) return { status: 400, body: 'not an e-mail address\n', type: TEXT };
    const zone = zones(parts.domain);
    return zone ? { zone, address: email } : { status: 404, body: 'no settings for that domain here\n', type: TEXT };
  }
  const name = hostName(host);
  if (name) {
    const stripped = name.replace(LEAD, '');
    const zone = zones(stripped) ?? (stripped !== name ? zones(name) : undefined);
    if (zone) return { zone };
  }
  return { status: 404, body: 'no settings for that domain here\n', type: TEXT };
}

/** The Host header's name: port, brackets and a final dot removed, letters lowered. */
function hostName(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return undefined; // an IPv6 literal names no domain
  return h.replace(/:[0-9]*$/, '').replace(/\.$/, '');
}

/** `/apple/jimi@example.com.mobileconfig` → jimi@example.com (percent-decoded). */
function pathEmail(pathname: string, prefix: string, suffix: string): string | undefined {
  const lower = pathname.toLowerCase();
  if (!lower.startsWith(prefix) || !lower.endsWith(suffix)) return undefined;
  let part: string;
  try {
    part = decodeURIComponent(pathname.slice(prefix.length, pathname.length - suffix.length));
  } catch {
    return undefined;
  }
  return part.includes('@') ? part : undefined;
}
