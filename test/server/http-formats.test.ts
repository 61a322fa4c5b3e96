// Each format for the example zone (zones/example.com.yaml with autoconfig on) and a hosted
// `zones:` domain: byte for byte against golden files, then read back by a real parser and
// checked for every element a client reads. UPDATE_GOLDEN=1 writes the golden files anew.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { parse as parsePlist } from 'plist';
import { describe, expect, it } from 'vitest';
import { buildZones, parseDefinitionFile } from '../../src/definitions/index.js';
import { AutoconfigPublisher, type AutoconfigZone } from '../../src/server/http/publish.js';
import { preview } from '../../src/server/http/preview.js';
import { NS_OUTLOOK, NS_RESPONSE } from '../../src/server/http/pox.js';
import { byName, FORMATS, route, type Format } from '../../src/server/http/router.js';
import { readPoxRequest } from '../../src/server/http/pox-request.js';
import type { ZoneInput } from '../../src/server/snapshot.js';

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');
const MTIME = 1_700_000_000_000;

/** The example zone as DESIGN.md writes it, with the one line that turns autoconfig on. */
export const EXAMPLE_WITH_AUTOCONFIG = `${read('zones/example.com.yaml')}autoconfig: { display-name: Example Mail }\n`;
export const HTTP_HOST = 'mail.example.com';

function inputs(): ZoneInput[] {
  const defs = [
    ...parseDefinitionFile('example.com.yaml', EXAMPLE_WITH_AUTOCONFIG, MTIME, { httpHost: HTTP_HOST }).definitions,
    ...parseDefinitionFile('hosted.yaml', read('test/fixtures/autoconfig/hosted.yaml'), MTIME, { httpHost: HTTP_HOST }).definitions,
  ];
  const built = buildZones(defs);
  expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return new AutoconfigPublisher().inputs(built.zones);
}
const served = inputs();
const zones = new Map<string, AutoconfigZone>(served.flatMap((z) => (z.autoconfigZone ? [[z.origin.key, z.autoconfigZone] as const] : [])));
const finder = (d: string) => byName(zones, d);

const EXT: Record<Format, string> = { mozilla: 'mozilla.xml', pox: 'pox.xml', json: 'autodiscover.json', apple: 'mobileconfig', pacc: 'pacc.json' };
const CASES = [
  { email: 'jimi@example.com', domain: 'example.com' },
  { email: 'noel@example.org', domain: 'example.org' },
];

function body(format: Format, email: string): string {
  const a = preview(finder, format, email);
  expect(a.status).toBe(200);
  return a.body.toString();
}

describe('golden files: the example zone and a hosted zones: domain, every format', () => {
  for (const { email, domain } of CASES) {
    for (const format of FORMATS) {
      it(`${domain} ${format}`, () => {
        const file = new URL(`test/fixtures/autoconfig/${domain}.${EXT[format]}`, root);
        const got = body(format, email);
        if (process.env.UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, got);
        expect(got).toBe(readFileSync(file, 'utf8'));
      });
    }
  }
});

const xml = (text: string) => new DOMParser().parseFromString(text, 'text/xml');
const kids = (e: Element, name: string): Element[] => Array.from(e.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).localName === name);
const text = (e: Element, name: string): string | undefined => kids(e, name)[0]?.textContent ?? undefined;

describe('Mozilla autoconfig, read as Thunderbird reads it (readFromXML)', () => {
  it('clientConfig > emailProvider with id, domain, displayName; every server complete', () => {
    const doc = xml(body('mozilla', 'jimi@example.com')).documentElement!;
    expect(doc.localName).toBe('clientConfig');
    const provider = kids(doc, 'emailProvider')[0]!;
    expect(provider.getAttribute('id')).toBe('example.com');
    expect(kids(provider, 'domain').map((d) => d.textContent)).toEqual(['example.com']);
    expect(text(provider, 'displayName')).toBe('Example Mail');
    const servers = (tag: string) =>
      kids(provider, tag).map((s) => ({
        type: s.getAttribute('type'),
        hostname: text(s, 'hostname'),
        port: Number(text(s, 'port')),
        socketType: text(s, 'socketType'),
        authentication: text(s, 'authentication'),
        username: text(s, 'username'),
      }));
    // The definition's order: the same priority keeps the written order; imap and pop3 are off.
    expect(servers('incomingServer')).toEqual([
      { type: 'imap', hostname: 'mail.example.com', port: 993, socketType: 'SSL', authentication: 'password-cleartext', username: '%EMAILADDRESS%' },
      { type: 'imap', hostname: 'imap2.example.net', port: 993, socketType: 'SSL', authentication: 'password-cleartext', username: '%EMAILADDRESS%' },
    ]);
    // Implicit TLS first (RFC 8314): submissions (priority 0) before submission (10).
    expect(servers('outgoingServer')).toEqual([
      { type: 'smtp', hostname: 'mail.example.com', port: 465, socketType: 'SSL', authentication: 'password-cleartext', username: '%EMAILADDRESS%' },
      { type: 'smtp', hostname: 'mail.example.com', port: 587, socketType: 'STARTTLS', authentication: 'password-cleartext', username: '%EMAILADDRESS%' },
    ]);
    expect(text(kids(doc, 'calendar')[0]!, 'url')).toBe('https://dav.example.com/dav/calendars/');
    expect(text(kids(doc, 'addressbook')[0]!, 'url')).toBe('https://dav.example.com/dav/contacts/');
  });

  it('the hosted domain: its own domain, the provider\'s hosts, %EMAILLOCALPART%, JMAP after IMAP', () => {
    const provider = kids(xml(body('mozilla', 'noel@example.org')).documentElement!, 'emailProvider')[0]!;
    expect(text(provider, 'domain')).toBe('example.org');
    const incoming = kids(provider, 'incomingServer');
    expect(incoming.map((s) => s.getAttribute('type'))).toEqual(['imap', 'jmap']);
    expect(text(incoming[0]!, 'username')).toBe('%EMAILLOCALPART%');
    expect(text(incoming[1]!, 'url')).toBe('https://mail.provider.example/.well-known/jmap');
  });

  it('oauth2: OAuth2 authentication and the issuer', () => {
    const defs = parseDefinitionFile('o.yaml', `zone: o.example\nnameservers: [ns1.o.example.]\nhosts: { ns1: 192.0.2.1, mail: 192.0.2.2 }\nservices: { imaps: mail.o.example., submissions: mail.o.example. }\nautoconfig: { auth: oauth2, oauth2: { issuer: 'https://login.o.example' }, host: 192.0.2.1 }\n`, MTIME).definitions;
    const [input] = new AutoconfigPublisher().inputs(buildZones(defs).zones);
    const m = new Map([[input!.origin.key, input!.autoconfigZone!]]);
    const doc = xml(preview((d) => byName(m, d), 'mozilla', 'a@o.example').body.toString()).documentElement!;
    expect(kids(kids(doc, 'emailProvider')[0]!, 'incomingServer').map((s) => text(s, 'authentication'))).toEqual(['OAuth2']);
    expect(text(kids(doc, 'oAuth2')[0]!, 'issuer')).toBe('https://login.o.example');
    expect(JSON.parse(preview((d) => byName(m, d), 'pacc', 'a@o.example').body.toString()).authentication).toEqual({ 'oauth-public': { issuer: 'https://login.o.example' } });
    expect(preview((d) => byName(m, d), 'apple', 'a@o.example').status).toBe(404);
  });
});

describe('Autodiscover POX (MS-OXDSCLI): namespaces and every element Outlook and Thunderbird read', () => {
  it('response root and payload in their namespaces; Protocol entries complete, Encryption always', () => {
    const doc = xml(body('pox', 'jimi@example.com')).documentElement!;
    expect([doc.localName, doc.namespaceURI]).toEqual(['Autodiscover', NS_RESPONSE]);
    const response = kids(doc, 'Response')[0]!;
    expect(response.namespaceURI).toBe(NS_OUTLOOK);
    const account = kids(response, 'Account')[0]!;
    expect(account.namespaceURI).toBe(NS_OUTLOOK);
    expect([text(account, 'AccountType'), text(account, 'Action')]).toEqual(['email', 'settings']);
    const protocols = kids(account, 'Protocol').map((p) => [text(p, 'Type'), text(p, 'Server'), text(p, 'Port'), text(p, 'LoginName'), text(p, 'SSL'), text(p, 'Encryption')]);
    expect(protocols).toEqual([
      ['IMAP', 'mail.example.com', '993', 'jimi@example.com', 'on', 'SSL'],
      ['IMAP', 'imap2.example.net', '993', 'jimi@example.com', 'on', 'SSL'],
      ['SMTP', 'mail.example.com', '465', 'jimi@example.com', 'on', 'SSL'],
      ['SMTP', 'mail.example.com', '587', 'jimi@example.com', 'on', 'TLS'],
      ['CalDAV', 'https://dav.example.com/dav/calendars/', '443', 'jimi@example.com', 'on', undefined],
      ['CardDAV', 'https://dav.example.com/dav/contacts/', '443', 'jimi@example.com', 'on', undefined],
    ]);
  });

  it('LoginName follows the username form: localpart for the hosted domain', () => {
    const account = kids(kids(xml(body('pox', 'noel@example.org')).documentElement!, 'Response')[0]!, 'Account')[0]!;
    expect(kids(account, 'Protocol').map((p) => text(p, 'LoginName'))).toContain('noel');
  });

  it('an ActiveSync (mobilesync) request gets MS-OXDSCLI\'s error 600, not settings', () => {
    const req = { method: 'POST', url: '/autodiscover/autodiscover.xml', host: 'autodiscover.example.com', body: `<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006"><Request><EMailAddress>jimi@example.com</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006</AcceptableResponseSchema></Request></Autodiscover>` };
    const doc = xml(route(finder, req).body.toString()).documentElement!;
    expect(text(kids(kids(doc, 'Response')[0]!, 'Error')[0]!, 'ErrorCode')).toBe('600');
  });
});

describe('the request reader refuses what a hardened XML parser refuses', () => {
  const ok = '<?xml version="1.0"?><Autodiscover xmlns="x"><Request><EMailAddress>a&amp;b&#64;x.example</EMailAddress></Request></Autodiscover>';
  it('reads EMailAddress, with XML\'s own and numeric character references', () => {
    expect(readPoxRequest(ok)).toEqual({ email: 'a&b@x.example' });
    expect(readPoxRequest('<a:Autodiscover xmlns:a="x"><a:Request><a:EMailAddress> jimi@example.com </a:EMailAddress></a:Request></a:Autodiscover>')).toEqual({ email: 'jimi@example.com' });
  });
  it('billion laughs, external entities, DTDs and unknown entity references are refused', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><Autodiscover><Request><EMailAddress>&lol2;@example.com</EMailAddress></Request></Autodiscover>`;
    const xxe = `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><Autodiscover><Request><EMailAddress>&x;</EMailAddress></Request></Autodiscover>`;
    expect(readPoxRequest(laughs)).toHaveProperty('error');
    expect(readPoxRequest(xxe)).toHaveProperty('error');
    expect(readPoxRequest(ok.replace('&amp;', '&x;'))).toHaveProperty('error');
    expect(readPoxRequest('<Autodiscover><Request></Request></Autodiscover>')).toEqual({ error: 'no EMailAddress in the request' });
  });
});

describe('Apple profile, parsed as a plist', () => {
  it('a Configuration with mail, CalDAV and CardDAV payloads; UUIDs stable and per address', () => {
    const p = parsePlist(body('apple', 'jimi@example.com')) as Record<string, unknown>;
    expect(p.PayloadType).toBe('Configuration');
    const content = p.PayloadContent as Record<string, unknown>[];
    expect(content.map((c) => c.PayloadType)).toEqual(['com.apple.mail.managed', 'com.apple.caldav.account', 'com.apple.carddav.account']);
    expect(content[0]).toMatchObject({ EmailAddress: 'jimi@example.com', EmailAccountType: 'EmailTypeIMAP', IncomingMailServerHostName: 'mail.example.com', IncomingMailServerPortNumber: 993, IncomingMailServerUseSSL: true, OutgoingMailServerHostName: 'mail.example.com', OutgoingMailServerPortNumber: 465, IncomingMailServerUsername: 'jimi@example.com' });
    expect(content[1]).toMatchObject({ CalDAVHostName: 'dav.example.com', CalDAVPort: 443, CalDAVPrincipalURL: '/dav/calendars/', CalDAVUseSSL: true });
    const uuids = [p.PayloadUUID, ...content.map((c) => c.PayloadUUID)] as string[];
    expect(new Set(uuids).size).toBe(4);
    for (const u of uuids) expect(u).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    const again = parsePlist(body('apple', 'jimi@example.com')) as Record<string, unknown>;
    expect(again.PayloadUUID).toBe(p.PayloadUUID);
    const other = parsePlist(body('apple', 'kim@example.com')) as Record<string, unknown>;
    expect(other.PayloadUUID).not.toBe(p.PayloadUUID);
  });
});

describe('PACC (experimental): the digest published in the zone is the SHA-256 of the served bytes', () => {
  for (const { email, domain } of CASES) {
    it(domain, () => {
      const served_ = preview(finder, 'pacc', email).body as Buffer;
      const doc = JSON.parse(served_.toString()) as { protocols: Record<string, unknown> };
      expect(Object.keys(doc.protocols)).toContain('imap');
      const zone = served.find((z) => z.autoconfigZone !== undefined && z.autoconfigZone === byName(zones, domain))!;
      const txt = zone.records.filter((r) => r.rdata.kind === 'TXT' && r.owner.key.startsWith('\x0f_ua-auto-config'));
      const digest = createHash('sha256').update(served_).digest('base64');
      expect(txt.map((r) => (r.rdata.kind === 'TXT' ? Buffer.concat(r.rdata.strings).toString() : ''))).toEqual([`v=UAAC1; a=sha256; d=${digest}`]);
    });
  }

  it('after a change the old digest stays beside the new for one TTL, then goes', () => {
    let now = 1_000_000;
    const expired: number[] = [];
    const publisher = new AutoconfigPublisher(() => expired.push(now), () => now);
    const version = (port: number) =>
      buildZones(parseDefinitionFile('p.yaml', `zone: p.example\nttl: 600\nnameservers: [ns1.p.example.]\nhosts: { ns1: 192.0.2.1, mail: 192.0.2.2 }\nservices: { imaps: 'mail.p.example.:${port}' }\nautoconfig: { host: 192.0.2.1 }\n`, MTIME).definitions).zones;
    const digests = (z: ZoneInput[]) => z[0]!.autoconfigZone!.digests;
    const first = digests(publisher.inputs(version(993)));
    expect(first).toHaveLength(1);
    const both = digests(publisher.inputs(version(1993)));
    expect(both).toHaveLength(2);
    expect(both[1]).toBe(first[0]);
    now += 599_000;
    expect(digests(publisher.inputs(version(1993)))).toHaveLength(2);
    now += 2_000;
    expect(digests(publisher.inputs(version(1993)))).toEqual([both[0]]);
    publisher.stop();
  });
});
