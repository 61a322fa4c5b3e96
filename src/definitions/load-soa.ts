// The `soa:` section: contact address → RNAME, serial (`auto`, `dateserial` or a number), and
// the timers. A definition that extends another takes each field it does not write from there.

import { isScalar } from 'yaml';
import { isNameError, parseName, type Name } from '../dns/name.js';
import { MAX_TTL } from '../dns/records.js';
import type { At } from './diagnostics.js';
import type { Entry, FieldReader } from './fields.js';
import { autoSerial, dateSerial } from './serial.js';
import { MAX_SERIAL, SOA_DEFAULTS, SOA_KEYS, type SerialPolicy, type SoaSpec } from './schema.js';

/** The SOA of a definition with no `soa:` (or an empty one): the defaults, or the base's. */
export function defaultSoa(at: At, mtimeMs: number, base?: SoaSpec): SoaSpec {
  return base ?? { at, serial: autoSerial(mtimeMs), serialPolicy: 'auto', serialAt: at, ...SOA_DEFAULTS };
}

export function readSoa(r: FieldReader, e: Entry, mtimeMs: number, base?: SoaSpec): SoaSpec {
  const fields = r.entries(e.node, e.at, 'a mapping such as { contact: hostmaster@example.com, serial: auto }', SOA_KEYS) ?? [];
  const get = (k: string): Entry | undefined => fields.find((f) => f.key === k);
  const timer = (k: string, fallback: number): number => {
    const f = get(k);
    return (f && r.ttl(f.node, f.at, MAX_TTL)) ?? fallback;
  };
  const serialEntry = get('serial');
  const serial = serialEntry
    ? { ...readSerial(r, serialEntry, mtimeMs), serialAt: serialEntry.at }
    : base
      ? { serial: base.serial, serialPolicy: base.serialPolicy, serialAt: base.serialAt }
      : { serial: autoSerial(mtimeMs), serialPolicy: 'auto' as const, serialAt: e.keyAt };
  const soa = {
    at: e.keyAt,
    ...serial,
    refresh: timer('refresh', base?.refresh ?? SOA_DEFAULTS.refresh),
    retry: timer('retry', base?.retry ?? SOA_DEFAULTS.retry),
    expire: timer('expire', base?.expire ?? SOA_DEFAULTS.expire),
    negativeTtl: timer('negative-ttl', base?.negativeTtl ?? SOA_DEFAULTS.negativeTtl),
  };
  const contact = get('contact');
  const rname = contact ? readContact(r, contact) : base?.rname;
  // Optional: what a zone file imported may need to say (discodns import); a definition seldom does.
  const primaryEntry = get('primary');
  const primary = primaryEntry ? r.text(primaryEntry.node, primaryEntry.at, 'a host name, e.g. ns0.example.net.') : base?.primary;
  const ttlEntry = get('ttl');
  const ttl = ttlEntry ? r.ttl(ttlEntry.node, ttlEntry.at, MAX_TTL) : base?.ttl;
  return { ...soa, ...(rname ? { rname } : {}), ...(primary ? { primary } : {}), ...(ttl !== undefined ? { ttl } : {}) };
}

function readSerial(r: FieldReader, f: Entry, mtimeMs: number): { serial: number; serialPolicy: SerialPolicy } {
  const value = isScalar(f.node) ? f.node.value : undefined;
  if (value === 'auto') return { serial: autoSerial(mtimeMs), serialPolicy: 'auto' };
  if (value === 'dateserial') return { serial: dateSerial(mtimeMs), serialPolicy: 'dateserial' };
  if (typeof value === 'number') return { serial: r.integer(f.node, f.at, 0, MAX_SERIAL) ?? 0, serialPolicy: 'fixed' };
  r.error(f.at, `must be 'auto', 'dateserial' or a whole number from 0 to ${MAX_SERIAL}, not ${r.src.written(f.node ?? {}) || 'nothing'}`);
  return { serial: 0, serialPolicy: 'fixed' };
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
