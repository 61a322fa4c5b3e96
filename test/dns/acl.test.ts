// Transfer ACL rules: prefixes, keys, both; IPv4 as the socket reports it (mapped or not).
import { describe, expect, it } from 'vitest';
import { aclAllows, parseAclRule, type AclRule } from '../../src/dns/acl.js';
import { name } from '../../src/dns/name.js';

const rules = (...texts: string[]): AclRule[] => texts.map((t) => parseAclRule(t) as AclRule);
const XFR = name('xfr.').key;

describe('transfer ACL rules', () => {
  it.each([
    ['192.0.2.0/24', '192.0.2.77', undefined, true],
    ['192.0.2.0/24', '::ffff:192.0.2.77', undefined, true],
    ['192.0.2.0/24', '192.0.3.1', undefined, false],
    ['192.0.2.128/25', '192.0.2.127', undefined, false],
    ['2001:db8::/32', '2001:db8:1::5', undefined, true],
    ['2001:db8::/32', '2001:db9::5', undefined, false],
    ['192.0.2.1', '192.0.2.1', undefined, true],
    ['key xfr', '203.0.113.9', XFR, true],
    ['key xfr', '203.0.113.9', undefined, false],
    ['192.0.2.0/24 key xfr', '192.0.2.5', undefined, false],
    ['192.0.2.0/24 key xfr', '192.0.2.5', XFR, true],
    ['192.0.2.0/24 key xfr', '198.51.100.5', XFR, false],
  ])('%s, from %s, key %s: %s', (rule, client, key, allowed) => {
    expect(aclAllows(rules(rule), client, key)).toBe(allowed);
  });
  it('no rule, no transfer', () => expect(aclAllows([], '127.0.0.1', XFR)).toBe(false));
  it.each([
    ['', "'' is empty: give a prefix, \"key NAME\", or both"],
    ['key', "'key': 'key' needs a key name, as in \"key xfr\""],
    ['192.0.2.0/40', "'192.0.2.0/40': prefix length /40 must be 0 to 32"],
    ['ns1.example.net', `'ns1.example.net': 'ns1.example.net' is not an address or a prefix such as 192.0.2.0/24, 2001:db8::/32 or "key NAME"`],
  ])('%j is refused: %s', (text, message) => expect(parseAclRule(text)).toBe(message));
});
