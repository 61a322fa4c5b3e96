// PACC (draft-ietf-mailmaint-pacc; experimental): the configuration document served at
// https://ua-auto-config.<domain>/.well-known/user-agent-configuration.json, and the
// _ua-auto-config.<domain> TXT "v=UAAC1; a=sha256; d=<base64>" that authenticates exactly
// those bytes. PACC speaks implicit TLS only (RFC 8314): STARTTLS and plain services are left out.
// The JSON is canonical (sorted keys, no white space, as RFC 8785 writes strings and booleans),
// so the same zone gives the same bytes, and the same digest, on every reload.

import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import type { MailServer, MailSettings } from './model.js';

export const PACC_TYPE = 'application/json';

type Json = string | boolean | { readonly [key: string]: Json };

export function paccDocument(m: MailSettings): Buffer {
  const host = (s: MailServer | undefined, port: number): Json | undefined =>
    s ? { host: s.port === port ? s.host : `${s.host}:${s.port}` } : undefined;
  const protocols: Record<string, Json> = {};
  const put = (key: string, v: Json | undefined): void => {
    if (v !== undefined) protocols[key] = v;
  };
  put('imap', host(m.incoming.find((s) => s.protocol === 'imap' && s.tls), 993));
  put('pop3', host(m.incoming.find((s) => s.protocol === 'pop3' && s.tls), 995));
  put('smtp', host(m.outgoing.find((s) => s.tls), 465));
  if (m.jmap?.tls) put('jmap', { url: m.jmap.url });
  if (m.caldav?.tls) put('caldav', { url: m.caldav.url });
  if (m.carddav?.tls) put('carddav', { url: m.carddav.url });
  const authentication: Json = m.auth === 'oauth2' && m.issuer ? { 'oauth-public': { issuer: m.issuer } } : { password: true };
  const doc: Json = { authentication, info: { provider: { name: m.displayName, shortName: m.domain } }, protocols };
  return Buffer.from(canonical(doc), 'utf8');
}

function canonical(v: Json): string {
  if (typeof v !== 'object') return JSON.stringify(v);
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k]!)}`).join(',')}}`;
}

/** The digest TXT's text for a document. */
export function paccDigestText(doc: Buffer): string {
  return `v=UAAC1; a=sha256; d=${createHash('sha256').update(doc).digest('base64')}`;
}
