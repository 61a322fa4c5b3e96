// Apple configuration profile (.mobileconfig): one Configuration payload holding a
// com.apple.mail.managed payload and, where the zone offers them, com.apple.caldav.account and
// com.apple.carddav.account. Unsigned: Apple devices show such a profile as "Not Verified".
// Payload UUIDs are derived from the domain and the address, so the same request gets the same
// profile, and installing it again replaces the one installed before.

import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { loginName, type HttpService, type MailSettings } from './model.js';
import { esc } from './xml.js';

export const APPLE_TYPE = 'application/x-apple-aspen-config';

type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };

/** undefined when the zone offers no incoming or no outgoing server: a profile needs both. */
export function appleProfile(m: MailSettings, email: string): string | undefined {
  // Apple Mail takes one incoming and one outgoing server: the most preferred, IMAP over POP3.
  const incoming = m.incoming.find((s) => s.protocol === 'imap') ?? m.incoming[0];
  const outgoing = m.outgoing[0];
  if (!incoming || !outgoing) return undefined;
  const login = loginName(m.username, email);
  const id = reverseDns(m.domain);
  const uuid = (kind: string): string => nameUuid(`${m.domain}\n${email.toLowerCase()}\n${kind}`);
  const content: PlistValue[] = [
    {
      EmailAccountDescription: m.displayName,
      EmailAccountType: incoming.protocol === 'imap' ? 'EmailTypeIMAP' : 'EmailTypePOP',
      EmailAddress: email,
      IncomingMailServerAuthentication: 'EmailAuthPassword',
      IncomingMailServerHostName: incoming.host,
      IncomingMailServerPortNumber: incoming.port,
      // UseSSL is TLS either way: on STARTTLS ports Mail upgrades the connection.
      IncomingMailServerUseSSL: true,
      IncomingMailServerUsername: login,
      OutgoingMailServerAuthentication: 'EmailAuthPassword',
      OutgoingMailServerHostName: outgoing.host,
      OutgoingMailServerPortNumber: outgoing.port,
      OutgoingMailServerUseSSL: true,
      OutgoingMailServerUsername: login,
      OutgoingPasswordSameAsIncomingPassword: true,
      PayloadDescription: `Mail for ${email}`,
      PayloadDisplayName: m.displayName,
      PayloadIdentifier: `${id}.autoconfig.mail`,
      PayloadType: 'com.apple.mail.managed',
      PayloadUUID: uuid('mail'),
      PayloadVersion: 1,
    },
  ];
  const dav = (prefix: 'CalDAV' | 'CardDAV', d: HttpService): void => {
    content.push({
      [`${prefix}AccountDescription`]: `${m.displayName} (${prefix === 'CalDAV' ? 'calendars' : 'contacts'})`,
      [`${prefix}HostName`]: d.host,
      [`${prefix}Port`]: d.port,
      [`${prefix}PrincipalURL`]: d.path,
      [`${prefix}UseSSL`]: d.tls,
      [`${prefix}Username`]: login,
      PayloadDescription: `${prefix} for ${email}`,
      PayloadDisplayName: m.displayName,
      PayloadIdentifier: `${id}.autoconfig.${prefix.toLowerCase()}`,
      PayloadType: `com.apple.${prefix.toLowerCase()}.account`,
      PayloadUUID: uuid(prefix),
      PayloadVersion: 1,
    });
  };
  if (m.caldav) dav('CalDAV', m.caldav);
  if (m.carddav) dav('CardDAV', m.carddav);
  const profile: PlistValue = {
    PayloadContent: content,
    PayloadDescription: `Mail, calendars and contacts of ${email}`,
    PayloadDisplayName: m.displayName,
    PayloadIdentifier: `${id}.autoconfig`,
    PayloadRemovalDisallowed: false,
    PayloadType: 'Configuration',
    PayloadUUID: uuid('profile'),
    PayloadVersion: 1,
  };
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n' +
    `<plist version="1.0">\n${plist(profile, 0)}</plist>\n`
  );
}

function plist(v: PlistValue, depth: number): string {
  const pad = '\t'.repeat(depth);
  if (typeof v === 'string') return `${pad}<string>${esc(v)}</string>\n`;
  if (typeof v === 'number') return `${pad}<integer>${v}</integer>\n`;
  if (typeof v === 'boolean') return `${pad}<${v}/>\n`;
  if (Array.isArray(v)) return `${pad}<array>\n${v.map((x) => plist(x, depth + 1)).join('')}${pad}</array>\n`;
  const keys = Object.keys(v).sort();
  return `${pad}<dict>\n${keys.map((k) => `${pad}\t<key>${esc(k)}</key>\n${plist(v[k]!, depth + 1)}`).join('')}${pad}</dict>\n`;
}

/** example.com → com.example: payload identifiers are reverse-DNS. */
function reverseDns(domain: string): string {
  return domain.split('.').reverse().join('.');
}

/** A name-based UUID (RFC 9562 §5.5, version 5: SHA-1) in a namespace of discodns's own. */
const NAMESPACE = Buffer.from('3c1b8c9e5a7d4f0e9b2a6d4c8e1f0a27', 'hex');

export function nameUuid(name: string): string {
  const h = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex').toUpperCase();
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
