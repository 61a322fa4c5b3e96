// Keys in the state directory and their rollovers (server/keys.ts, server/dnssec.ts): a key
// set made once, atomically, even by two processes at once; ZSK pre-publish; KSK/CSK double
// signature that waits for the DS at the parent (ds-seen) and its TTL; CDS per policy.

import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { name } from '../../src/dns/name.js';
import { pino } from 'pino';
import { Dnssec } from '../../src/server/dnssec.js';
import { advance, keyState, KeyStore, PROPAGATION, readKeyset, recordDsSeen, requestRoll, RETIRE_WAIT, type KeyPolicy, type Keyset } from '../../src/server/keys.js';
import type { ZoneInput } from '../../src/server/snapshot.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const stateDir = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), 'discodns-keys-'));
  dirs.push(d);
  return d;
};

const CSK: KeyPolicy = { algorithm: 13, split: false, cds: 'always', zskLifetime: 0, kskLifetime: 0, parentDsTtl: 86400 };
const SPLIT: KeyPolicy = { ...CSK, split: true, zskLifetime: 30 * 86400 };
const T0 = 1_800_000_000;
const TTL = 3600;
const origin = name('example.com.');

async function made(policy: KeyPolicy): Promise<{ store: KeyStore; set: Keyset }> {
  const store = new KeyStore(stateDir());
  const set = await store.keyset('example.com', origin, policy, T0);
  if ('error' in set) throw new Error(set.error);
  return { store, set };
}

describe('key sets in the state directory', () => {
  it('are made once and read back the same', async () => {
    const { store, set } = await made(CSK);
    expect(set.keys.map((k) => k.role)).toEqual(['csk']);
    const again = readKeyset('example.com', path.join(store.dir, 'example.com'));
    if ('error' in again) throw new Error(again.error);
    expect(again.keys.map((k) => k.key.keyTag)).toEqual(set.keys.map((k) => k.key.keyTag));
    expect(again.keys[0]!.key.dnskey.publicKey).toEqual(set.keys[0]!.key.dnskey.publicKey);
  });

  it('made by two processes at once: one set, the same keys for both, no temporary directory left', async () => {
    const dir = stateDir();
    const [a, b] = await Promise.all([new KeyStore(dir).keyset('x.test', name('x.test.'), CSK, T0), new KeyStore(dir).keyset('x.test', name('x.test.'), CSK, T0)]);
    if ('error' in a || 'error' in b) throw new Error('not made');
    expect(a.keys[0]!.key.keyTag).toBe(b.keys[0]!.key.keyTag);
    expect(readdirSync(path.join(dir, 'keys'))).toEqual(['x.test']);
  });

  it('a KSK and a ZSK with split keys', async () => {
    const { set } = await made(SPLIT);
    expect(set.keys.map((k) => [k.role, k.key.flags])).toEqual([
      ['ksk', 257],
      ['zsk', 256],
    ]);
    const active = set.active();
    expect(active.keySigning.map((k) => k.flags)).toEqual([257]);
    expect(active.zoneSigning.map((k) => k.flags)).toEqual([256]);
  });

  it('a key set that cannot be read is an error naming the file', async () => {
    const { store } = await made(CSK);
    rmSync(path.join(store.dir, 'example.com', 'timings'));
    const r = readKeyset('example.com', path.join(store.dir, 'example.com'));
    expect('error' in r && r.error).toMatch(/timings: ENOENT/);
  });
});

describe('ZSK rollover, pre-publish (RFC 6781 §4.1.1.1)', () => {
  it('publishes a new ZSK at the end of its lifetime, signs with it after the DNSKEY TTL, removes the old two days later', async () => {
    const { store, set } = await made(SPLIT);
    const zsk = set.keys[1]!;
    expect(advance(set, SPLIT, T0 + 29 * 86400, TTL, false).newKeys).toEqual([]);
    const due = advance(set, SPLIT, T0 + 30 * 86400, TTL, false);
    expect(due.newKeys).toEqual(['zsk']);
    await store.addKeys(set, due.newKeys, 13, T0 + 30 * 86400);
    const next = set.keys[2]!;
    expect(keyState(next)).toBe('published');
    expect(set.zoneKeys('nsec', 'always').dnskeys).toHaveLength(3);
    expect(set.active().zoneSigning).toEqual([zsk.key]);
    const t1 = T0 + 30 * 86400 + TTL + PROPAGATION;
    expect(advance(set, SPLIT, t1 - 1, TTL, false).changed).toBe(false);
    expect(advance(set, SPLIT, t1, TTL, false).changed).toBe(true);
    expect(set.active().zoneSigning).toEqual([next.key]);
    expect(keyState(zsk)).toBe('retired');
    expect(set.zoneKeys('nsec', 'always').dnskeys).toHaveLength(3);
    advance(set, SPLIT, t1 + RETIRE_WAIT, TTL, false);
    expect(keyState(zsk)).toBe('removed');
    expect(set.zoneKeys('nsec', 'always').dnskeys).toHaveLength(2);
  });
});

describe('CSK rollover, double signature, waiting for the DS at the parent', () => {
  it('the new key signs the DNSKEY set beside the old, is named in CDS, and takes over only after ds-seen and the DS TTL', async () => {
    const { store, set } = await made(CSK);
    const old = set.keys[0]!;
    expect(set.zoneKeys('nsec', 'always').cds).toEqual([old.key.dnskey]);
    expect(set.zoneKeys('nsec', 'rollover').cds).toEqual([]);
    const start = advance(set, CSK, T0 + 1000, TTL, true);
    expect(start.newKeys).toEqual(['csk']);
    await store.addKeys(set, ['csk'], 13, T0 + 1000);
    const next = set.keys[1]!;
    expect(set.active().keySigning).toEqual([old.key, next.key]);
    expect(set.active().zoneSigning).toEqual([old.key]);
    expect(set.zoneKeys('nsec', 'always').cds).toEqual([next.key.dnskey]);
    expect(set.zoneKeys('nsec', 'rollover').cds).toEqual([next.key.dnskey]);
    // Weeks later, without the DS seen: nothing moves.
    expect(advance(set, CSK, T0 + 60 * 86400, TTL, false).changed).toBe(false);
    next.times.dsSeen = T0 + 60 * 86400;
    expect(advance(set, CSK, T0 + 60 * 86400 + 86400, TTL, false).changed).toBe(false);
    expect(advance(set, CSK, T0 + 61 * 86400 + PROPAGATION, TTL, false).changed).toBe(true);
    expect(set.active().zoneSigning).toEqual([next.key]);
    expect(set.active().keySigning).toEqual([next.key]);
    expect(keyState(old)).toBe('retired');
    expect(set.zoneKeys('nsec', 'always').cds).toEqual([next.key.dnskey]);
  });

  it('through the service: key-roll and ds-seen files, a clock, and new snapshots when keys change', async () => {
    const dir = stateDir();
    let now = T0;
    const log = pino({ level: 'silent' });
    const config = { enabled: true, algorithm: 13 as const, keys: 'csk' as const, denial: 'nsec' as const, cds: 'always' as const, zskLifetime: 0, kskLifetime: 0, parentDsTtl: 3600, dsCheck: '' };
    const dnssec = new Dnssec(config, dir, log, () => now);
    const inputs: ZoneInput[] = [
      { origin: name('a.test.'), records: [], keyset: '@both', ttl: 300 },
      { origin: name('b.test.'), records: [], keyset: '@both', ttl: 300 },
    ];
    await dnssec.prepare(inputs);
    const set = [...dnssec.keysets()][0]!;
    expect(await dnssec.tick()).toBe(false);
    await requestRoll(set, now + 1);
    now += 10;
    expect(await dnssec.tick()).toBe(true);
    expect(set.pending()).toBeDefined();
    expect(await dnssec.tick()).toBe(false);
    // The DS seen for one zone of two: still waiting.
    await recordDsSeen(set, 'a.test.', now + 5);
    now += 7200;
    await dnssec.tick();
    expect(set.pending()!.times.dsSeen).toBeUndefined();
    await recordDsSeen(set, 'b.test.', now);
    await dnssec.tick();
    expect(set.pending()!.times.dsSeen).toBe(now);
    now += 3600 + PROPAGATION;
    expect(await dnssec.tick()).toBe(true);
    expect(set.pending()).toBeUndefined();
    expect(set.keys.map(keyState)).toEqual(['retired', 'active']);
    // Written: a server started now reads the same state.
    const reread = readKeyset('@both', set.dir);
    if ('error' in reread) throw new Error(reread.error);
    expect(reread.keys.map(keyState)).toEqual(['retired', 'active']);
    expect(existsSync(path.join(set.dir, 'ds-seen'))).toBe(true);
  });
});

describe('dnssec.dsCheck: asking a resolver for the DS', () => {
  it('marks the DS seen once the resolver gives the new key\'s DS, and not before', async () => {
    const { createSocket } = await import('node:dgram');
    const { MessageWriter } = await import('../../src/wire/writer.js');
    const { dsOf } = await import('../../src/dns/dnssec/ds.js');
    const { decodeMessage } = await import('../../src/wire/decode.js');
    let publish: import('../../src/dns/rdata/ds.js').DsData[] = [];
    const resolver = createSocket('udp4');
    resolver.on('message', (msg, from) => {
      const q = decodeMessage(msg);
      if (q instanceof Error) return;
      const w = new MessageWriter();
      w.reset();
      w.u16(q.id);
      w.u16(0x8180);
      w.u16(1);
      w.u16(publish.length);
      w.u16(0);
      w.u16(0);
      w.name(q.questions[0]!.name, false);
      w.u16(43);
      w.u16(1);
      if (publish.length) w.rrset({ owner: q.questions[0]!.name, type: 43, ttl: 3600, rdatas: publish });
      resolver.send(w.buf.subarray(0, w.pos), from.port, from.address);
    });
    await new Promise<void>((r) => resolver.bind(0, '127.0.0.1', () => r()));
    try {
      let now = T0;
      const config = { enabled: true, algorithm: 13 as const, keys: 'csk' as const, denial: 'nsec' as const, cds: 'always' as const, zskLifetime: 0, kskLifetime: 0, parentDsTtl: 0, dsCheck: `127.0.0.1:${resolver.address().port}` };
      const dnssec = new Dnssec(config, stateDir(), pino({ level: 'silent' }), () => now);
      await dnssec.prepare([{ origin: name('a.test.'), records: [], ttl: 300 }]);
      const set = [...dnssec.keysets()][0]!;
      await requestRoll(set, now + 1);
      now += 10;
      await dnssec.tick();
      const pending = set.pending()!;
      publish = [dsOf(name('a.test.'), set.keys[0]!.key.dnskey)]; // only the old key's DS
      now += 60;
      await dnssec.tick();
      expect(pending.times.dsSeen).toBeUndefined();
      publish.push(dsOf(name('a.test.'), pending.key.dnskey));
      now += 60;
      await dnssec.tick();
      expect(pending.times.dsSeen).toBe(now);
    } finally {
      resolver.close();
    }
  });
});
