// DNSSEC for the zones served: which zones are signed and with which key set, the key sets
// read or made before a snapshot that needs them, zones wrapped as SignedZones, rollovers moved
// on by a timer, and what status and metrics show. Signing itself is lazy (signer.ts).

import type { Logger } from 'pino';
import type { DnssecConfig } from '../config.js';
import { dsOf } from '../dns/dnssec/ds.js';
import type { SigningKey } from '../dns/dnssec/key.js';
import { keyTag } from '../dns/dnssec/keytag.js';
import type { ActiveKeys } from '../dns/dnssec/sign.js';
import { SignedZone, type Denial, type ZoneKeys } from '../dns/dnssec/signed-zone.js';
import { DAY, epochStepOf, signingEpoch } from '../dns/dnssec/window.js';
import type { DnskeyData } from '../dns/rdata/dnskey.js';
import { rdataBytes } from '../dns/rdata/index.js';
import { nameToText, type Name } from '../dns/name.js';
import type { Zone } from '../dns/zone.js';
import { askDs } from './ds-check.js';
import { advance, keysetName, keyState, KeyStore, readDsSeen, recordDsSeen, rollRequestedAt, type KeyPolicy, type Keyset } from './keys.js';
import { KeysetSigner, SignatureStores } from './signer.js';
import type { Snapshot, ZoneInput } from './snapshot.js';

export function policyOf(config: DnssecConfig): KeyPolicy {
  return {
    algorithm: config.algorithm,
    split: config.keys === 'ksk+zsk',
    cds: config.cds,
    zskLifetime: config.zskLifetime * DAY,
    kskLifetime: config.kskLifetime * DAY,
    parentDsTtl: config.parentDsTtl,
  };
}

/** One key set in use: its keys, its signer, and the zones it signs. */
interface InUse {
  readonly set: Keyset;
  readonly signer: KeysetSigner;
  /** Zones signed with it: origin key → name. */
  zones: Map<string, Name>;
  /** The longest SOA TTL among them: how long a DNSKEY set may be cached. */
  ttl: number;
  /** DS seen at the parent, per zone (key: zone as text), for the key waiting for it. */
  seen: Map<string, number>;
}

export interface ZoneDnssecStatus {
  readonly zone: string;
  readonly signed: boolean;
  readonly keyset?: string;
  readonly denial?: Denial;
  readonly keys?: readonly { readonly tag: number; readonly role: string; readonly state: string; readonly algorithm: number }[];
  /** When the first signature kept for the zone is due to be made again (seconds), if any is kept. */
  readonly nextResign?: number;
  readonly signaturesMade?: number;
  readonly storeSize?: number;
  /** Why the zone is served unsigned although it should be signed. */
  readonly problem?: string;
}

/** How many key sets are made at once on a first start with many signed zones. */
const MAKE_AT_ONCE = 8;

export class Dnssec {
  readonly stores: SignatureStores;
  readonly keys: KeyStore;
  readonly policy: KeyPolicy;
  private readonly inUse = new Map<string, InUse>();
  /** Key sets that could not be read or made: their zones are served unsigned, and logged. */
  private readonly broken = new Map<string, string>();
  private readonly wrapped = new WeakMap<Zone, SignedZone>();
  /** When tick last looked at the zones' signing epochs. */
  private epochLook: number;

  constructor(
    private readonly config: DnssecConfig,
    stateDir: string,
    private readonly log: Logger,
    readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    this.stores = new SignatureStores(now);
    this.keys = new KeyStore(stateDir);
    this.policy = policyOf(config);
    this.epochLook = now();
  }

  isSigned(input: ZoneInput): boolean {
    return input.dnssec ?? this.config.enabled;
  }

  keysetOf(input: ZoneInput): string {
    return keysetName(input.origin, input.keyset);
  }

  /** Reads or makes the key set of every signed zone among `inputs`, before their snapshot is built. */
  async prepare(inputs: readonly ZoneInput[]): Promise<void> {
    const wanted = new Map<string, { first: Name; zones: Map<string, Name>; ttl: number }>();
    for (const input of inputs) {
      if (!this.isSigned(input)) continue;
      const name = this.keysetOf(input);
      let w = wanted.get(name);
      if (!w) wanted.set(name, (w = { first: input.origin, zones: new Map(), ttl: 0 }));
      w.zones.set(input.origin.key, input.origin);
      w.ttl = Math.max(w.ttl, input.ttl ?? 3600);
    }
    const names = [...wanted.keys()];
    const work = async (): Promise<void> => {
      for (let name = names.shift(); name !== undefined; name = names.shift()) {
        const w = wanted.get(name)!;
        const known = this.inUse.get(name);
        if (known) {
          known.zones = w.zones;
          known.ttl = w.ttl;
          continue;
        }
        const set = await this.keys.keyset(name, w.first, this.policy, this.now());
        if ('error' in set) {
          if (this.broken.get(name) !== set.error) this.log.error({ keyset: name, zones: w.zones.size, err: set.error }, 'DNSSEC keys cannot be read or made: these zones are served unsigned');
          this.broken.set(name, set.error);
          continue;
        }
        this.broken.delete(name);
        const algorithms = new Set(set.keys.map((k) => k.key.algorithm));
        if (!algorithms.has(this.policy.algorithm)) this.log.warn({ keyset: name, algorithms: [...algorithms] }, 'the key set was made with another algorithm than dnssec.algorithm; it keeps its keys (an algorithm rollover is not automated)');
        this.inUse.set(name, { set, signer: new KeysetSigner(this.stores, set.active()), zones: w.zones, ttl: w.ttl, seen: new Map() });
        this.log.info({ keyset: name, zones: w.zones.size, keys: set.published().map((k) => `${k.role} ${k.key.keyTag}`) }, 'DNSSEC keys ready');
      }
    };
    await Promise.all(Array.from({ length: MAKE_AT_ONCE }, work));
    for (const name of this.inUse.keys()) if (!wanted.has(name)) this.inUse.delete(name);
  }

  /** The zone as served: signed when it should be and its keys are ready (a snapshot's ZoneWrapper). */
  wrap = (input: ZoneInput, zone: Zone): Zone => {
    if (!this.isSigned(input)) return zone;
    const use = this.inUse.get(this.keysetOf(input));
    if (!use) return zone;
    const keys = use.set.zoneKeys(input.denial ?? this.config.denial, this.config.cds);
    const known = this.wrapped.get(zone);
    if (known && known.keys === keys && known.signatures === use.signer) return known;
    const signed = new SignedZone(zone, keys, use.signer);
    this.wrapped.set(zone, signed);
    return signed;
  };

  /**
   * What the zone's signatures stand for, as part of what its serial stands for (reload.ts):
   * the keys published (DNSKEY, CDS) and signing, the denial, and the zone's signing epoch
   * (window.ts). When it changes the serial moves on, so a secondary fetches the zone signed
   * anew before what it holds expires. '' for a zone served unsigned.
   */
  servedIdentity(input: ZoneInput): string {
    if (!this.isSigned(input)) return '';
    const use = this.inUse.get(this.keysetOf(input));
    if (!use) return '';
    return `${keysIdentity(use.set.zoneKeys(input.denial ?? this.config.denial, this.config.cds), use.signer.keys)} epoch ${signingEpoch(this.now(), input.origin.key)}`;
  }

  /**
   * Whether a signed zone's signing epoch moved on since the last look (its serial must follow).
   * Epochs begin only on a 4-hour step (window.ts), so most looks compare two numbers, and the
   * others go through the zones once: 100,000 zones cost a few milliseconds six times a day.
   */
  private epochMoved(now: number): boolean {
    const since = this.epochLook;
    if (epochStepOf(now) === epochStepOf(since)) return false;
    for (const use of this.inUse.values()) for (const key of use.zones.keys()) if (signingEpoch(now, key) !== signingEpoch(since, key)) return true;
    return false;
  }

  /** After a snapshot is swapped in: the stores of zones gone are dropped, those of changed zones turn over. */
  adopt(snapshot: Snapshot): void {
    const keep = new Set<string>();
    for (const zone of snapshot.catalog.zones.values()) {
      if (!(zone instanceof SignedZone)) continue;
      keep.add(zone.origin.key);
      const store = this.stores.peek(zone.origin.key);
      if (store) store.turnOver(zone.base);
    }
    this.stores.keepOnly(keep);
  }

  /**
   * Moves rollovers on: reads operator requests (ds-seen, roll), asks dnssec.dsCheck for DS
   * records, makes new keys. Resolves true when the keys published or signing changed, or a
   * signed zone's signing epoch moved on, so that a new snapshot (and serial) must be built.
   */
  async tick(): Promise<boolean> {
    const now = this.now();
    let republish = this.epochMoved(now);
    for (const [name, use] of this.inUse) {
      const set = use.set;
      const pending = set.pending();
      if (pending && pending.times.dsSeen === undefined) {
        await this.lookForDs(use, pending.key.dnskey, pending.times.published);
        const times = [...use.zones.values()].map((z) => use.seen.get(nameToText(z).toLowerCase()));
        if (times.every((t) => t !== undefined && t >= pending.times.published)) {
          pending.times.dsSeen = Math.max(...(times as number[]));
          await this.keys.save(set);
          this.log.info({ keyset: name, key: pending.key.keyTag }, 'the DS of the new key is at the parent of every zone of the key set');
        }
      }
      const active = set.keys.find((k) => k.role !== 'zsk' && keyState(k) === 'active');
      const asked = rollRequestedAt(set);
      const rollRequested = asked !== undefined && active !== undefined && asked > (active.times.active ?? 0) && !pending;
      const step = advance(set, this.policy, now, use.ttl, rollRequested);
      for (const e of step.events) this.log.info({ keyset: name }, e);
      if (step.newKeys.length > 0) {
        try {
          await this.keys.addKeys(set, step.newKeys, this.policy.algorithm, now);
        } catch (e) {
          this.log.error({ keyset: name, err: (e as Error).message }, 'cannot write the new DNSSEC key; the rollover waits');
          continue;
        }
      } else if (step.changed) {
        await this.keys.save(set);
      }
      if (step.changed || step.newKeys.length > 0) {
        use.signer.keys = set.active();
        use.seen.clear();
        republish = true;
      }
    }
    // Only now: a turn that failed half-way looks at the same epochs again at the next.
    this.epochLook = now;
    return republish;
  }

  /** Notes which zones' parents carry the DS of `key`: from `discodns ctl ds-seen`, or by asking dnssec.dsCheck. */
  private async lookForDs(use: InUse, key: SigningKeyDnskey, since: number): Promise<void> {
    for (const [zone, at] of readDsSeen(use.set)) if (at >= since) use.seen.set(zone, Math.max(use.seen.get(zone) ?? 0, at));
    if (!this.config.dsCheck) return;
    let asked = 0;
    for (const origin of use.zones.values()) {
      const zone = nameToText(origin).toLowerCase();
      if (use.seen.has(zone)) continue;
      if (asked++ >= 100) break; // a turn asks about a hundred zones at most
      const ds = await askDs(this.config.dsCheck, origin);
      const want = dsOf(origin, key);
      if (ds.some((d) => d.keyTag === want.keyTag && d.digestType === want.digestType && d.digest.equals(want.digest))) {
        const now = this.now();
        use.seen.set(zone, now);
        await recordDsSeen(use.set, zone, now);
        this.log.info({ zone, key: want.keyTag, resolver: this.config.dsCheck }, 'the DS of the new key is at the parent');
      }
    }
  }

  /** Per zone: signed or not, keys, next re-sign, signatures made, store size. */
  status(zones: Iterable<Zone>): ZoneDnssecStatus[] {
    const out: ZoneDnssecStatus[] = [];
    for (const zone of zones) {
      const text = nameToText(zone.origin);
      if (!(zone instanceof SignedZone)) {
        out.push({ zone: text, signed: false });
        continue;
      }
      const use = [...this.inUse.values()].find((u) => u.signer === zone.signatures);
      const store = this.stores.peek(zone.origin.key);
      out.push({
        zone: text,
        signed: true,
        keyset: use?.set.name,
        denial: zone.keys.denial,
        keys: use?.set.published().map((k) => ({ tag: k.key.keyTag, role: k.role, state: keyState(k), algorithm: k.key.algorithm })),
        nextResign: store?.nextRefresh(),
        signaturesMade: store?.made ?? 0,
        storeSize: store?.size ?? 0,
      });
    }
    return out;
  }

  /** Key sets that could not be read or made, with why. */
  problems(): ReadonlyMap<string, string> {
    return this.broken;
  }

  keysets(): Iterable<Keyset> {
    return [...this.inUse.values()].map((u) => u.set);
  }
}

type SigningKeyDnskey = Parameters<typeof dsOf>[1];

const identities = new WeakMap<ZoneKeys, { readonly active: ActiveKeys; readonly text: string }>();

/** The key tags published, for CDS, and signing: the same text while the keys are the same objects. */
function keysIdentity(keys: ZoneKeys, active: ActiveKeys): string {
  const known = identities.get(keys);
  if (known?.active === active) return known.text;
  const tags = (list: readonly DnskeyData[]): string => list.map((k) => `${k.algorithm}/${k.flags}/${keyTag(rdataBytes(k))}`).join(',');
  const signing = (list: readonly SigningKey[]): string => list.map((k) => k.keyTag).join(',');
  const text = `dnskey ${tags(keys.dnskeys)} cds ${tags(keys.cds)} ksk ${signing(active.keySigning)} zsk ${signing(active.zoneSigning)} denial ${keys.denial}`;
  identities.set(keys, { active, text });
  return text;
}
