// What a zone offers a mail client, read from the records the zone serves: the DNS answers and
// the HTTP documents come from the same records, so they cannot drift apart. Every format
// (mozilla.ts, pox.ts, apple.ts, pacc.ts) renders this one model.

import { Buffer } from 'node:buffer';
import type { AutoconfigSpec, UsernameForm } from '../../definitions/autoconfig.js';
import { SERVICES } from '../../definitions/index.js';
import { nameToText, parseName, isNameError, type Name } from '../../dns/name.js';
import type { ResourceRecord } from '../../dns/records.js';
import { RRType } from '../../dns/types.js';

export interface MailServer {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS (RFC 8314); false: STARTTLS. Cleartext is never offered. */
  readonly tls: boolean;
}

export interface IncomingServer extends MailServer {
  readonly protocol: 'imap' | 'pop3';
}

export interface HttpService {
  /** https://host[:port]/path */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly path: string;
}

export interface MailSettings {
  /** The mail domain, without the final dot: example.com */
  readonly domain: string;
  readonly displayName: string;
  readonly username: UsernameForm;
  readonly auth: 'password' | 'oauth2';
  readonly issuer?: string;
  /** Most preferred first: SRV priority, then IMAP before POP3 and implicit TLS first, then as written. */
  readonly incoming: readonly IncomingServer[];
  readonly outgoing: readonly MailServer[];
  readonly caldav?: HttpService;
  readonly carddav?: HttpService;
  readonly jmap?: HttpService;
}

/** What a zone needs to be served over HTTP: its origin, its records and its `autoconfig:`. */
export interface AutoconfigSource {
  readonly origin: Name;
  readonly records: readonly ResourceRecord[];
  readonly autoconfig?: AutoconfigSpec | undefined;
}

// Tie-breaks after SRV priority: the order a client would choose by itself.
const INCOMING = ['imaps', 'imap', 'pop3s', 'pop3'] as const;
const OUTGOING = ['submissions', 'submission'] as const;

interface Offer {
  readonly service: string;
  readonly rank: number;
  readonly priority: number;
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly path?: string;
}

/** The model of zone `z` (which has `autoconfig:` on). */
export function mailSettings(z: AutoconfigSource, spec: AutoconfigSpec): MailSettings {
  const records = z.records;
  const offers = (names: readonly string[]): Offer[] => {
    const out: Offer[] = [];
    names.forEach((service, rank) => {
      const info = SERVICES.get(service)!;
      const owner = parseName(info.label, z.origin);
      if (isNameError(owner)) return;
      const path = records.find((r) => r.owner.key === owner.key && r.rdata.kind === 'TXT')?.rdata;
      const pathText = path?.kind === 'TXT' ? pathOf(path.strings) : undefined;
      for (const r of records) {
        const rd = r.rdata;
        // Target '.' is "not offered" (RFC 6186 §3.4): a service marked off is left out.
        if (r.owner.key !== owner.key || r.type !== RRType.SRV || rd.kind !== 'SRV' || rd.target.labelCount === 0) continue;
        out.push({ service, rank, priority: rd.priority, host: hostText(rd.target), port: rd.port, tls: info.tls, ...(pathText ? { path: pathText } : {}) });
      }
    });
    // Stable: targets of one service and priority keep the order they are written in (weights are for load, not preference).
    return out.sort((a, b) => a.priority - b.priority || a.rank - b.rank);
  };
  const unique = <T extends MailServer>(list: T[]): T[] => {
    const seen = new Set<string>();
    return list.filter((s) => {
      const key = `${(s as Partial<IncomingServer>).protocol ?? 'smtp'} ${s.host} ${s.port} ${s.tls}`;
      return !seen.has(key) && seen.add(key) !== undefined;
    });
  };
  const incoming = unique(offers(INCOMING).map((o): IncomingServer => ({ protocol: o.service.startsWith('imap') ? 'imap' : 'pop3', host: o.host, port: o.port, tls: o.tls })));
  const outgoing = unique(offers(OUTGOING).map((o): MailServer => ({ host: o.host, port: o.port, tls: o.tls })));
  const domain = hostText(z.origin);
  const caldav = http(offers(['caldavs', 'caldav']), 'caldav');
  const carddav = http(offers(['carddavs', 'carddav']), 'carddav');
  const jmap = http(offers(['jmap']), 'jmap');
  return {
    domain,
    displayName: spec.displayName ?? domain,
    username: spec.username,
    auth: spec.auth,
    ...(spec.issuer ? { issuer: spec.issuer } : {}),
    incoming,
    outgoing,
    ...(caldav ? { caldav } : {}),
    ...(carddav ? { carddav } : {}),
    ...(jmap ? { jmap } : {}),
  };
}

/** The preferred HTTP(S) service of a kind; without a path= TXT, its well-known URL (RFC 6764 §5, RFC 8620 §2.2). */
function http(offers: readonly Offer[], wellKnown: string): HttpService | undefined {
  // TLS first, whatever the priorities say: credentials never go over plain HTTP by our advice.
  const o = offers.find((x) => x.tls) ?? offers[0];
  if (!o) return undefined;
  const path = o.path ?? `/.well-known/${wellKnown}`;
  const scheme = o.tls ? 'https' : 'http';
  const port = o.port === (o.tls ? 443 : 80) ? '' : `:${o.port}`;
  return { url: `${scheme}://${o.host}${port}${path}`, host: o.host, port: o.port, tls: o.tls, path };
}

function pathOf(strings: readonly Buffer[]): string | undefined {
  const text = Buffer.concat(strings).toString('utf8');
  return text.startsWith('path=') ? text.slice(5) : undefined;
}

/** A name as clients write a host: no final dot. */
export function hostText(n: Name): string {
  return nameToText(n).replace(/\.$/, '');
}

/** The parts of an address: local part and domain; undefined unless it is one. */
export function splitAddress(email: string): { local: string; domain: string } | undefined {
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1 || email.length > 320 || /[\s<>"&\\]/.test(email)) return undefined;
  return { local: email.slice(0, at), domain: email.slice(at + 1).toLowerCase().replace(/\.$/, '') };
}

/** The login name for an address, when the address is known (POX, Apple). */
export function loginName(form: UsernameForm, email: string): string {
  const parts = splitAddress(email);
  const local = parts?.local ?? email;
  const domain = parts?.domain ?? '';
  switch (form.kind) {
    case 'email':
      return email;
    case 'localpart':
      return local;
    default:
      return form.template.replace(/%EMAILADDRESS%/g, email).replace(/%EMAILLOCALPART%/g, local).replace(/%EMAILDOMAIN%/g, domain);
  }
}

/** The login name with the draft's placeholders, for documents that carry them (Mozilla). */
export function usernamePlaceholder(form: UsernameForm): string {
  return form.kind === 'email' ? '%EMAILADDRESS%' : form.kind === 'localpart' ? '%EMAILLOCALPART%' : form.template;
}
