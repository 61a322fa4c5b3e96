// DNSSEC keys in the state directory: one directory per key set, <state>/keys/<keyset>/, with
// each key in BIND's K<zone>+<alg>+<tag>.key/.private files (mode 0600, readable by
// dnssec-dsfromkey and ldns-key2ds) and a `timings` file saying when each key was published,
// made active, retired and removed. A zone's key set is named after the zone; a `zones:`
// definition's zones share one, `@<file name>` (as Knot's shared KSK: the DS still differs per
// zone, since it digests the zone's name).
//
// Rollovers (RFC 6781, RFC 7583), decided by `advance` from the timings and the clock:
// - ZSK (with split keys), pre-publish: a new ZSK is published, signs once every cache has
//   seen it (DNSKEY TTL + an hour), and the old one stays published two days more.
// - KSK or CSK, double signature: the new key is published and signs the DNSKEY set beside
//   the old; CDS/CDNSKEY name it. Only when its DS has been seen at the parent (`discodns ctl
//   ds-seen`, or dnssec.dsCheck asking a resolver) and the parent's DS TTL has passed does it
//   take over, and the old key is retired.

import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { SEP_KEY, signingKey, ZONE_KEY, type Algorithm, type SigningKey } from '../dns/dnssec/key.js';
import type { ActiveKeys } from '../dns/dnssec/sign.js';
import type { Denial, ZoneKeys } from '../dns/dnssec/signed-zone.js';
import { DAY, HOUR } from '../dns/dnssec/window.js';
import { isNameError, nameToText, parseName, type Name } from '../dns/name.js';
import { writeFileAtomic } from './state.js';
import { formatPrivateKeyFile, formatPublicKeyFile, keyFileBase, parsePrivateKeyFile, publicKeyFlags } from './keyfiles.js';

export type KeyRole = 'csk' | 'ksk' | 'zsk';
export type CdsPolicy = 'always' | 'rollover' | 'none';

export interface KeyPolicy {
  readonly algorithm: Algorithm;
  /** A KSK and a ZSK, rather than one combined signing key. */
  readonly split: boolean;
  readonly cds: CdsPolicy;
  /** Seconds a ZSK signs before it is rolled; 0: never. */
  readonly zskLifetime: number;
  /** Seconds a KSK or CSK signs before a roll starts; 0: only when asked (`discodns ctl key-roll`). */
  readonly kskLifetime: number;
  /** Seconds to wait after the new DS is seen at the parent: the parent's DS TTL. */
  readonly parentDsTtl: number;
}

/** Time for a change to reach every secondary and cache beyond the TTLs themselves. */
export const PROPAGATION = HOUR;
/** How long a retired key stays in the DNSKEY set: longer than any TTL signed with it. */
export const RETIRE_WAIT = 2 * DAY;

export interface KeyTimes {
  created: number;
  published: number;
  active: number | undefined;
  retired: number | undefined;
  removed: number | undefined;
  /** When the parent was seen to carry this key's DS (KSK and CSK). */
  dsSeen: number | undefined;
}

export interface StoredKey {
  readonly role: KeyRole;
  readonly key: SigningKey;
  /** `K<zone>+<alg>+<tag>`: the files' base name. */
  readonly file: string;
  readonly times: KeyTimes;
}

export type KeyState = 'published' | 'active' | 'retired' | 'removed';

export function keyState(k: StoredKey): KeyState {
  const t = k.times;
  if (t.removed !== undefined) return 'removed';
  if (t.retired !== undefined) return 'retired';
  if (t.active !== undefined) return 'active';
  return 'published';
}

const sep = (k: StoredKey): boolean => k.role !== 'zsk';

/** A key set's directory name for a zone (its name) or a `zones:` definition (`@` and its file's name). */
export function keysetName(zone: Name, shared: string | undefined): string {
  return shared ?? nameToText(zone).slice(0, -1).toLowerCase();
}

const TIMINGS_HEADER = `# discodns DNSSEC key timings, written by discodns. One line per key; times in seconds
# since 1970, - for not yet. The keys themselves are the K*.key and K*.private files beside it.
# tag role file created published active retired removed ds-seen
`;

const time = (t: number | undefined): string => (t === undefined ? '-' : String(Math.floor(t)));
const parseTime = (s: string | undefined): number | undefined => (s === undefined || s === '-' ? undefined : Number(s));

/** The keys of one key set, and the decisions about them. */
export class Keyset {
  #zoneKeys: Map<string, ZoneKeys> = new Map();
  #active: ActiveKeys | undefined;

  constructor(
    readonly name: string,
    readonly dir: string,
    /** The zone named in the key files (the first zone, for a shared set). */
    readonly owner: Name,
    readonly keys: StoredKey[],
  ) {}

  /** Keys in the DNSKEY set: published, not removed. */
  published(): StoredKey[] {
    return this.keys.filter((k) => keyState(k) !== 'removed');
  }

  /** A SEP key published and waiting for its DS at the parent. */
  pending(): StoredKey | undefined {
    return this.keys.find((k) => sep(k) && keyState(k) === 'published');
  }

  /** What signs now (the same object until the keys change: the signature store compares it). */
  active(): ActiveKeys {
    if (!this.#active) {
      const signing = (k: StoredKey): boolean => keyState(k) === 'active';
      this.#active = Object.freeze({
        // Double signature (RFC 6781 §4.1.2): a SEP key waiting for its DS signs the DNSKEY set too.
        keySigning: Object.freeze(this.keys.filter((k) => sep(k) && (signing(k) || keyState(k) === 'published')).map((k) => k.key)),
        zoneSigning: Object.freeze(this.keys.filter((k) => signing(k) && k.role !== 'ksk').map((k) => k.key)),
      });
    }
    return this.#active;
  }

  /** The DNSKEY set and CDS keys every zone of the set publishes (RFC 7344 §4: CDS names the DS wanted). */
  zoneKeys(denial: Denial, cds: CdsPolicy): ZoneKeys {
    let z = this.#zoneKeys.get(`${denial}/${cds}`);
    if (!z) {
      const pending = this.pending();
      const current = this.keys.filter((k) => sep(k) && keyState(k) === 'active');
      const wanted = cds === 'none' ? [] : pending ? [pending] : cds === 'always' ? current : [];
      z = Object.freeze({ dnskeys: Object.freeze(this.published().map((k) => k.key.dnskey)), cds: Object.freeze(wanted.map((k) => k.key.dnskey)), denial });
      this.#zoneKeys.set(`${denial}/${cds}`, z);
    }
    return z;
  }

  /** Forgets what was derived from the keys, after they changed. */
  changed(): void {
    this.#zoneKeys = new Map();
    this.#active = undefined;
  }

  timingsText(): string {
    const lines = this.keys.map((k) => {
      const t = k.times;
      return `${k.key.keyTag} ${k.role} ${k.file} ${time(t.created)} ${time(t.published)} ${time(t.active)} ${time(t.retired)} ${time(t.removed)} ${time(t.dsSeen)}\n`;
    });
    return `${TIMINGS_HEADER}owner ${nameToText(this.owner).toLowerCase()}\n${lines.join('')}`;
  }
}

/** What advance decided: the keys to make (the caller writes them), and whether anything changed. */
export interface Advance {
  readonly changed: boolean;
  readonly newKeys: readonly KeyRole[];
  /** Why, in words for the log. */
  readonly events: readonly string[];
}

/**
 * Moves the key set's rollovers on by what `now` allows (see the top of this file). `dnskeyTtl`:
 * the longest TTL the set's DNSKEY records are served with; `rollRequested`: an operator asked
 * for a KSK/CSK roll. New keys are asked for, not made: the caller makes and stores them.
 */
export function advance(set: Keyset, policy: KeyPolicy, now: number, dnskeyTtl: number, rollRequested: boolean): Advance {
  const events: string[] = [];
  const newKeys: KeyRole[] = [];
  let changed = false;
  const seenBy = (k: StoredKey, ttl: number): boolean => now >= k.times.published + ttl + PROPAGATION;
  const of = (role: KeyRole, state: KeyState): StoredKey | undefined => set.keys.find((k) => k.role === role && keyState(k) === state);

  if (policy.split) {
    const active = of('zsk', 'active');
    const next = of('zsk', 'published');
    if (next && seenBy(next, dnskeyTtl)) {
      next.times.active = now;
      if (active) active.times.retired = now;
      changed = true;
      events.push(`ZSK ${next.key.keyTag} signs now${active ? `; ZSK ${active.key.keyTag} retired` : ''}`);
    } else if (!next && active && policy.zskLifetime > 0 && now >= active.times.active! + policy.zskLifetime) {
      newKeys.push('zsk');
      events.push(`ZSK ${active.key.keyTag} has signed for its lifetime: a new ZSK is published`);
    }
  }
  const role: KeyRole = policy.split ? 'ksk' : 'csk';
  const active = of(role, 'active');
  const next = of(role, 'published');
  if (next) {
    const ds = next.times.dsSeen;
    if (ds !== undefined && now >= ds + policy.parentDsTtl + PROPAGATION && seenBy(next, dnskeyTtl)) {
      next.times.active = now;
      if (active) active.times.retired = now;
      changed = true;
      events.push(`${role.toUpperCase()} ${next.key.keyTag} signs now (its DS was seen at the parent)${active ? `; ${role.toUpperCase()} ${active.key.keyTag} retired` : ''}`);
    }
  } else if (active && (rollRequested || (policy.kskLifetime > 0 && now >= active.times.active! + policy.kskLifetime))) {
    newKeys.push(role);
    events.push(`${role.toUpperCase()} ${active.key.keyTag} is being rolled${rollRequested ? ' (asked for)' : ' (lifetime reached)'}: a new key is published; give the parent its DS, then run discodns ctl ds-seen`);
  }
  for (const k of set.keys) {
    if (keyState(k) === 'retired' && now >= k.times.retired! + RETIRE_WAIT) {
      k.times.removed = now;
      changed = true;
      events.push(`${k.role.toUpperCase()} ${k.key.keyTag} removed from the DNSKEY set`);
    }
  }
  if (changed) set.changed();
  return { changed, newKeys, events };
}

/** A new private key for `algorithm`. */
export function generateKey(algorithm: Algorithm, flags: number): SigningKey {
  const { privateKey } = algorithm === 13 ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) : generateKeyPairSync('ed25519');
  return signingKey(algorithm, flags, privateKey);
}

/** Reads a key set's directory; a problem is a message naming the file. */
export function readKeyset(name: string, dir: string): Keyset | { readonly error: string } {
  let text: string;
  try {
    text = readFileSync(path.join(dir, 'timings'), 'utf8');
  } catch (e) {
    return { error: `${path.join(dir, 'timings')}: ${(e as Error).message}` };
  }
  let owner: Name | undefined;
  const keys: StoredKey[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `${path.join(dir, 'timings')}:${i + 1}`;
    const o = /^owner (\S+)$/.exec(line);
    if (o) {
      const n = parseName(o[1]!);
      if (isNameError(n)) return { error: `${where}: owner: ${n.error}` };
      owner = n;
      continue;
    }
    const f = line.split(/\s+/);
    if (f.length !== 9 || !['csk', 'ksk', 'zsk'].includes(f[1]!) || !/^K[^/]+$/.test(f[2]!)) return { error: `${where}: not a key line (tag role file created published active retired removed ds-seen)` };
    const file = f[2]!;
    let privateText: string;
    let publicText: string;
    try {
      privateText = readFileSync(path.join(dir, `${file}.private`), 'utf8');
      publicText = readFileSync(path.join(dir, `${file}.key`), 'utf8');
    } catch (e) {
      return { error: `${where}: key ${file}: ${(e as Error).message}` };
    }
    const flags = publicKeyFlags(publicText);
    if (flags === undefined) return { error: `${path.join(dir, `${file}.key`)}: no DNSKEY line` };
    const key = parsePrivateKeyFile(privateText, flags);
    if ('error' in key) return { error: `${path.join(dir, `${file}.private`)}: ${key.error}` };
    if (String(key.keyTag) !== f[0]) return { error: `${where}: key tag ${f[0]} does not match the key in ${file}.private (${key.keyTag})` };
    const times = f.slice(3).map(parseTime);
    if (times.some((t) => t !== undefined && !Number.isFinite(t)) || times[0] === undefined || times[1] === undefined) return { error: `${where}: bad times` };
    keys.push({ role: f[1] as KeyRole, key, file, times: { created: times[0], published: times[1], active: times[2], retired: times[3], removed: times[4], dsSeen: times[5] } });
  }
  if (!owner) return { error: `${path.join(dir, 'timings')}: no owner line` };
  if (keys.length === 0) return { error: `${path.join(dir, 'timings')}: no keys` };
  return new Keyset(name, dir, owner, keys);
}

/** The key sets under <state>/keys: read, made on first need, and written back when they change. */
export class KeyStore {
  readonly dir: string;
  private readonly sets = new Map<string, Keyset>();

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, 'keys');
  }

  /** The key set `name`, from memory, from disk, or made now (and written, atomically) with `policy`. */
  async keyset(name: string, owner: Name, policy: KeyPolicy, now: number): Promise<Keyset | { readonly error: string }> {
    const known = this.sets.get(name);
    if (known) return known;
    const dir = path.join(this.dir, name);
    let exists = false;
    try {
      exists = statSync(dir).isDirectory();
    } catch {
      /* made below */
    }
    if (!exists) {
      const made = await this.create(name, owner, policy, now);
      if ('error' in made) return made;
    }
    const set = readKeyset(name, dir);
    if (!('error' in set)) this.sets.set(name, set);
    return set;
  }

  /** A key set read from disk only (`discodns ds`): undefined when it was never made. */
  existing(name: string): Keyset | { readonly error: string } | undefined {
    const dir = path.join(this.dir, name);
    try {
      statSync(dir);
    } catch {
      return undefined;
    }
    return readKeyset(name, dir);
  }

  /** Names of the key sets on disk. */
  names(): string[] {
    try {
      return readdirSync(this.dir).filter((n) => !n.startsWith('.'));
    } catch {
      return [];
    }
  }

  /**
   * Makes a key set in a temporary directory and renames it into place: a crash leaves nothing
   * half made, and a second process making the same set at once loses the rename and uses the
   * winner's keys.
   */
  private async create(name: string, owner: Name, policy: KeyPolicy, now: number): Promise<{ readonly ok: true } | { readonly error: string }> {
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      const temp = path.join(this.dir, `.new-${name}-${process.pid}-${Math.floor(Math.random() * 1e9)}`);
      await mkdir(temp, { mode: 0o700 });
      const roles: KeyRole[] = policy.split ? ['ksk', 'zsk'] : ['csk'];
      const keys: StoredKey[] = [];
      for (const role of roles) {
        const key = uniqueKey(policy.algorithm, role, keys);
        const file = keyFileBase(owner, key);
        await writeKeyFiles(temp, owner, key, file, now);
        keys.push({ role, key, file, times: { created: now, published: now, active: now, retired: undefined, removed: undefined, dsSeen: undefined } });
      }
      await writeFileAtomic(path.join(temp, 'timings'), new Keyset(name, temp, owner, keys).timingsText());
      try {
        await rename(temp, path.join(this.dir, name));
      } catch (e) {
        await rm(temp, { recursive: true, force: true });
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
      }
      return { ok: true };
    } catch (e) {
      return { error: `cannot make DNSSEC keys in ${path.join(this.dir, name)}: ${(e as Error).message}` };
    }
  }

  /** Adds new keys of `roles` to a set (a rollover), then its timings. */
  async addKeys(set: Keyset, roles: readonly KeyRole[], algorithm: Algorithm, now: number): Promise<void> {
    for (const role of roles) {
      const key = uniqueKey(algorithm, role, set.keys);
      const file = keyFileBase(set.owner, key);
      await writeKeyFiles(set.dir, set.owner, key, file, now);
      set.keys.push({ role, key, file, times: { created: now, published: now, active: undefined, retired: undefined, removed: undefined, dsSeen: undefined } });
    }
    set.changed();
    await this.save(set);
  }

  async save(set: Keyset): Promise<void> {
    await writeFileAtomic(path.join(set.dir, 'timings'), set.timingsText());
  }

  /** Sets made or read so far. */
  loaded(): Iterable<Keyset> {
    return this.sets.values();
  }
}

/** A new key whose tag no other key of the set has (RFC 4034 Appendix B: tags collide). */
function uniqueKey(algorithm: Algorithm, role: KeyRole, others: readonly StoredKey[]): SigningKey {
  for (;;) {
    const key = generateKey(algorithm, role === 'zsk' ? ZONE_KEY : SEP_KEY);
    if (!others.some((k) => k.key.keyTag === key.keyTag)) return key;
  }
}

async function writeKeyFiles(dir: string, owner: Name, key: SigningKey, file: string, now: number): Promise<void> {
  await writeFileAtomic(path.join(dir, `${file}.private`), formatPrivateKeyFile(key, now));
  await writeFileAtomic(path.join(dir, `${file}.key`), formatPublicKeyFile(owner, key, now));
}

/** Operator requests beside a key set: `ds-seen` (zone and time per line) and `roll`. */
export function readDsSeen(set: Keyset): Map<string, number> {
  const seen = new Map<string, number>();
  let text = '';
  try {
    text = readFileSync(path.join(set.dir, 'ds-seen'), 'utf8');
  } catch {
    return seen;
  }
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+([0-9]+)$/.exec(line.trim());
    if (m) seen.set(m[1]!.toLowerCase(), Math.max(seen.get(m[1]!.toLowerCase()) ?? 0, Number(m[2])));
  }
  return seen;
}

/** Appends "the parent carries the DS for `zone` as of `now`" for the server to act on. */
export async function recordDsSeen(set: Keyset, zone: string, now: number): Promise<void> {
  const file = path.join(set.dir, 'ds-seen');
  let before = '';
  try {
    before = readFileSync(file, 'utf8');
  } catch {
    /* first */
  }
  await writeFileAtomic(file, `${before}${zone.toLowerCase()} ${Math.floor(now)}\n`);
}

/** When an operator last asked for a KSK/CSK roll of the set, if ever. */
export function rollRequestedAt(set: Keyset): number | undefined {
  try {
    return Number(readFileSync(path.join(set.dir, 'roll'), 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

export async function requestRoll(set: Keyset, now: number): Promise<void> {
  await writeFileAtomic(path.join(set.dir, 'roll'), `${Math.floor(now)}\n`);
}

/** The keys directory exists and is private (mode 0700), for callers that only read. */
export function ensureKeysDir(stateDir: string): void {
  mkdirSync(path.join(stateDir, 'keys'), { recursive: true, mode: 0o700 });
}
