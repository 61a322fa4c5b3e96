// The `soa:` section: contact address → RNAME, serial (`auto` or a number), and the timers.

import { isScalar } from 'yaml';
import { isNameError, parseName, type Name } from '../dns/name.js';
import { MAX_TTL } from '../dns/records.js';
import type { Entry, FieldReader } from './fields.js';
import { autoSerial } from './serial.js';
import { MAX_SERIAL, SOA_DEFAULTS, SOA_KEYS, type SoaSpec } from './schema.js';

export function readSoa(r: FieldReader, e: Entry, mtimeMs: number): SoaSpec {
  const fields = r.entries(e.node, e.at, 'a mapping such as { contact: hostmaster@example.com, serial: auto }', SOA_KEYS) ?? [];
  const get = (k: string): Entry | undefined => fields.find((f) => f.key === k);
  const timer = (k: string, fallback: number): number => {
    const f = get(k);
    return (f && r.ttl(f.node, f.at, MAX_TTL)) ?? fallback;
  };
  const soa = {
    at: e.keyAt,
    serial: readSerial(r, get('serial'), mtimeMs),
    refresh: timer('refresh', SOA_DEFAULTS.refresh),
    retry: timer('retry', SOA_DEFAULTS.retry),
    expire: timer('expire', SOA_DEFAULTS.expire),
    negativeTtl: timer('negative-ttl', SOA_DEFAULTS.negativeTtl),
  };
  const contact = get('contact');
  const rname = contact && readContact(r, contact);
  // Optional: what a zone file imported may need to say (discodns import); a definition seldom does.
  const primaryEntry = get('primary');
  const primary = primaryEntry && r.text(primaryEntry.node, primaryEntry.at, 'a host name, e.g. ns0.example.net.');
  const ttlEntry = get('ttl');
  const ttl = ttlEntry && r.ttl(ttlEntry.node, ttlEntry.at, MAX_TTL);
  return { ...soa, ...(rname ? { rname } : {}), ...(primary ? { primary } : {}), ...(ttl !== undefined ? { ttl } : {}) };
}

function readSerial(r: FieldReader, f: Entry | undefined, mtimeMs: number): number {
  if (!f || (isScalar(f.node) && f.node.value === 'auto')) return autoSerial(mtimeMs);
  if (isScalar(f.node) && typeof f.node.value === 'number') return r.integer(f.node, f.at, 0, MAX_SERIAL) ?? 0;
  r.error(f.at, `must be 'auto' or a whole number from 0 to ${MAX_SERIAL}, not ${r.src.written(f.node ?? {}) || 'nothing'}`);
  return 0;
}

/**
 * `local@domain` → `local.domain.` (RFC 1035 §8: the first label is the mailbox, so its own
 * dots are escaped). The domain of an address is always absolute.
 */
function readContact(r: FieldReader, f: Entry): Name | undefined {
  const written = r.text(f.node, f.at, 'an email address, e.g. hostmaster@example.com');
  if (!written) return undefined;
  const text = written.text;
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) {
    r.error(f.at, `'${text}' is not an email address: write it as hostmaster@example.com`);
    return undefined;
  }
  const local = text.slice(0, at).replace(/[.\\]/g, (c) => '\\' + c);
  const domain = text.slice(at + 1);
  const rname = parseName(`${local}.${domain.endsWith('.') ? domain : domain + '.'}`);
  if (isNameError(rname)) {
    r.error(f.at, `contact ${rname.error}`);
    return undefined;
  }
  return rname;
}
