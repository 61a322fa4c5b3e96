// `autoconfig:` in a definition: what it reads, the names it generates, and the conflicts it
// reports with a fix, as file:line:col like every other diagnostic.
import { describe, expect, it } from 'vitest';
import { buildZones, formatDiagnostic, parseDefinitionFile, type Diagnostic } from '../../src/definitions/index.js';
import { lines, MTIME } from './run.js';

function load(text: string, httpHost?: string) {
  const parsed = parseDefinitionFile('z.yaml', text, MTIME, httpHost ? { httpHost } : {});
  const built = buildZones(parsed.definitions);
  const all: Diagnostic[] = [...parsed.diagnostics, ...built.diagnostics];
  return {
    errors: all.filter((d) => d.severity === 'error').map(formatDiagnostic),
    warnings: all.filter((d) => d.severity === 'warning').map(formatDiagnostic),
    zones: built.zones,
    spec: parsed.definitions[0]?.autoconfig,
  };
}

/** Lines 1-8: a zone with mail and dav hosts and the usual services; autoconfig goes on line 9. */
const ZONE = `zone: example.com
nameservers: [ns1]
hosts:
  ns1: 192.0.2.53
  mail: 192.0.2.10
  web: [192.0.2.80, 2001:db8::80]
services:
  imaps: mail
`;

const generated = (text: string, httpHost?: string): string[] => {
  const r = load(text, httpHost);
  if (r.errors.length) throw new Error(r.errors.join('\n'));
  return lines(r.zones[0]).filter((l) => /^(autoconfig|autodiscover|ua-auto-config|_autodiscover)\./.test(l));
};

describe('autoconfig: what the block reads', () => {
  it('on: e-mail address as username, password auth, the host from http.host', () => {
    const r = load(`${ZONE}autoconfig: on\n`, 'web.example.com');
    expect(r.errors).toEqual([]);
    expect(r.spec).toMatchObject({ username: { kind: 'email' }, auth: 'password', host: { kind: 'name', fromConfig: true } });
    expect(r.spec?.displayName).toBeUndefined();
  });

  it('a block: display-name, username forms, oauth2 with its issuer', () => {
    const r = load(`${ZONE}autoconfig: { display-name: Example Mail, username: localpart, auth: oauth2, oauth2: { issuer: 'https://login.example.com' }, host: web }\n`);
    expect(r.errors).toEqual([]);
    expect(r.spec).toMatchObject({ displayName: 'Example Mail', username: { kind: 'localpart' }, auth: 'oauth2', issuer: 'https://login.example.com' });
    const t = load(`${ZONE}autoconfig: { username: '%EMAILLOCALPART%@corp.example', host: web }\n`);
    expect(t.spec?.username).toEqual({ kind: 'template', template: '%EMAILLOCALPART%@corp.example' });
  });

  it('off: nothing generated, nothing served', () => {
    const r = load(`${ZONE}autoconfig: off\n`, 'web.example.com');
    expect(r.errors).toEqual([]);
    expect(r.spec).toBeUndefined();
    expect(r.zones[0]?.autoconfig).toBeUndefined();
  });

  it('every mistake is an error at its place, with what to write instead', () => {
    expect(load(`${ZONE}autoconfig: on\n`).errors).toEqual([
      "z.yaml:9:1: error: autoconfig: autoconfig is on, but nothing says where clients reach the HTTP responder: add 'host: <name or address>' here (autoconfig: { host: web }), or set http.host in the configuration (discodns check --config FILE reads it)",
    ]);
    expect(load(`${ZONE}autoconfig: { hostt: web }\n`).errors[0]).toBe("z.yaml:9:15: error: autoconfig.hostt: unknown key 'hostt': did you mean 'host'?");
    expect(load(`${ZONE}autoconfig: { auth: kerberos, host: web }\n`).errors).toEqual([
      "z.yaml:9:21: error: autoconfig.auth: auth is 'password' (the default) or 'oauth2', not 'kerberos'",
    ]);
    expect(load(`${ZONE}autoconfig: { auth: oauth2, host: web }\n`).errors).toEqual([
      'z.yaml:9:1: error: autoconfig: auth: oauth2 needs the issuer clients log in at: add oauth2: { issuer: https://login.example.com }',
    ]);
    expect(load(`${ZONE}autoconfig: { auth: oauth2, oauth2: { issuer: 'http://login.example.com' }, host: web }\n`).errors[0]).toMatch(
      /^z\.yaml:9:47: error: autoconfig\.oauth2\.issuer: issuer is an https URL without query or fragment \(RFC 8414 §2\)/,
    );
    expect(load(`${ZONE}autoconfig: { username: '%USER%@corp', host: web }\n`).errors).toEqual([
      'z.yaml:9:25: error: autoconfig.username: unknown placeholder %USER%: a username template may use %EMAILADDRESS%, %EMAILLOCALPART%, %EMAILDOMAIN%',
    ]);
    expect(load(`${ZONE}autoconfig: { host: [192.0.2.1, web] }\n`).errors).toEqual([
      'z.yaml:9:21: error: autoconfig.host: host is one host name, or one or more addresses (IPv4 and IPv6), not a mix',
    ]);
    expect(load(`${ZONE}autoconfig: maybe\n`).errors[0]).toMatch(/^z\.yaml:9:13: error: autoconfig: expected 'on', 'off', or a block/);
  });
});

describe('autoconfig: the names that lead clients to it', () => {
  it('a host name: CNAMEs to it, and _autodiscover._tcp SRV 443 to it', () => {
    expect(generated(`${ZONE}autoconfig: { host: web }\n`)).toEqual([
      'autoconfig.example.com. 3600 IN CNAME web.example.com.',
      'autodiscover.example.com. 3600 IN CNAME web.example.com.',
      'ua-auto-config.example.com. 3600 IN CNAME web.example.com.',
      '_autodiscover._tcp.example.com. 3600 IN SRV 0 1 443 web.example.com.',
    ]);
  });

  it('http.host from the configuration is absolute, outside the zone as well', () => {
    expect(generated(`${ZONE}autoconfig: on\n`, 'autoconfig.provider.example')).toContain('autoconfig.example.com. 3600 IN CNAME autoconfig.provider.example.');
  });

  it('addresses: A and AAAA at each name; the SRV points at autodiscover.<zone>', () => {
    expect(generated(`${ZONE}autoconfig: { host: [192.0.2.80, '2001:db8::80'] }\n`)).toEqual([
      'autoconfig.example.com. 3600 IN A 192.0.2.80',
      'autoconfig.example.com. 3600 IN AAAA 2001:db8::80',
      'autodiscover.example.com. 3600 IN A 192.0.2.80',
      'autodiscover.example.com. 3600 IN AAAA 2001:db8::80',
      'ua-auto-config.example.com. 3600 IN A 192.0.2.80',
      'ua-auto-config.example.com. 3600 IN AAAA 2001:db8::80',
      '_autodiscover._tcp.example.com. 3600 IN SRV 0 1 443 autodiscover.example.com.',
    ]);
  });

  it('a hand-written alias that says the same is left as written, with no complaint', () => {
    const r = load(`${ZONE}aliases:\n  autoconfig: web\nautoconfig: { host: web }\n`);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(lines(r.zones[0]).filter((l) => l.startsWith('autoconfig.'))).toEqual(['autoconfig.example.com. 3600 IN CNAME web.example.com.']);
  });

  it('a hand-written alias that points elsewhere is an error at the alias, with the fix', () => {
    const r = load(`${ZONE}aliases:\n  autodiscover: mail\nautoconfig: { host: web }\n`);
    expect(r.errors).toEqual([
      "z.yaml:10:3: error: aliases.autodiscover: autodiscover.example.com. is published by 'autoconfig:' (line 11) as CNAME web.example.com.; remove this, or set autoconfig.host to where this points",
    ]);
    expect(r.zones).toEqual([]);
  });

  it('addresses under hosts: or a records: line at a generated name conflict the same way', () => {
    expect(load(`${ZONE}autoconfig: { host: web }\nrecords:\n  - 'ua-auto-config TXT "x"'\n`).errors).toEqual([
      "z.yaml:11:5: error: records[0]: ua-auto-config.example.com. is published by 'autoconfig:' (line 9) as CNAME web.example.com.; remove this, or set autoconfig.host to where this points",
    ]);
    expect(load(ZONE.replace('  web:', '  autoconfig: 192.0.2.99\n  web:') + 'autoconfig: { host: web }\n').errors[0]).toMatch(
      /^z\.yaml:6:15: error: hosts\.autoconfig: autoconfig\.example\.com\. is published by 'autoconfig:' \(line 10\)/,
    );
  });

  it('_ua-auto-config is the server\'s: a hand-written record there is an error', () => {
    expect(load(`${ZONE}autoconfig: { host: web }\nrecords:\n  - '_ua-auto-config TXT "v=UAAC1; a=sha256; d=x"'\n`).errors).toEqual([
      "z.yaml:11:5: error: records[0]: discodns publishes _ua-auto-config.example.com. itself (the digest of the PACC document it serves, for 'autoconfig:' (line 9)): remove this record",
    ]);
  });

  it('services.autodiscover stands as written; pointing elsewhere earns a warning', () => {
    const same = load(`${ZONE}  autodiscover: web\nautoconfig: { host: web }\n`);
    expect(same.errors).toEqual([]);
    expect(same.warnings).toEqual([]);
    const other = load(`${ZONE}  autodiscover: mail\nautoconfig: { host: web }\n`);
    expect(other.warnings).toEqual([
      'z.yaml:9:17: warning: services.autodiscover: Outlook follows this to mail.example.com., not to the autoconfig host web.example.com. (line 10); remove it to have it generated',
    ]);
    expect(lines(other.zones[0]).filter((l) => l.startsWith('_autodiscover'))).toEqual(['_autodiscover._tcp.example.com. 3600 IN SRV 0 1 443 mail.example.com.']);
  });

  it('the host is checked as any target: it must exist in a zone served here', () => {
    // The three aliases share one place: the message is given once.
    expect(load(`${ZONE}autoconfig: { host: www }\n`).errors).toEqual([
      "z.yaml:9:21: error: autoconfig.host: alias target www.example.com. does not exist in zone example.com.: add it under hosts:, or end the name with '.' if it is elsewhere",
      'z.yaml:9:21: error: autoconfig.host: SRV target www.example.com. has no A or AAAA record: add it under hosts:',
    ]);
    expect(load(`${ZONE}autoconfig: { host: autoconfig }\n`).errors).toEqual([
      'z.yaml:9:21: error: autoconfig.host: host cannot be autoconfig.example.com.: that is one of the names that lead clients to it; name the web server itself',
    ]);
  });

  it('a zones: list gets the same names in each zone', () => {
    const r = load(`zones: [a.example, b.example]\nnameservers: [ns1.provider.example.]\nservices:\n  imaps: mail.provider.example.\nautoconfig: on\n`, 'autoconfig.provider.example.');
    expect(r.errors).toEqual([]);
    expect(r.zones.map((z) => lines(z).filter((l) => l.startsWith('ua-auto-config')))).toEqual([
      ['ua-auto-config.a.example. 3600 IN CNAME autoconfig.provider.example.'],
      ['ua-auto-config.b.example. 3600 IN CNAME autoconfig.provider.example.'],
    ]);
    expect(r.zones.every((z) => z.autoconfig !== undefined)).toBe(true);
  });
});
