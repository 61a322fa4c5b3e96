// RFC 1035 §5 zone files as definitions: directives, parentheses, comments, escapes, omitted
// owner/TTL/class, and the same checks and file:line:col diagnostics as YAML definitions.
import { describe, expect, it } from 'vitest';
import { buildZones, formatDiagnostic, readZoneFile, type Diagnostic } from '../../src/definitions/index.js';
import { parseMasterFile } from '../../src/dns/masterfile.js';
import { name, nameToText } from '../../src/dns/name.js';
import { formatRecord } from '../../src/dns/presentation.js';

function load(file: string, text: string, includes: Record<string, string> = {}) {
  const read = readZoneFile(file, text, { include: (n) => (n in includes ? { file: n, text: includes[n]! } : { error: 'no such file' }) });
  const built = buildZones(read.definitions);
  const diagnostics: Diagnostic[] = [...read.diagnostics, ...built.diagnostics];
  return {
    messages: diagnostics.map(formatDiagnostic),
    errors: diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic),
    zones: built.zones,
    lines: built.zones[0]?.records.map((r) => formatRecord(r).replace(/\t/g, ' ')) ?? [],
  };
}

const ZONE = `$ORIGIN example.com.
$TTL 1h
@   IN  SOA ns1 hostmaster (
            2024010101 ; serial
            2h         ; refresh
            1h         ; retry
            2w         ; expire
            5m )       ; minimum
    IN  NS  ns1
    IN  NS  ns2.example.net.
ns1     A   192.0.2.53
mail  300  IN A 192.0.2.10
        AAAA 2001:db8::10          ; owner left out: mail again
@       MX  10 mail
_imaps._tcp SRV 0 1 993 mail
txt     TXT "a \\"quoted\\" word; not a comment" ( "second"
              "third" )
esc\\.dot TXT "escaped dot in the owner"
$ORIGIN sub.example.com.
www     A   192.0.2.80
`;

describe('reading a zone file', () => {
  it('serves every record with its TTL, the SOA first', () => {
    const r = load('example.com.zone', ZONE);
    expect(r.messages).toEqual(['example.com.zone:10:13: warning: ns2.example.net. is not in a zone served here, so its addresses cannot be checked: make sure it has A or AAAA records, and list its domain under external: to say it is trusted']);
    expect(r.lines).toEqual([
      'example.com. 3600 IN SOA ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300',
      'example.com. 3600 IN NS ns1.example.com.',
      'example.com. 3600 IN NS ns2.example.net.',
      'ns1.example.com. 3600 IN A 192.0.2.53',
      'mail.example.com. 300 IN A 192.0.2.10',
      'mail.example.com. 3600 IN AAAA 2001:db8::10', // $TTL, not the record before (RFC 2308 §4)
      'example.com. 3600 IN MX 10 mail.example.com.',
      '_imaps._tcp.example.com. 3600 IN SRV 0 1 993 mail.example.com.',
      'txt.example.com. 3600 IN TXT "a \\"quoted\\" word; not a comment" "second" "third"',
      'esc\\.dot.example.com. 3600 IN TXT "escaped dot in the owner"',
      'www.sub.example.com. 3600 IN A 192.0.2.80',
    ]);
  });

  it('names the zone by its first $ORIGIN, else by the file name', () => {
    expect(nameToText(load('whatever.zone', ZONE).zones[0]!.origin)).toBe('example.com.');
    const noOrigin = ZONE.replace('$ORIGIN example.com.\n', '');
    expect(nameToText(load('zones/example.com.zone', noOrigin).zones[0]!.origin)).toBe('example.com.');
    expect(load('db.zone', '@ SOA ns1 h 1 2 3 4 5\n').errors[0]).toContain("db.zone:1:1: error: no NS records at db.");
  });

  it('reads $INCLUDE with its own origin, and restores the origin after it', () => {
    const r = load('example.com.zone', `${ZONE}$INCLUDE hosts.inc hosts.example.com.\nafter A 192.0.2.99\n`, { 'hosts.inc': 'a A 192.0.2.1\nb A 192.0.2.2\n' });
    expect(r.errors).toEqual([]);
    expect(r.lines.slice(-3)).toEqual(['a.hosts.example.com. 3600 IN A 192.0.2.1', 'b.hosts.example.com. 3600 IN A 192.0.2.2', 'after.sub.example.com. 3600 IN A 192.0.2.99']);
  });

  it('reports problems at file:line:col and goes on reading', () => {
    const text = `$ORIGIN example.com.
$TTL 1h
@ SOA ns1 hostmaster 1 2 3 4 5
@ NS ns1
ns1 A 192.0.2.53
bad A 300.1.1.1
worse 1x A 192.0.2.1
$INCLUDE missing.inc
$GENERATE 1-5 host$ A 192.0.2.$
odd CNAME mail
odd A 192.0.2.7
`;
    expect(load('example.com.zone', text).messages).toEqual([
      "example.com.zone:6:7: error: '300.1.1.1' is not an IPv4 address",
      "example.com.zone:7:7: error: '1x' is not a TTL: write seconds (3600) or with units s, m, h, d, w (1h, 1h30m, 2d)",
      'example.com.zone:8:10: error: $INCLUDE missing.inc: no such file',
      'example.com.zone:9:1: error: $GENERATE is not read here: write the records it would make (BIND prints them with named-compilezone)',
      'example.com.zone:10:1: error: odd.example.com. is an alias and also has A data (line 11): an alias has no other data (RFC 1034 §3.6.2); remove one of them',
      'example.com.zone:10:11: error: alias target mail.example.com. does not exist in zone example.com.: add it under hosts:, or end the name with \'.\' if it is elsewhere',
    ]);
  });

  it('refuses unbalanced parentheses and an unclosed quote at their place', () => {
    const m = parseMasterFile('@ SOA ns1 h ( 1 2 3 4 5\nx TXT "open\n', { file: 'f.zone', origin: name('example.com.') });
    expect(m.problems.map((p) => `${p.line}:${p.col} ${p.message}`)).toEqual(["1:13 '(' is not closed: add the missing ')'", '2:7 quoted string is not closed: add the missing "']);
  });

  it('marks a TXT that a comment cut short (the unquoted-; trap) as an error', () => {
    const r = load('example.com.zone', `$ORIGIN example.com.\n$TTL 1h\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.53\n_dmarc TXT v=DMARC1;p=none\n`);
    expect(r.errors).toContain(
      'example.com.zone:6:20: error: \';\' starts a comment in zone-file text, so everything after it is lost and this TXT holds only "v=DMARC1": quote the whole value, e.g. "v=DMARC1; p=none"',
    );
  });
});
