// The keys that say how a zone reaches its secondaries, in the shape of the configuration's:
//   transfer: { allow: [192.0.2.0/24, key xfr] }   adds to the global transfer.allow
//   transfer: none                                  no transfers of this zone at all
//   notify: [{ address: 192.0.2.53, port: 53, key: xfr }]   adds to the global notify targets
//   notify: none                                    no NOTIFY for this zone
//   group: provider-a                               the catalog zone's group property (RFC 9432 §4.4.2)

import { Buffer } from 'node:buffer';
import { isScalar } from 'yaml';
import { parseAclRule, type AclRule } from '../dns/acl.js';
import { isIP } from '../dns/ip.js';
import { isNameError, parseName } from '../dns/name.js';
import type { Entry, FieldReader } from './fields.js';

export const TRANSFER_KEYS = ['allow'] as const;
export const NOTIFY_KEYS = ['address', 'port', 'key'] as const;

export interface NotifyTargetSpec {
  readonly address: string;
  readonly port: number;
  /** The TSIG key's name key (Name.key), when the NOTIFY is signed. */
  readonly key?: string;
}

export interface ReplicationSpec {
  /** 'none': no transfers; a list: rules added to the global ones. */
  readonly transfer?: 'none' | readonly AclRule[];
  readonly notify?: 'none' | readonly NotifyTargetSpec[];
  readonly group?: string;
}

/** What the reader needs from the configuration: the names of the TSIG keys (as Name.key). */
export interface ReplicationDefaults {
  readonly tsigKeys?: ReadonlySet<string>;
}

function isNone(e: Entry): boolean {
  return isScalar(e.node) && (e.node.value === 'none' || e.node.value === false);
}

function checkKey(r: FieldReader, text: string, at: Entry['at'], keys: ReadonlySet<string> | undefined): string | undefined {
  const n = parseName(text.endsWith('.') ? text : `${text}.`);
  if (isNameError(n)) {
    r.error(at, `key name: ${n.error}`);
    return undefined;
  }
  if (!keys?.has(n.key)) {
    r.error(at, `no TSIG key '${text}' is configured (tsig.keys or tsig.keyFiles of the configuration)`);
    return undefined;
  }
  return n.key;
}

export function readTransfer(r: FieldReader, e: Entry, defaults: ReplicationDefaults): ReplicationSpec['transfer'] {
  if (isNone(e)) return 'none';
  const fields = r.entries(e.node, e.at, "'none', or { allow: [192.0.2.0/24, key xfr] }", TRANSFER_KEYS);
  const allow = fields?.find((f) => f.key === 'allow');
  if (!fields) return undefined;
  if (!allow) {
    r.error(e.at, "missing 'allow:': list prefixes and/or 'key NAME', or write transfer: none");
    return undefined;
  }
  const rules: AclRule[] = [];
  for (const item of r.items(allow.node, allow.at)) {
    const text = r.text(item.node, item.at, "a source prefix such as 192.0.2.0/24, or 'key NAME'");
    if (!text) continue;
    const rule = parseAclRule(text.text);
    if (typeof rule === 'string') {
      r.error(item.at, rule);
      continue;
    }
    if (rule.keyName !== undefined && checkKey(r, rule.keyName, item.at, defaults.tsigKeys) === undefined) continue;
    rules.push(rule);
  }
  return rules;
}

export function readNotify(r: FieldReader, e: Entry, defaults: ReplicationDefaults): ReplicationSpec['notify'] {
  if (isNone(e)) return 'none';
  const targets: NotifyTargetSpec[] = [];
  for (const item of r.items(e.node, e.at)) {
    const fields = r.entries(item.node, item.at, "a target such as { address: 192.0.2.53, port: 53, key: xfr }, or 'none'", NOTIFY_KEYS);
    if (!fields) continue;
    const get = (k: string): Entry | undefined => fields.find((f) => f.key === k);
    const addressEntry = get('address');
    if (!addressEntry) {
      r.error(item.at, "missing 'address:': the secondary's IP address");
      continue;
    }
    const address = r.text(addressEntry.node, addressEntry.at, 'an IP address');
    if (!address) continue;
    if (isIP(address.text) === 0) {
      r.error(address.at, `'${address.text}' is not an IP address`);
      continue;
    }
    const portEntry = get('port');
    const port = portEntry ? r.integer(portEntry.node, portEntry.at, 1, 65535) : 53;
    if (port === undefined) continue;
    const keyEntry = get('key');
    let key: string | undefined;
    if (keyEntry) {
      const text = r.text(keyEntry.node, keyEntry.at, 'the name of a configured TSIG key');
      key = text && checkKey(r, text.text, text.at, defaults.tsigKeys);
      if (key === undefined) continue;
    }
    targets.push({ address: address.text, port, ...(key !== undefined ? { key } : {}) });
  }
  return targets;
}

export function readGroup(r: FieldReader, e: Entry): string | undefined {
  const text = r.text(e.node, e.at, 'a group name, e.g. provider-a');
  if (!text) return undefined;
  if (Buffer.byteLength(text.text) > 255 || /[\x00-\x1f\x7f]/.test(text.text)) {
    r.error(text.at, 'a group name is one line of at most 255 bytes (it becomes a TXT string)');
    return undefined;
  }
  return text.text;
}
