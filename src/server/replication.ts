// What a new snapshot means for the secondaries: for each zone whose serial changed, the
// difference goes into the IXFR history first, then NOTIFY goes to the zone's targets (so the
// secondary's IXFR finds it). At start-up every zone is notified. Zones removed lose their
// history. The work is sliced, so queries are answered meanwhile.

import type { Logger } from 'pino';
import { isSigned } from '../dns/dnssec/signed-zone.js';
import type { NotifyTargetSpec } from '../definitions/index.js';
import type { Keyring } from '../wire/tsig.js';
import type { IxfrHistory } from './ixfr-history.js';
import type { NotifySender, NotifyTarget, SoaSource } from './notify-out.js';
import type { Snapshot } from './snapshot.js';
import { RRType } from '../dns/types.js';
import { DeferredZone, type Zone } from '../dns/zone.js';

const SLICE_MS = 10;

export interface ReplicationOptions {
  readonly history: IxfrHistory | undefined;
  readonly sender: NotifySender;
  /** The configuration's notify targets, keys resolved. */
  readonly targets: readonly NotifyTarget[];
  readonly keyring: Keyring;
  readonly log: Logger;
  /** Called when a swap's history is recorded: the journal writes it out. */
  readonly recorded?: () => void;
}

export class Replication {
  /** Swaps are handled one after the other, in order. */
  #queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: ReplicationOptions) {}

  /** The NOTIFY targets of a zone: the global ones, plus or instead of its definition's. */
  targetsOf(snapshot: Snapshot, zoneKey: string): readonly NotifyTarget[] {
    const own = snapshot.sources?.get(zoneKey)?.replication?.notify;
    if (own === 'none') return [];
    if (!own?.length) return this.options.targets;
    return [...this.options.targets, ...own.map((t) => this.#target(t))];
  }

  #target(t: NotifyTargetSpec): NotifyTarget {
    return { address: t.address, port: t.port, key: t.key === undefined ? undefined : this.options.keyring.get(t.key) };
  }

  /** Start-up: every zone is notified (RFC 1996 §4.7: a primary that loads a zone may). */
  started(snapshot: Snapshot): Promise<void> {
    return this.#run(async () => {
      let slice = performance.now();
      for (const zone of snapshot.catalog.zones.values()) {
        const targets = this.targetsOf(snapshot, zone.origin.key);
        if (targets.length) this.options.sender.notify(zone.origin, soaOf(snapshot, zone), targets);
        if (performance.now() - slice > SLICE_MS) {
          await new Promise((r) => setImmediate(r));
          slice = performance.now();
        }
      }
    });
  }

  /** A reload swapped `before` for `after`: history, then NOTIFY, for each zone whose serial changed. */
  swapped(before: Snapshot, after: Snapshot): Promise<void> {
    return this.#run(async () => {
      const history = this.options.history;
      let slice = performance.now();
      let changed = 0;
      for (const [key, zone] of after.catalog.zones) {
        const old = before.catalog.zones.get(key);
        if (old === zone || (old && old.serial === zone.serial)) continue;
        // A signed zone's IXFR is answered whole (xfr.ts ixfrRRsets): no history kept for it.
        if (history && isSigned(zone)) history.forget(zone.origin);
        else if (old && history) {
          const from = before.sources?.get(key);
          const to = after.sources?.get(key);
          if (from && to) history.record(zone.origin, old.serial, zone.serial, from.records, to.records);
        }
        changed++;
        const targets = this.targetsOf(after, key);
        if (targets.length) this.options.sender.notify(zone.origin, soaOf(after, zone), targets);
        if (performance.now() - slice > SLICE_MS) {
          await new Promise((r) => setImmediate(r));
          slice = performance.now();
        }
      }
      if (history) for (const [key, zone] of before.catalog.zones) if (!after.catalog.zones.has(key)) history.forget(zone.origin);
      this.options.recorded?.();
      if (changed) this.options.log.debug({ changed, notifying: this.options.sender.pending }, 'serials changed');
    });
  }

  #run(work: () => Promise<void>): Promise<void> {
    this.#queue = this.#queue.then(work).catch((err: unknown) => this.options.log.error({ err }, 'bug: replication step failed'));
    return this.#queue;
  }

  /** Resolves when every swap handed over so far is handled (tests, shutdown). */
  idle(): Promise<void> {
    return this.#queue;
  }
}

/**
 * The SOA a NOTIFY of `zone` carries, read when it is sent. A `zones:` copy no query has built
 * yet gives it from its records (SOA first), so that notifying 100,000 zones at start-up does
 * not build them all.
 */
function soaOf(snapshot: Snapshot, zone: Zone): SoaSource {
  const source = snapshot.sources?.get(zone.origin.key);
  if (!source || !(zone instanceof DeferredZone)) return () => zone.soa;
  return () => {
    if (zone.built) return zone.soa;
    const soa = source.records[0];
    if (soa?.type !== RRType.SOA || soa.owner.key !== zone.origin.key) return zone.soa;
    return { owner: soa.owner, type: RRType.SOA, ttl: soa.ttl, rdatas: [soa.rdata] };
  };
}
