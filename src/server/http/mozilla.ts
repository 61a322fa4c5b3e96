// Mozilla autoconfig: the clientConfig XML of draft-ietf-mailmaint-autoconfig-06, as Thunderbird
// (readFromXML), Thunderbird for Android, Evolution, GNOME Online Accounts, KMail, Delta Chat and
// FairEmail read it. The username keeps its placeholder: the client fills it in.

import { usernamePlaceholder, type HttpService, type MailServer, type MailSettings } from './model.js';
import { el, esc } from './xml.js';

export const MOZILLA_TYPE = 'text/xml; charset=utf-8';

export function mozillaXml(m: MailSettings): string {
  const user = usernamePlaceholder(m.username);
  // password-cleartext is right over TLS: the password goes inside the TLS session (draft §"authentication").
  const auth = m.auth === 'oauth2' ? 'OAuth2' : 'password-cleartext';
  const server = (tag: string, type: string, s: MailServer): string =>
    `    <${tag} type="${type}">\n` +
    el(3, 'hostname', s.host) +
    el(3, 'port', s.port) +
    el(3, 'socketType', s.tls ? 'SSL' : 'STARTTLS') +
    el(3, 'authentication', auth) +
    el(3, 'username', user) +
    `    </${tag}>\n`;
  const dav = (tag: string, type: string, s: HttpService): string =>
    `  <${tag} type="${type}">\n` +
    el(2, 'url', s.url) +
    (m.auth === 'oauth2' ? el(2, 'authentication', 'OAuth2') : `    <authentication system="http">Basic</authentication>\n`) +
    el(2, 'username', user) +
    `  </${tag}>\n`;
  let out = `<?xml version="1.0" encoding="UTF-8"?>\n<clientConfig version="1.1">\n  <emailProvider id="${esc(m.domain)}">\n`;
  out += el(2, 'domain', m.domain);
  out += el(2, 'displayName', m.displayName);
  out += el(2, 'displayShortName', m.domain);
  for (const s of m.incoming) out += server('incomingServer', s.protocol, s);
  // JMAP last: a client that takes the first server without looking at its type still gets IMAP or POP3.
  if (m.jmap) {
    out += `    <incomingServer type="jmap">\n` + el(3, 'url', m.jmap.url);
    out += (m.auth === 'oauth2' ? el(3, 'authentication', 'OAuth2') : `      <authentication system="http">Basic</authentication>\n`) + el(3, 'username', user);
    out += `    </incomingServer>\n`;
  }
  for (const s of m.outgoing) out += server('outgoingServer', 'smtp', s);
  out += '  </emailProvider>\n';
  if (m.caldav) out += dav('calendar', 'caldav', m.caldav);
  if (m.carddav) out += dav('addressbook', 'carddav', m.carddav);
  if (m.auth === 'oauth2' && m.issuer) out += `  <oAuth2>\n${el(2, 'issuer', m.issuer)}  </oAuth2>\n`;
  return `${out}</clientConfig>\n`;
}
