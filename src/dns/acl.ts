// Transfer access rules: "192.0.2.0/24", "2001:db8::1", "key xfr", or both at once
// ("192.0.2.0/24 key xfr": that prefix and that key). A request is allowed when any rule
// matches it; no rule, no transfer. Read by the configuration and the definitions alike.

import { Buffer } from 'node:buffer';
import { ipv4Bytes, ipv6Bytes, isIP } from './ip.js';
import { isNameError, parseName, type Name } from './name.js';

export interface AclRule {
  /** The rule as written, for logs and messages. */
  readonly text: string;
  /** 16 bytes (IPv4 as ::ffff:a.b.c.d) and how many leading bits must match; absent: any source. */
  readonly prefix?: { readonly bytes: Buffer; readonly bits: number };
  /** The TSIG key the request must be signed with (its Name.key); absent: signed or not. */
  readonly key?: string;
  /** The key's name as written, to check it against the configured keys. */
  readonly keyName?: string;
}

const MAPPED = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);

/** An address as 16 bytes (IPv4 mapped into IPv6), or undefined for text that is not one. */
export function addressBytes(text: string): Buffer | undefined {
  const family = isIP(text);
  if (family === 4) return Buffer.concat([MAPPED, ipv4Bytes(text)]);
  if (family === 6) return ipv6Bytes(text);
  return undefined;
}

/** A rule from its text, or what is wrong with it. */
export function parseAclRule(text: string): AclRule | string {
  if (text.trim() === '') return `'${text}' is empty: give a prefix, "key NAME", or both`;
  const words = text.trim().split(/\s+/);
  let prefix: AclRule['prefix'];
  let key: Name | undefined;
  let keyText: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === 'key') {
      const k = words[++i];
      if (k === undefined) return `'${text}': 'key' needs a key name, as in "key xfr"`;
      if (key) return `'${text}': one key per rule (write one rule per key)`;
      const n = parseName(k.endsWith('.') ? k : `${k}.`);
      if (isNameError(n)) return `'${text}': key name: ${n.error}`;
      key = n;
      keyText = k;
      continue;
    }
    if (prefix) return `'${text}': one prefix per rule (write one rule per prefix)`;
    const [address, bitsText, extra] = w.split('/');
    if (extra !== undefined) return `'${text}': '${w}' is not an address or a prefix`;
    const bytes = addressBytes(address ?? '');
    if (!bytes) return `'${text}': '${w}' is not an address or a prefix such as 192.0.2.0/24, 2001:db8::/32 or "key NAME"`;
    const v4 = isIP(address!) === 4;
    const max = v4 ? 32 : 128;
    const bits = bitsText === undefined ? max : /^[0-9]{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
    if (!(bits >= 0 && bits <= max)) return `'${text}': prefix length /${bitsText} must be 0 to ${max}`;
    prefix = { bytes, bits: v4 ? bits + 96 : bits };
  }
  if (!prefix && !key) return `'${text}' is empty: give a prefix, "key NAME", or both`;
  return Object.freeze({ text, ...(prefix ? { prefix } : {}), ...(key ? { key: key.key, keyName: keyText } : {}) });
}

function inPrefix(address: Buffer, prefix: NonNullable<AclRule['prefix']>): boolean {
  const full = prefix.bits >> 3;
  for (let i = 0; i < full; i++) if (address[i] !== prefix.bytes[i]) return false;
  const rest = prefix.bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((address[full]! ^ prefix.bytes[full]!) & mask) === 0;
}

/**
 * Whether a request from `client` (an address as the socket reports it), signed with the key
 * whose name key is `key` (verified; undefined when unsigned), matches one of `rules`.
 */
export function aclAllows(rules: readonly AclRule[], client: string, key: string | undefined): boolean {
  const address = addressBytes(client.startsWith('::ffff:') && client.includes('.') ? client.slice(7) : client);
  for (const rule of rules) {
    if (rule.key !== undefined && rule.key !== key) continue;
    if (rule.prefix && (!address || !inPrefix(address, rule.prefix))) continue;
    return true;
  }
  return false;
}
