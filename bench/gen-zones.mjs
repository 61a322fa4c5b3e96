#!/usr/bin/env node
// Generate N customer domains for load tests and large-zone-set tests.
//
//   node bench/gen-zones.mjs --domains N --out DIR [--single-file] [--queries FILE]
//
// Domains are d000001.bench.test. … dNNNNNN.bench.test., each with the full
// discovery set of the DESIGN.md example zone, every host in-zone.
//   default        one YAML file per domain: DIR/d000001.bench.test.yaml …
//   --single-file  one file DIR/bench.yaml with `zones: [...]`: all domains share one content
//   --queries FILE also write a dnsperf query file (`name TYPE` a line) of the discovery mix,
//                  one round over every domain
// Plain ESM, no dependencies.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const usage = 'usage: node bench/gen-zones.mjs --domains N --out DIR [--single-file] [--queries FILE]';

let values;
try {
  ({ values } = parseArgs({
    options: {
      domains: { type: 'string' },
      out: { type: 'string' },
      'single-file': { type: 'boolean', default: false },
      queries: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }));
} catch (err) {
  console.error(`${err.message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const n = Number(values.domains);
if (!Number.isInteger(n) || n < 1 || n > 999_999 || values.out === undefined) {
  console.error(usage);
  process.exit(2);
}
const out = values.out;

/** Domain i (1-based): d000001.bench.test */
const domain = (i) => `d${String(i).padStart(6, '0')}.bench.test`;

// The DESIGN.md example, with every host in the zone itself. Only relative
// names, so one body serves any zone (the --single-file `zones:` form).
const body = `ttl: 3600
nameservers: [ns1, ns2]
soa:
  serial: auto
  refresh: 7200
  retry: 3600
  expire: 1209600
  negative-ttl: 300
hosts:
  ns1: 192.0.2.53
  ns2: 198.51.100.53
  mail: [192.0.2.10, 2001:db8::10]
  imap2: [192.0.2.11, 2001:db8::11]
  dav: 192.0.2.30
mx: [mail]
services:
  submissions: mail:465
  submission: { host: mail, port: 587 }
  imaps: [mail, { host: imap2, port: 993, weight: 5 }]
  imap: off
  pop3: off
  pop3s: off
  caldavs: { host: dav, path: /dav/calendars/ }
  carddavs: { host: dav, path: /dav/contacts/ }
  autodiscover: mail
aliases:
  autoconfig: mail
  autodiscover: mail
records:
  - '@ TXT "v=spf1 mx -all"'
  - '_dmarc 300 TXT "v=DMARC1; p=reject"'
`;

mkdirSync(out, { recursive: true });

if (values['single-file']) {
  const names = [];
  for (let i = 1; i <= n; i++) names.push(`  - ${domain(i)}`);
  writeFileSync(join(out, 'bench.yaml'), `# ${n} generated domains sharing one definition\nzones:\n${names.join('\n')}\n${body}`);
} else {
  for (let i = 1; i <= n; i++) {
    const d = domain(i);
    writeFileSync(join(out, `${d}.yaml`), `zone: ${d}\n${body}`);
  }
}

if (values.queries !== undefined) {
  // What a mail client asks when it is set up, plus the MX a sending server asks.
  const mix = [
    ['_submissions._tcp', 'SRV'],
    ['_submission._tcp', 'SRV'],
    ['_imaps._tcp', 'SRV'],
    ['_imap._tcp', 'SRV'],
    ['_pop3s._tcp', 'SRV'],
    ['_caldavs._tcp', 'SRV'],
    ['_caldavs._tcp', 'TXT'],
    ['_carddavs._tcp', 'SRV'],
    ['_autodiscover._tcp', 'SRV'],
    ['autoconfig', 'A'],
    ['autodiscover', 'AAAA'],
    ['mail', 'A'],
    ['@', 'MX'],
    ['@', 'TXT'],
    ['nope', 'A'],
  ];
  const lines = [];
  for (let i = 1; i <= n; i++) {
    const d = domain(i);
    for (const [label, type] of mix) lines.push(`${label === '@' ? d : `${label}.${d}`} ${type}`);
  }
  writeFileSync(values.queries, lines.join('\n') + '\n');
}

console.error(
  `wrote ${n} domain(s) to ${out}${values['single-file'] ? ' (one file)' : ''}` +
    (values.queries !== undefined ? ` and queries to ${values.queries}` : ''),
);
