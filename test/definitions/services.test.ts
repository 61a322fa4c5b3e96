import { describe, expect, it } from 'vitest';
import { DEFAULT_WEIGHT, SERVICES } from '../../src/definitions/index.js';
import { BASE, served } from './run.js';

// DESIGN.md, "Services and their labels": name, owner label, port, default priority.
const TABLE: [string, string, number, number][] = [
  ['submission', '_submission._tcp', 587, 10],
  ['submissions', '_submissions._tcp', 465, 0],
  ['imap', '_imap._tcp', 143, 10],
  ['imaps', '_imaps._tcp', 993, 0],
  ['pop3', '_pop3._tcp', 110, 10],
  ['pop3s', '_pop3s._tcp', 995, 0],
  ['caldav', '_caldav._tcp', 80, 10],
  ['caldavs', '_caldavs._tcp', 443, 0],
  ['carddav', '_carddav._tcp', 80, 10],
  ['carddavs', '_carddavs._tcp', 443, 0],
  ['autodiscover', '_autodiscover._tcp', 443, 0],
  ['jmap', '_jmap._tcp', 443, 0],
  ['sieve', '_sieve._tcp', 4190, 0],
];
const WITH_PATH = ['caldav', 'caldavs', 'carddav', 'carddavs'];

describe('the service table', () => {
  it('holds exactly the services of DESIGN.md, in its order', () => {
    expect([...SERVICES.keys()]).toEqual(TABLE.map((t) => t[0]));
    expect(DEFAULT_WEIGHT).toBe(1);
  });

  it.each(TABLE)('%s is %s, port %i, priority %i', (name, label, port, priority) => {
    const s = SERVICES.get(name)!;
    expect({ label: s.label, port: s.port, priority: s.priority, path: s.path }).toEqual({ label, port, priority, path: WITH_PATH.includes(name) });
  });

  it('marks the implicit-TLS services (RFC 8314)', () => {
    const tls = [...SERVICES.values()].filter((s) => s.tls).map((s) => s.name);
    expect(tls).toEqual(['submissions', 'imaps', 'pop3s', 'caldavs', 'carddavs', 'autodiscover', 'jmap']);
  });
});

describe('expansion of each service (RFC 6186, RFC 6764, RFC 8314)', () => {
  it.each(TABLE)('%s: mail → SRV at %s with port %i, priority %i, weight 1', (name, label, port, priority) => {
    expect(served(`${BASE}services:\n  ${name}: mail\n`, 'SRV')).toEqual([`${label}.example.com. 3600 IN SRV ${priority} 1 ${port} mail.example.com.`]);
  });

  it.each(TABLE)('%s: off → "0 0 0 ." (RFC 2782, RFC 6186 §3.4)', (name, label) => {
    expect(served(`${BASE}services:\n  ${name}: off\n`, 'SRV')).toEqual([`${label}.example.com. 3600 IN SRV 0 0 0 .`]);
  });

  it('reads YAML false as off', () => {
    expect(served(`${BASE}services:\n  imap: false\n`, 'SRV')).toEqual(['_imap._tcp.example.com. 3600 IN SRV 0 0 0 .']);
  });

  it('takes host:port', () => {
    expect(served(`${BASE}services:\n  jmap: mail:8443\n`, 'SRV')).toEqual(['_jmap._tcp.example.com. 3600 IN SRV 0 1 8443 mail.example.com.']);
  });

  it('takes an absolute host:port', () => {
    expect(served(`${BASE}services:\n  imaps: imap.example.net.:10993\n`, 'SRV')).toEqual(['_imaps._tcp.example.com. 3600 IN SRV 0 1 10993 imap.example.net.']);
  });

  it('overrides port, priority and weight per target', () => {
    const text = `${BASE}services:\n  submission: { host: mail, port: 2587, priority: 3, weight: 7 }\n`;
    expect(served(text, 'SRV')).toEqual(['_submission._tcp.example.com. 3600 IN SRV 3 7 2587 mail.example.com.']);
  });

  it('keeps the service defaults for what an object leaves out', () => {
    expect(served(`${BASE}services:\n  pop3: { host: mail, weight: 0 }\n`, 'SRV')).toEqual(['_pop3._tcp.example.com. 3600 IN SRV 10 0 110 mail.example.com.']);
  });

  it('makes one SRV record per target of a list, in list order', () => {
    const text = `${BASE}  mail2: 192.0.2.11\nservices:\n  imaps: [mail, { host: mail2, priority: 5, weight: 3 }, mail:1993]\n`;
    expect(served(text, 'SRV')).toEqual([
      '_imaps._tcp.example.com. 3600 IN SRV 0 1 993 mail.example.com.',
      '_imaps._tcp.example.com. 3600 IN SRV 5 3 993 mail2.example.com.',
      '_imaps._tcp.example.com. 3600 IN SRV 0 1 1993 mail.example.com.',
    ]);
  });

  it.each(WITH_PATH)('%s: path → TXT "path=…" at the same owner as the SRV (RFC 6764 §4)', (name) => {
    const label = SERVICES.get(name)!.label;
    const records = served(`${BASE}services:\n  ${name}: { host: mail, path: /dav/x/ }\n`).filter((l) => l.startsWith('_'));
    expect(records).toEqual([
      `${label}.example.com. 3600 IN SRV ${SERVICES.get(name)!.priority} 1 ${SERVICES.get(name)!.port} mail.example.com.`,
      `${label}.example.com. 3600 IN TXT "path=/dav/x/"`,
    ]);
  });

  it('writes one path TXT when several targets give the same path', () => {
    const text = `${BASE}services:\n  caldavs: [{ host: mail, path: /c/ }, { host: mail, port: 8443, path: /c/ }]\n`;
    expect(served(text, 'TXT')).toEqual(['_caldavs._tcp.example.com. 3600 IN TXT "path=/c/"']);
  });

  it('uses the definition ttl for SRV and path TXT', () => {
    const text = `zone: example.com\nttl: 120\nnameservers: [ns1]\nhosts: { ns1: 192.0.2.53, dav: 192.0.2.30 }\nservices:\n  carddavs: { host: dav, path: /card/ }\n`;
    expect(served(text).filter((l) => l.startsWith('_'))).toEqual([
      '_carddavs._tcp.example.com. 120 IN SRV 0 1 443 dav.example.com.',
      '_carddavs._tcp.example.com. 120 IN TXT "path=/card/"',
    ]);
  });
});
