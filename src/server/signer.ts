// The signature store: RRSIGs made the first time a DO=1 answer (or a transfer) needs them,
// kept per zone and found again by the RRset they cover, so that an evicted compiled answer
// is compiled again without signing again. Kept by content as well as by identity: a reload
// that changes a zone builds new RRset objects, and only the RRsets whose content changed
// (usually the SOA alone) are signed again. Kept by content only: a map by RRset object as
// well cost some 100 bytes a signature for a few microseconds saved at each compile, and
// compiled answers are cached. Signatures are made again once their window says
// (dns/dnssec/window.ts), or when the keys that sign change.

import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { lowercased } from '../dns/dnssec/nsec.js';
import { canonicalRRset, keysFor, rrsigRRset, signRRset, type ActiveKeys } from '../dns/dnssec/sign.js';
import type { SignedZone, ZoneSignatures } from '../dns/dnssec/signed-zone.js';
import { REFRESH_BEFORE, signingWindow, transferExpiresAfter, zoneJitter } from '../dns/dnssec/window.js';
import type { Name } from '../dns/name.js';
import type { RrsigData } from '../dns/rdata/rrsig.js';
import type { RRset } from '../dns/records.js';
import type { Zone } from '../dns/zone.js';

interface Kept {
  readonly rdatas: readonly RrsigData[];
  /** When they are made again: REFRESH_BEFORE ahead of their expiration. */
  readonly refreshAt: number;
  readonly keys: ActiveKeys;
}

/** The signatures of one zone. */
class ZoneStore {
  readonly jitter: number;
  readonly signer: Name;
  /** The unsigned zone these signatures are for: when a reload replaces it, the store turns over. */
  base: Zone | undefined;
  /** By a digest of the RRset's canonical form; `previous` holds the last zone's until it is replaced too. */
  current = new Map<string, Kept>();
  previous: Map<string, Kept> | undefined;
  /** The last RRset object signed, and its RRSIG set: an answer asks for the same one again at once. */
  last: { readonly rrset: RRset; readonly rrsig: RRset; readonly kept: Kept } | undefined;
  made = 0;

  constructor(origin: Name) {
    this.jitter = zoneJitter(origin.key);
    this.signer = lowercased(origin.key);
  }

  get size(): number {
    return this.current.size + (this.previous?.size ?? 0);
  }

  /**
   * A new version of the zone is served: the last version's signatures are kept one turn more,
   * for the RRsets whose content did not change, then dropped.
   */
  turnOver(base: Zone): void {
    if (this.base === base) return;
    if (this.base !== undefined) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.base = base;
  }

  /** The earliest time a signature kept here is due to be made again. */
  nextRefresh(): number | undefined {
    let next: number | undefined;
    for (const k of this.current.values()) if (next === undefined || k.refreshAt < next) next = k.refreshAt;
    return next;
  }
}

export interface SignerStats {
  /** Signatures made since start, every zone. */
  made: number;
}

/** Per-zone signature stores, for every key set's signer; the clock is read here, in server/. */
export class SignatureStores {
  private readonly stores = new Map<string, ZoneStore>();
  readonly stats: SignerStats = { made: 0 };

  constructor(readonly now: () => number = () => Math.floor(Date.now() / 1000)) {}

  /** The store of a zone, made at its first signature. */
  of(zone: Zone): ZoneStore {
    let s = this.stores.get(zone.origin.key);
    if (!s) this.stores.set(zone.origin.key, (s = new ZoneStore(zone.origin)));
    return s;
  }

  peek(originKey: string): ZoneStore | undefined {
    return this.stores.get(originKey);
  }

  /** Drops the stores of zones no longer served. */
  keepOnly(originKeys: ReadonlySet<string>): void {
    for (const key of this.stores.keys()) if (!originKeys.has(key)) this.stores.delete(key);
  }

  get zones(): number {
    return this.stores.size;
  }

  /** Signatures kept, every zone. */
  get size(): number {
    let n = 0;
    for (const s of this.stores.values()) n += s.size;
    return n;
  }
}

/** A digest of what a signature covers (owner, type, TTL, every rdata, canonical): equal content, equal key. */
function contentKey(canonical: Buffer, type: number): string {
  return createHash('sha256').update(canonical).update(Buffer.from([type >> 8, type & 0xff])).digest().toString('latin1', 0, 20);
}

/** The signer of one key set's zones: what SignedZone asks for its RRSIGs. */
export class KeysetSigner implements ZoneSignatures {
  constructor(
    private readonly stores: SignatureStores,
    /** The keys that sign now: a new object when they change, so every kept signature is made again. */
    public keys: ActiveKeys,
  ) {}

  /**
   * `expiresAfter`: a kept signature that expires before then is made again (a transfer's
   * signatures must outlive the zone's signing epoch, window.ts transferExpiresAfter).
   */
  rrsig(zone: SignedZone, rrset: RRset, expiresAfter = 0): RRset {
    const store = this.stores.of(zone);
    if (store.base === undefined) store.base = zone.base;
    const now = this.stores.now();
    const fresh = (k: Kept): boolean => k.keys === this.keys && now < k.refreshAt && k.refreshAt + REFRESH_BEFORE >= expiresAfter;
    const known = store.last;
    if (known && known.rrset === rrset && fresh(known.kept)) return known.rrsig;
    const canonical = canonicalRRset(rrset);
    const content = contentKey(canonical, rrset.type);
    let kept = store.current.get(content) ?? store.previous?.get(content);
    if (!kept || !fresh(kept)) {
      const window = signingWindow(now, store.jitter);
      const rdatas = keysFor(rrset.type, this.keys).map((k) => signRRset(rrset, k, store.signer, window, canonical));
      kept = { rdatas: Object.freeze(rdatas), refreshAt: window.refreshAt, keys: this.keys };
      store.made += rdatas.length;
      this.stores.stats.made += rdatas.length;
    }
    store.current.set(content, kept);
    const rrsig = rrsigRRset(rrset, kept.rdatas);
    store.last = { rrset, rrsig, kept };
    return rrsig;
  }

  rrsigOnce(zone: SignedZone, rrset: RRset): RRset {
    const store = this.stores.of(zone);
    const window = signingWindow(this.stores.now(), store.jitter);
    const rdatas = keysFor(rrset.type, this.keys).map((k) => signRRset(rrset, k, store.signer, window));
    store.made += rdatas.length;
    this.stores.stats.made += rdatas.length;
    return rrsigRRset(rrset, rdatas);
  }
}

/**
 * What signs the RRsets of a transfer of `zone` at `now`: its signer, with every signature
 * outliving the zone's signing epoch by EPOCH_MARGIN, so that the copy a secondary holds is
 * replaced (the serial moves on with the epoch) well before any signature in it expires.
 */
export function transferSigner(zone: SignedZone, now: number): (rrset: RRset) => RRset {
  const signatures = zone.signatures;
  if (!(signatures instanceof KeysetSigner)) return (rrset) => signatures.rrsig(zone, rrset);
  const expiresAfter = transferExpiresAfter(now, zone.origin.key);
  return (rrset) => signatures.rrsig(zone, rrset, expiresAfter);
}
