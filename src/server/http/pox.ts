// Autodiscover POX (MS-OXDSCLI): the request's EMailAddress in, the Outlook response schema out,
// as Outlook, eM Client, Thunderbird and Delta Chat read it. Encryption is always given: without
// it Thunderbird guesses TLS or STARTTLS from the port.

import { loginName, type MailServer, type MailSettings } from './model.js';
import { el } from './xml.js';

export const POX_TYPE = 'text/xml; charset=utf-8';
export const NS_REQUEST = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006';
export const NS_RESPONSE = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';
export const NS_OUTLOOK = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';

const HEAD = `<?xml version="1.0" encoding="utf-8"?>\n<Autodiscover xmlns="${NS_RESPONSE}">\n`;

/** The settings for `email` (known from a POST body or the query; without it no LoginName is sent). */
export function poxXml(m: MailSettings, email: string | undefined): string {
  const login = email ? loginName(m.username, email) : undefined;
  // SPA is NTLM or Kerberos; OAuth 2 has no POX element (Outlook learns it from the server itself).
  const protocol = (type: string, s: MailServer, extra = ''): string =>
    '      <Protocol>\n' +
    el(4, 'Type', type) +
    el(4, 'Server', s.host) +
    el(4, 'Port', s.port) +
    el(4, 'DomainRequired', 'off') +
    (login ? el(4, 'LoginName', login) : '') +
    el(4, 'SPA', 'off') +
    el(4, 'SSL', 'on') +
    el(4, 'Encryption', s.tls ? 'SSL' : 'TLS') +
    el(4, 'AuthRequired', 'on') +
    extra +
    '      </Protocol>\n';
  let out = `${HEAD}  <Response xmlns="${NS_OUTLOOK}">\n    <Account>\n`;
  out += el(3, 'AccountType', 'email') + el(3, 'Action', 'settings');
  for (const s of m.incoming) out += protocol(s.protocol === 'imap' ? 'IMAP' : 'POP3', s);
  for (const s of m.outgoing) out += protocol('SMTP', s, el(4, 'UsePOPAuth', 'off') + el(4, 'SMTPLast', 'off'));
  // CalDAV and CardDAV as eM Client reads them: the collection URL as Server.
  for (const [type, d] of [['CalDAV', m.caldav], ['CardDAV', m.carddav]] as const) {
    if (!d) continue;
    out += '      <Protocol>\n' + el(4, 'Type', type) + el(4, 'Server', d.url) + el(4, 'Port', d.port) + el(4, 'DomainRequired', 'off');
    out += (login ? el(4, 'LoginName', login) : '') + el(4, 'SSL', d.tls ? 'on' : 'off') + '      </Protocol>\n';
  }
  return `${out}    </Account>\n  </Response>\n</Autodiscover>\n`;
}

/** MS-OXDSCLI 2.2.4.1.1.2: what a request for a schema other than Outlook's gets (ActiveSync is not served). */
export function poxError(): string {
  return `${HEAD}  <Response>\n    <Error Time="00:00:00" Id="0">\n${el(3, 'ErrorCode', 600)}${el(3, 'Message', 'Invalid Request')}      <DebugData />\n    </Error>\n  </Response>\n</Autodiscover>\n`;
}
