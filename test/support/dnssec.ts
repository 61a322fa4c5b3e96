// DNSSEC test helpers: a fixed Ed25519 key (RFC 8080 signatures are deterministic, so the
// same key and times give the same bytes as ldns-signzone and dnssec-signzone), a signer with
// fixed times, and the example zone signed with them.

import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { privateKeyFromBytes, SEP_KEY, signingKey, type Algorithm, type SigningKey } from '../../src/dns/dnssec/key.js';
import { keysFor, rrsigRRset, signRRset, type ActiveKeys, type ValidityWindow } from '../../src/dns/dnssec/sign.js';
import { SignedZone, type Denial, type ZoneSignatures } from '../../src/dns/dnssec/signed-zone.js';
import type { RRset } from '../../src/dns/records.js';
import type { Zone } from '../../src/dns/zone.js';

/** A key from a fixed seed: the same key in every run. */
export function fixedKey(seedText: string, algorithm: Algorithm = 15, flags = SEP_KEY): SigningKey {
  const seed = createHash('sha256').update(seedText).digest();
  const key = privateKeyFromBytes(algorithm, seed);
  if ('error' in key) throw new Error(key.error);
  return signingKey(algorithm, flags, key);
}

export const TEST_KEY = fixedKey('discodns test key');

/** 2025-01-01 to 2025-01-15, 00:00 UTC. */
export const FIXED_WINDOW: ValidityWindow = { inception: Date.UTC(2025, 0, 1) / 1000, expiration: Date.UTC(2025, 0, 15) / 1000 };

/** Signs every RRset it is asked for, with fixed times, and counts the signatures. */
export class FixedSignatures implements ZoneSignatures {
  made = 0;
  constructor(
    private readonly keys: ActiveKeys,
    private readonly window: ValidityWindow = FIXED_WINDOW,
  ) {}
  rrsig(zone: SignedZone, rrset: RRset): RRset {
    const rrsigs = keysFor(rrset.type, this.keys).map((k) => signRRset(rrset, k, zone.origin, this.window));
    this.made += rrsigs.length;
    return rrsigRRset(rrset, rrsigs);
  }
  rrsigOnce(zone: SignedZone, rrset: RRset): RRset {
    return this.rrsig(zone, rrset);
  }
}

/** `zone` signed by one CSK with fixed times. */
export function signedWith(zone: Zone, key: SigningKey = TEST_KEY, denial: Denial = 'nsec', window?: ValidityWindow): SignedZone {
  const keys = { keySigning: [key], zoneSigning: [key] };
  return new SignedZone(zone, { dnskeys: [key.dnskey], cds: [key.dnskey], denial }, new FixedSignatures(keys, window));
}

/** Whether a command is on the PATH. */
export function installed(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}
