// The zones as the snapshot serves them when `autoconfig:` is on: each such zone gains the
// _ua-auto-config TXT with the digest of the PACC document the HTTP responder serves for it,
// recomputed whenever the zone changes. After a change the old digest stays published beside
// the new one for one TTL, so a client holding the old TXT from a cache still finds a match
// for the new document; when that TTL has passed, `onExpiry` asks for a snapshot without it.

import { Buffer } from 'node:buffer';
import type { AutoconfigSpec } from '../../definitions/autoconfig.js';
import { PACC_TXT_LABEL } from '../../definitions/autoconfig.js';
import type { ZoneContent } from '../../definitions/index.js';
import { isNameError, parseName } from '../../dns/name.js';
import type { ResourceRecord } from '../../dns/records.js';
import { RRType } from '../../dns/types.js';
import { buildZone, DeferredZone, type Zone } from '../../dns/zone.js';
import type { ZoneInput } from '../snapshot.js';
import { mailSettings, type AutoconfigSource } from './model.js';
import { paccDigestText, paccDocument } from './pacc.js';

/** What the HTTP responder needs of a zone: its records (read per request) and its settings. */
export interface AutoconfigZone {
  readonly source: AutoconfigSource;
  readonly spec: AutoconfigSpec;
  /** The digest TXT texts published now: the current one first. */
  readonly digests: readonly string[];
}

interface Digested {
  readonly digest: string;
  readonly serial: number;
  readonly recordCount: number;
}

interface Published {
  readonly digest: string;
  /** The digest before the last change, published until `until` (ms since the epoch). */
  readonly previous?: string;
  readonly until: number;
}

/** The PACC digest TXT of a zone's current content: what `discodns export` and the server publish. */
export function digestOf(z: AutoconfigSource, spec: AutoconfigSpec): string {
  return paccDigestText(paccDocument(mailSettings(z, spec)));
}

export class AutoconfigPublisher {
  readonly #digested = new WeakMap<ZoneContent, Digested>();
  readonly #inputs = new WeakMap<ZoneContent, { readonly key: string; readonly input: ZoneInput }>();
  #published = new Map<string, Published>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly onExpiry?: () => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** The inputs of the next snapshot: zones without `autoconfig:` as they are. */
  inputs(zones: readonly ZoneContent[]): ZoneInput[] {
    const now = this.now();
    const next = new Map<string, Published>();
    let soonest = Infinity;
    const out = zones.map((z): ZoneInput => {
      const spec = z.autoconfig;
      if (!spec) return z;
      const d = this.#digest(z, spec);
      const before = this.#published.get(z.origin.key);
      let p: Published = before?.digest === d.digest ? before : { digest: d.digest, until: now + z.ttl * 1000, ...(before ? { previous: before.digest } : {}) };
      if (p.previous !== undefined && now >= p.until) p = { digest: p.digest, until: p.until };
      next.set(z.origin.key, p);
      if (p.previous !== undefined) soonest = Math.min(soonest, p.until);
      return this.#input(z, spec, d, p.previous === undefined ? [p.digest] : [p.digest, p.previous]);
    });
    this.#published = next;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (soonest < Infinity && this.onExpiry) {
      // Unref'd: an old digest waiting to expire keeps no process alive.
      this.#timer = setTimeout(this.onExpiry, Math.max(0, soonest - now) + 50).unref();
    }
    return out;
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
  }

  #digest(z: ZoneContent, spec: AutoconfigSpec): Digested {
    let d = this.#digested.get(z);
    if (!d) {
      const records = z.records;
      const soa = records.find((r) => r.rdata.kind === 'SOA')?.rdata;
      d = { digest: digestOf({ origin: z.origin, records }, spec), serial: soa?.kind === 'SOA' ? soa.serial : 0, recordCount: records.length };
      this.#digested.set(z, d);
    }
    return d;
  }

  /** The same input object while the zone and its digests stay the same: the snapshot then reuses its Zone. */
  #input(z: ZoneContent, spec: AutoconfigSpec, d: Digested, digests: readonly string[]): ZoneInput {
    const key = digests.join('\n');
    const known = this.#inputs.get(z);
    if (known?.key === key) return known.input;
    const origin = z.origin;
    const records = (): ResourceRecord[] => [...z.records, ...digestRecords(z, digests)];
    const input: ZoneInput = {
      origin,
      get records() {
        return records();
      },
      // Built at its first query, like the zones: copies it stands for (dns/zone.ts DeferredZone).
      buildZone: (): Zone => new DeferredZone(origin, d.serial, d.recordCount + digests.length, () => buildZone(origin, records())),
      autoconfigZone: { source: z, spec, digests },
      ...(z.replication ? { replication: z.replication } : {}),
      dnssec: z.dnssec,
      denial: z.denial,
      keyset: z.keyset,
      ttl: z.ttl,
    };
    this.#inputs.set(z, { key, input });
    return input;
  }
}

/** The _ua-auto-config TXT records of a zone for these digest texts. */
export function digestRecords(z: { readonly origin: ZoneContent['origin']; readonly ttl: number }, digests: readonly string[]): ResourceRecord[] {
  const owner = parseName(PACC_TXT_LABEL, z.origin);
  if (isNameError(owner)) return [];
  return digests.map((text) => ({ owner, type: RRType.TXT, ttl: z.ttl, rdata: { kind: 'TXT', strings: [Buffer.from(text, 'latin1')] } }));
}
