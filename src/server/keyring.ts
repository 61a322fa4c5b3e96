// The TSIG keyring: keys from the configuration and from key files (BIND's format), read once at
// start-up. Every problem names the key or file; a secret is never part of a message.

import { readFileSync, statSync } from 'node:fs';
import type { Config } from '../config.js';
import { parseAclRule } from '../dns/acl.js';
import { nameToText } from '../dns/name.js';
import { makeKey, parseKeyFile } from '../wire/tsig-keyfile.js';
import { keyName, type Keyring, type TsigKey } from '../wire/tsig.js';

export interface LoadedKeyring {
  readonly keyring: Keyring;
  /** Not fatal: a key file others can read. */
  readonly warnings: readonly string[];
}

/** The keyring of `config`, or the first problem that stops start-up. */
export function loadKeyring(config: Pick<Config, 'tsig' | 'transfer' | 'notify'>): LoadedKeyring | { error: string } {
  const keys = new Map<string, TsigKey>();
  const warnings: string[] = [];
  const add = (key: TsigKey, where: string): string | undefined => {
    if (keys.has(key.name.key)) return `${where}: key "${textOf(key)}" is defined twice`;
    keys.set(key.name.key, key);
    return undefined;
  };
  for (const [i, k] of config.tsig.keys.entries()) {
    const key = makeKey(k.name, k.algorithm, k.secret, config.tsig.allowWeak);
    if (typeof key === 'string') return { error: `tsig.keys[${i}] (${k.name}): ${key}` };
    const dup = add(key, `tsig.keys[${i}]`);
    if (dup) return { error: dup };
  }
  for (const [i, file] of config.tsig.keyFiles.entries()) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
      // A secret in a file anyone can read is no secret: say so, keep going (it may be a test box).
      if ((statSync(file).mode & 0o004) !== 0) warnings.push(`tsig.keyFiles[${i}]: ${file} is readable by every user: chmod 600 (or 640 with the service's group)`);
    } catch (e) {
      return { error: `tsig.keyFiles[${i}]: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
    }
    const parsed = parseKeyFile(text, config.tsig.allowWeak);
    const problem = parsed.problems[0];
    if (problem) return { error: `tsig.keyFiles[${i}]: ${file}:${problem.line}: ${problem.message}` };
    if (parsed.keys.length === 0) return { error: `tsig.keyFiles[${i}]: ${file} holds no key clause (key "name" { algorithm …; secret "…"; };)` };
    for (const key of parsed.keys) {
      const dup = add(key, `tsig.keyFiles[${i}] (${file})`);
      if (dup) return { error: dup };
    }
  }
  const known = (): string => (keys.size ? `the keys are ${[...keys.values()].map(textOf).join(', ')}` : 'no key is configured (tsig.keys, tsig.keyFiles)');
  for (const [i, text] of config.transfer.allow.entries()) {
    const rule = parseAclRule(text);
    if (typeof rule !== 'string' && rule.key !== undefined && !keys.has(rule.key)) return { error: `transfer.allow[${i}]: no TSIG key '${rule.keyName}': ${known()}` };
  }
  for (const [i, target] of config.notify.entries()) {
    if (target.key === undefined) continue;
    const n = keyName(target.key);
    if (typeof n === 'string' || !keys.has(n.key)) return { error: `notify[${i}].key: no TSIG key '${target.key}': ${known()}` };
  }
  return { keyring: keys, warnings };
}

function textOf(key: TsigKey): string {
  return nameToText(key.name).replace(/\.$/, '') || '.';
}
