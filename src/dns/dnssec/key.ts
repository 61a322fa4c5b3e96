// Signing keys: a private KeyObject with the DNSKEY it publishes. Algorithm 13 (ECDSA P-256
// with SHA-256, RFC 6605) and 15 (Ed25519, RFC 8080) — the two RFC 8624 recommends for signing.
// KeyObjects are kept, never PEM text: node signs 20 times faster from a KeyObject.

import { Buffer } from 'node:buffer';
import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import type { DnskeyData } from '../rdata/dnskey.js';
import { rdataBytes } from '../rdata/index.js';
import { keyTag } from './keytag.js';

export const ALGORITHMS = [13, 15] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

export function isAlgorithm(n: number): n is Algorithm {
  return (ALGORITHMS as readonly number[]).includes(n);
}

/** The mnemonic BIND writes beside the number in key files (RFC 8624 §3.1). */
export const ALGORITHM_NAMES: Record<Algorithm, string> = { 13: 'ECDSAP256SHA256', 15: 'ED25519' };

/** DNSKEY flags (RFC 4034 §2.1.1): a zone key; with SEP (257), the key the parent's DS names. */
export const ZONE_KEY = 256;
export const SEP_KEY = 257;

export interface SigningKey {
  readonly algorithm: Algorithm;
  /** 257 for a KSK or CSK (the parent's DS points at it), 256 for a ZSK. */
  readonly flags: number;
  readonly dnskey: DnskeyData;
  readonly keyTag: number;
  /** Never logged, never exported unless asked (`discodns export --signed` does not). */
  readonly privateKey: KeyObject;
}

/** Private keys as they are stored (BIND's PrivateKey field): P-256's scalar d, Ed25519's seed. */
const PKCS8_PREFIX: Record<Algorithm, Buffer> = {
  // PrivateKeyInfo { version 0, ecPublicKey + prime256v1, ECPrivateKey { version 1, d } }
  13: Buffer.from('308141020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420', 'hex'),
  // PrivateKeyInfo { version 0, Ed25519, OCTET STRING { seed } }
  15: Buffer.from('302e020100300506032b657004220420', 'hex'),
};

const RAW_LENGTH = 32;

/** Why a key does not suit an algorithm, or undefined when it does. */
function keyProblem(algorithm: Algorithm, key: KeyObject): string | undefined {
  if (algorithm === 13) {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    return key.asymmetricKeyType === 'ec' && curve === 'prime256v1' ? undefined : `algorithm 13 needs an EC P-256 key, not ${key.asymmetricKeyType ?? 'a secret key'}`;
  }
  return key.asymmetricKeyType === 'ed25519' ? undefined : `algorithm 15 needs an Ed25519 key, not ${key.asymmetricKeyType ?? 'a secret key'}`;
}

/** The public key as DNSKEY carries it: P-256's x and y (RFC 6605 §4), Ed25519's 32 bytes (RFC 8080 §3). */
export function publicKeyBytes(algorithm: Algorithm, key: KeyObject): Buffer {
  const jwk = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'jwk' });
  const x = Buffer.from(jwk.x ?? '', 'base64url');
  return algorithm === 13 ? Buffer.concat([x, Buffer.from(jwk.y ?? '', 'base64url')]) : x;
}

/** The private key as BIND's key file stores it (the PrivateKey field, before base64). */
export function privateKeyBytes(algorithm: Algorithm, key: KeyObject): Buffer {
  const der = key.export({ format: 'der', type: 'pkcs8' });
  if (algorithm === 15) return Buffer.from(der.subarray(der.length - RAW_LENGTH));
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(jwk.d ?? '', 'base64url');
}

/** A private KeyObject from stored bytes (privateKeyBytes), or a message saying why not. */
export function privateKeyFromBytes(algorithm: Algorithm, raw: Uint8Array): KeyObject | { readonly error: string } {
  if (raw.length !== RAW_LENGTH) return { error: `the private key is ${raw.length} bytes; algorithm ${algorithm} keys are ${RAW_LENGTH}` };
  try {
    return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX[algorithm], raw]), format: 'der', type: 'pkcs8' });
  } catch (e) {
    return { error: `the private key is not a valid algorithm ${algorithm} key: ${(e as Error).message}` };
  }
}

/** The signing key of `privateKey` published with `flags`; throws (a bug) when the key does not suit the algorithm. */
export function signingKey(algorithm: Algorithm, flags: number, privateKey: KeyObject): SigningKey {
  const problem = keyProblem(algorithm, privateKey);
  if (problem) throw new Error(`bug: ${problem}`);
  const dnskey: DnskeyData = Object.freeze({ kind: 'DNSKEY', flags, protocol: 3, algorithm, publicKey: publicKeyBytes(algorithm, privateKey) });
  return Object.freeze({ algorithm, flags, dnskey, keyTag: keyTag(rdataBytes(dnskey)), privateKey });
}

/** The signature over `data` (RFC 6605 §4: r and s, 32 bytes each; RFC 8080 §4: 64 bytes). */
export function signData(key: SigningKey, data: Uint8Array): Buffer {
  const signature = key.algorithm === 13 ? sign('sha256', data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' }) : sign(null, data, key.privateKey);
  return keep(signature);
}

/**
 * Signatures are kept for days, a zone's forty of them: each is copied into a slab that holds
 * signatures only. In an ArrayBuffer of its own one costs some 200 bytes more; in Buffer's
 * shared pool it pins 8 KiB slabs full of short-lived garbage (20 KB a zone, measured).
 */
const SLAB = 64 * 1024;
let slab = Buffer.allocUnsafeSlow(SLAB);
let slabAt = 0;

function keep(signature: Buffer): Buffer {
  if (slabAt + signature.length > SLAB) {
    slab = Buffer.allocUnsafeSlow(SLAB);
    slabAt = 0;
  }
  const out = slab.subarray(slabAt, slabAt + signature.length);
  signature.copy(out);
  slabAt += signature.length;
  return out;
}
