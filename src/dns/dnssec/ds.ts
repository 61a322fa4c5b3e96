// DS records for the parent (RFC 4034 §5.1.4, RFC 4509): a digest of the child's owner name and
// DNSKEY rdata. SHA-256 (digest type 2) is what RFC 8624 says to publish.

import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import type { Name } from '../name.js';
import type { DnskeyData } from '../rdata/dnskey.js';
import type { DsData } from '../rdata/ds.js';
import { rdataBytes } from '../rdata/index.js';
import { keyTag } from './keytag.js';

export const DIGEST_SHA256 = 2;

/** The SHA-256 DS of the DNSKEY `key` at `owner` (the zone's apex). */
export function dsOf(owner: Name, key: DnskeyData): DsData {
  const rdata = rdataBytes(key);
  const digest = createHash('sha256').update(Buffer.from(owner.key, 'latin1')).update(rdata).digest();
  return Object.freeze({ kind: 'DS', keyTag: keyTag(rdata), algorithm: key.algorithm, digestType: DIGEST_SHA256, digest });
}
