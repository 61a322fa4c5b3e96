// BIND's key file format (dnssec-keygen(1)): K<zone>+<alg>+<tag>.key holds the DNSKEY as a
// zone-file line, K<zone>+<alg>+<tag>.private the private key (format v1.3) and its timings.
// dnssec-dsfromkey, ldns-key2ds, dnssec-signzone and ldns-signzone read both.

import { Buffer } from 'node:buffer';
import { ALGORITHM_NAMES, isAlgorithm, privateKeyBytes, privateKeyFromBytes, SEP_KEY, signingKey, type SigningKey } from '../dns/dnssec/key.js';
import { nameToText, type Name } from '../dns/name.js';

/** `K<zone>+<alg>+<tag>`, the zone with its final dot, as dnssec-keygen names them. */
export function keyFileBase(owner: Name, key: SigningKey): string {
  const zone = nameToText(owner).toLowerCase();
  return `K${zone}+${String(key.algorithm).padStart(3, '0')}+${String(key.keyTag).padStart(5, '0')}`;
}

/** YYYYMMDDHHMMSS (UTC), as BIND writes key timings. */
export function keyTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** The .key file: comments, then the DNSKEY record. */
export function formatPublicKeyFile(owner: Name, key: SigningKey, createdAt: number): string {
  const role = key.flags === SEP_KEY ? 'key-signing' : 'zone-signing';
  return (
    `; This is a ${role} key, keyid ${key.keyTag}, for ${nameToText(owner).toLowerCase()}\n` +
    `; Created: ${keyTime(createdAt)} (${new Date(createdAt * 1000).toUTCString()})\n` +
    `${nameToText(owner).toLowerCase()} IN DNSKEY ${key.flags} 3 ${key.algorithm} ${key.dnskey.publicKey.toString('base64')}\n`
  );
}

/** The .private file: what the key is and when it was made. Mode 0600: it signs for the zone. */
export function formatPrivateKeyFile(key: SigningKey, createdAt: number): string {
  return (
    'Private-key-format: v1.3\n' +
    `Algorithm: ${key.algorithm} (${ALGORITHM_NAMES[key.algorithm]})\n` +
    `PrivateKey: ${privateKeyBytes(key.algorithm, key.privateKey).toString('base64')}\n` +
    `Created: ${keyTime(createdAt)}\n` +
    `Publish: ${keyTime(createdAt)}\n` +
    `Activate: ${keyTime(createdAt)}\n`
  );
}

/** The signing key that a .private file's text and the flags of its .key file make, or why none. */
export function parsePrivateKeyFile(text: string, flags: number): SigningKey | { readonly error: string } {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line.trim());
    if (m) fields.set(m[1]!, m[2]!);
  }
  const algorithm = Number(/^([0-9]+)/.exec(fields.get('Algorithm') ?? '')?.[1]);
  if (!isAlgorithm(algorithm)) return { error: `algorithm '${fields.get('Algorithm') ?? ''}' is not one discodns signs with (13 or 15)` };
  const raw = fields.get('PrivateKey');
  if (!raw) return { error: 'no PrivateKey line' };
  const key = privateKeyFromBytes(algorithm, Buffer.from(raw, 'base64'));
  return 'error' in key ? key : signingKey(algorithm, flags, key);
}

/** The flags of the DNSKEY line in a .key file, or undefined. */
export function publicKeyFlags(text: string): number | undefined {
  const m = /\sDNSKEY\s+([0-9]+)\s+3\s+[0-9]+\s/.exec(text);
  return m ? Number(m[1]) : undefined;
}
