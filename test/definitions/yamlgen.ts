// Random definition-like YAML for the differential tests of simple-yaml.ts and the template
// path: plain files most of the time, with the odd construct the simple reader must give up on.

export type Rand = (n: number) => number;

/** A small deterministic PRNG (mulberry32), so a failing seed can be replayed. */
export function rand(seed: number): Rand {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[r(xs.length)]!;

const WORDS = [
  'mail', 'Mail', 'imap2', 'dav', 'ns1', 'ns2.example.net.', 'mail.example.net', 'mail:465', 'mail:99999', '2001:db8::10',
  '192.0.2.10', '198.51.100.53', 'off', 'Off', 'true', 'False', 'null', '~', 'auto', '0123', '3600', '1.5', '1e3', '0x1f', '0o17',
  '-1', '+1', '.', '@', '*', 'a#b', 'a b', 'x,y', 'a:b', '/dav/calendars/', 'hostmaster@example.com', 'é', '_sip._tcp', 'example.com',
  'example.org', 'EXAMPLE.com.', 'xn--bcher-kva.example', '.inf', 'yes', 'no', '-', '?x', '!x', '&a', '*a', '%x', '`x`', '|', '>',
  'a\\b', 'very-long-label-'.repeat(5), '1_000', '12345678901234567890', '0', '65536',
];
const KEYS = ['zone', 'zones', 'ttl', 'nameservers', 'soa', 'hosts', 'mx', 'services', 'aliases', 'records', 'zonez', 'contact', 'serial', 'refresh', 'retry', 'expire', 'negative-ttl', 'host', 'port', 'priority', 'weight', 'path', 'preference', 'mail', 'dav', 'imaps', 'submission', 'submissions', 'caldavs', 'autodiscover', 'autoconfig', "'@'", '"@"', 'www', '3600', 'true', "'it''s'", 'a b', 'ns1'];
const RECORDS = ['@ TXT "v=spf1 mx -all"', '_dmarc 300 TXT "v=DMARC1; p=reject"', 'www CNAME mail', '@ CAA 0 issue "letsencrypt.org"', 'x MX 10 mail', 'bad', '@ TXT "unterminated', 'sub NS ns1', '@ SRV 0 1 443 mail'];

function quoted(r: Rand, s: string): string {
  switch (r(4)) {
    case 0:
      return `'${s.replace(/'/g, "''")}'`;
    case 1:
      return `"${s.replace(/["\\]/g, (c) => '\\' + c)}"`;
    case 2:
      return `"${s}"`;
    default:
      return s;
  }
}

function scalar(r: Rand, words = WORDS): string {
  const w = pick(r, words);
  return r(3) === 0 ? quoted(r, w) : w;
}

const sp = (r: Rand): string => (r(6) === 0 ? '' : r(8) === 0 ? '  ' : ' ');
const trail = (r: Rand): string => (r(10) === 0 ? '   ' : r(8) === 0 ? ` # note${r(3) === 0 ? ': x' : ''}` : r(30) === 0 ? '#x' : '');

function flowSeq(r: Rand, depth = 0): string {
  const n = r(4);
  const items: string[] = [];
  for (let i = 0; i < n; i++) items.push(r(5) === 0 && depth === 0 ? flowMap(r) : scalar(r));
  return `[${sp(r)}${items.join(`,${sp(r)}`)}${r(20) === 0 ? ',' : ''}${sp(r)}]`;
}

function flowMap(r: Rand): string {
  const n = r(4);
  const items: string[] = [];
  for (let i = 0; i < n; i++) items.push(`${pick(r, ['host', 'port', 'weight', 'priority', 'path', 'preference', 'x'])}:${r(12) === 0 ? '' : ' '}${r(15) === 0 ? flowSeq(r, 1) : scalar(r)}`);
  return `{${sp(r)}${items.join(`,${sp(r)}`)}${sp(r)}}`;
}

function inline(r: Rand): string {
  switch (r(6)) {
    case 0:
      return flowSeq(r);
    case 1:
      return flowMap(r);
    default:
      return scalar(r);
  }
}

function block(r: Rand, indent: number, depth: number, out: string[]): void {
  const n = 1 + r(depth === 0 ? 9 : 4);
  const pad = ' '.repeat(indent);
  for (let i = 0; i < n; i++) {
    if (r(12) === 0) out.push(r(2) ? '' : `${' '.repeat(r(5))}# comment ${i}`);
    const key = depth === 0 ? pick(r, KEYS.slice(0, 11)) : pick(r, KEYS);
    const kind = depth >= 3 ? 0 : r(6);
    if (kind <= 2) {
      out.push(`${pad}${key}:${r(25) === 0 ? '' : ' '}${depth === 0 && key === 'records' ? quoted(r, pick(r, RECORDS)) : inline(r)}${trail(r)}`);
    } else if (kind === 3) {
      out.push(`${pad}${key}:${trail(r)}`);
      block(r, indent + pick(r, [1, 2, 2, 2, 4]), depth + 1, out);
    } else if (kind === 4) {
      out.push(`${pad}${key}:${trail(r)}`);
      const inner = r(3) === 0 ? indent : indent + pick(r, [2, 2, 4]);
      const m = 1 + r(4);
      for (let j = 0; j < m; j++) {
        const item = key === 'records' ? quoted(r, pick(r, RECORDS)) : r(8) === 0 ? `${pick(r, KEYS)}: ${scalar(r)}` : inline(r);
        out.push(`${' '.repeat(inner)}-${r(20) === 0 ? '' : ' '}${item}${trail(r)}`);
      }
    } else {
      out.push(`${pad}${key}:${trail(r)}`); // empty
    }
  }
}

/** A random definition-like file. */
export function yamlText(r: Rand): string {
  const out: string[] = [];
  if (r(5) === 0) out.push('# a definition');
  block(r, 0, 0, out);
  let text = out.join('\n') + (r(6) === 0 ? '' : '\n');
  // The odd construct the simple reader must leave to the full parser.
  const mutations = [
    () => text.replace(' ', '\t'),
    () => text.replace('\n', '\r\n'),
    () => '---\n' + text,
    () => text + '...\n',
    () => '%YAML 1.2\n---\n' + text,
    () => text.replace(/: /, ': &a '),
    () => text.replace(/\n(\s*)(\w)/, '\n$1  $2'),
    () => text.slice(0, r(text.length + 1)),
    () => text.replace(/\n/, '\n  continued\n'),
    () => text.replace(/: (\w)/, ': |\n  $1'),
    () => text.replace(/: (\w)/, ': !!str $1'),
  ];
  if (r(6) === 0) text = pick(r, mutations)();
  return text;
}

/**
 * A valid definition in a random layout: keys in any order, block or flow lists, quoted or
 * plain values, comments, odd indentation; for one zone, or for `zones` when given.
 */
export function definitionText(r: Rand, zones?: readonly string[]): string {
  const out: string[] = [];
  const ind = pick(r, [2, 2, 4, 1, 3]);
  const pad = ' '.repeat(ind);
  const q = (s: string): string => (r(4) === 0 ? `'${s}'` : r(6) === 0 ? `"${s}"` : s);
  const list = (key: string, items: string[], lead = ''): void => {
    if (r(2)) out.push(`${lead}${key}: [${items.join(', ')}]${trail(r)}`);
    else {
      out.push(`${lead}${key}:${trail(r)}`);
      const inner = lead + (r(3) === 0 ? '' : pad);
      for (const i of items) out.push(`${inner}- ${i}${trail(r)}`);
    }
  };
  const hostNames = ['ns1', 'ns2', 'mail', 'imap2', 'dav', pick(r, ['www', 'Web', 'smtp'])];
  const parts: (() => void)[] = [
    () => {
      if (zones) list('zones', zones.map(q));
      else out.push(`zone: ${q(pick(r, ['example.com', 'Example.ORG', 'd000001.bench.test', 'x.y.z.example']))}${trail(r)}`);
    },
    () => r(3) !== 0 && out.push(`ttl: ${pick(r, ['3600', '300', '86400', '0'])}${trail(r)}`),
    () => list('nameservers', r(5) === 0 ? ['ns1', 'ns2.example.net.'] : ['ns1', 'ns2'].map(q)),
    () => {
      if (r(3) === 0) return;
      out.push(`soa:${trail(r)}`);
      const fields = [`serial: ${pick(r, ['auto', '2024010101', '7'])}`, `refresh: 7200`, `retry: 3600`, `expire: 1209600`, `negative-ttl: 300`];
      if (r(3) === 0) fields.push(`contact: ${pick(r, ['hostmaster@example.net', 'dns.admin@example.org'])}`);
      for (const f of fields) if (r(4) !== 0) out.push(`${pad}${f}${trail(r)}`);
      if (out[out.length - 1] === `soa:`) out.push(`${pad}refresh: 7200`);
    },
    () => {
      out.push(`hosts:${trail(r)}`);
      const addr = (): string => pick(r, ['192.0.2.10', '198.51.100.53', '2001:db8::10', '203.0.113.7']);
      for (const h of hostNames) {
        const key = h === 'mail' && r(8) === 0 ? "'@'" : h;
        if (r(3) === 0) out.push(`${pad}${key}: [${addr()}, ${addr().replace(/\d+$/, (d) => String((Number(d) % 200) + 1))}]${trail(r)}`);
        else out.push(`${pad}${key}: ${addr()}${trail(r)}`);
      }
    },
    () => r(4) !== 0 && list('mx', r(4) === 0 ? ['{ host: mail, preference: 5 }', 'imap2'] : ['mail']),
    () => {
      out.push(`services:${trail(r)}`);
      const svc = [
        `submissions: ${pick(r, ['mail:465', 'mail', '{ host: mail, port: 465 }'])}`,
        `submission: { host: mail, port: 587 }`,
        `imaps: [mail, { host: imap2, port: 993, weight: 5 }]`,
        `imap: ${pick(r, ['off', 'Off', 'false'])}`,
        `pop3: off`,
        `caldavs: { host: dav, path: /dav/calendars/ }`,
        `carddavs: { host: dav, path: '/dav/contacts/' }`,
        `autodiscover: mail`,
        `jmap: [mail:443]`,
        `sieve: { host: mail, port: 4190, priority: 5 }`,
      ];
      for (const s of svc) if (r(4) !== 0) out.push(`${pad}${s}${trail(r)}`);
      if (out[out.length - 1]!.startsWith('services:')) out.push(`${pad}autodiscover: mail`);
    },
    () => {
      if (r(3) === 0) return;
      out.push(`aliases:${trail(r)}`);
      out.push(`${pad}autoconfig: ${q('mail')}${trail(r)}`);
      if (r(2)) out.push(`${pad}autodiscover: mail${trail(r)}`);
    },
    () => {
      if (r(3) === 0) return;
      const lines = ['\'@ TXT "v=spf1 mx -all"\'', `'_dmarc 300 TXT "v=DMARC1; p=reject"'`, `'@ CAA 0 issue "letsencrypt.org"'`, `"www2 CNAME mail"`, `'_x._tcp SRV 0 1 443 mail'`];
      list('records', lines.filter(() => r(3) !== 0).concat(lines[0]!).slice(0, 4), '');
    },
  ];
  // Any order, now and then a comment or a blank line between.
  const order = parts.map((p, i) => ({ p, k: r(1000) + (i === 0 && r(2) ? -1000 : 0) })).sort((a, b) => a.k - b.k);
  for (const { p } of order) {
    if (r(8) === 0) out.push(r(2) ? '' : `# ${r(100)}`);
    p();
  }
  return out.join('\n') + '\n';
}
