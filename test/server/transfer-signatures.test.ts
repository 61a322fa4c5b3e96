// What a secondary holds must not expire under it: a transfer carries only signatures that
// outlive the zone's signing epoch by EPOCH_MARGIN (window.ts), and the serial moves on with
// the epoch (reload.ts), so the secondary fetches fresh ones before those it holds expire.
import { describe, expect, it } from 'vitest';
import { SignedZone } from '../../src/dns/dnssec/signed-zone.js';
import { signedZoneRRsets } from '../../src/dns/dnssec/zone-records.js';
import { DAY, EPOCH_MARGIN, epochEnd, epochStepOf, LIFETIME, signingEpoch, SIGNING_EPOCH, transferExpiresAfter } from '../../src/dns/dnssec/window.js';
import { name } from '../../src/dns/name.js';
import { RRType } from '../../src/dns/types.js';
import { buildZone } from '../../src/dns/zone.js';
import { KeysetSigner, SignatureStores, transferSigner } from '../../src/server/signer.js';
import { TEST_KEY } from '../support/dnssec.js';
import { EXAMPLE_ZONE, recordsFromText } from '../support/zonetext.js';

const origin = name('example.com.');
const KEYS = { keySigning: [TEST_KEY], zoneSigning: [TEST_KEY] };

function setup(start: number) {
  let now = start;
  const stores = new SignatureStores(() => now);
  const zone = new SignedZone(buildZone(origin, recordsFromText(origin, EXAMPLE_ZONE)), { dnskeys: [TEST_KEY.dnskey], cds: [], denial: 'nsec' }, new KeysetSigner(stores, KEYS));
  return { stores, zone, set: (t: number) => (now = t), at: () => now };
}

/** The earliest expiration among the RRSIGs of a transfer (or of the zone as DO answers sign it). */
function earliestExpiration(zone: SignedZone, rrsigOf?: Parameters<typeof signedZoneRRsets>[1]): number {
  let min = Infinity;
  for (const s of signedZoneRRsets(zone, rrsigOf)) if (s.type === RRType.RRSIG) for (const rd of s.rdatas) if (rd.kind === 'RRSIG') min = Math.min(min, rd.expiration);
  return min;
}

describe('signing epochs (window.ts)', () => {
  it('are a week long, each zone in its own phase, and a re-made signature outlives the epoch by the margin', () => {
    const t = 1_800_000_000;
    const e = signingEpoch(t, origin.key);
    expect(signingEpoch(epochEnd(t, origin.key), origin.key)).toBe(e + 1);
    expect(signingEpoch(epochEnd(t, origin.key) - 1, origin.key)).toBe(e);
    expect(epochEnd(t, origin.key) - t).toBeLessThanOrEqual(SIGNING_EPOCH);
    // A signature made now expires LIFETIME on (less an hour of quantizing): past the margin.
    expect(t - 3600 + LIFETIME).toBeGreaterThan(transferExpiresAfter(t, origin.key));
    const phases = new Set(['a.example.', 'b.example.', 'c.example.', 'd.example.', 'e.example.'].map((z) => epochEnd(t, name(z).key) % SIGNING_EPOCH));
    expect(phases.size).toBeGreaterThan(1);
    // Every epoch begins on a step of the clock: the rollover timer looks through the zones only
    // when the step moved on (dnssec.ts epochMoved).
    for (const z of ['a.example.', 'b.example.', 'c.example.', 'd.example.', 'e.example.']) {
      const end = epochEnd(t, name(z).key);
      expect(epochStepOf(end)).toBe(epochStepOf(end - 1) + 1);
    }
  });
});

describe('a transfer\'s signatures', () => {
  it('outlive the epoch by the margin, where DO answers still use older ones; a second transfer in the epoch signs nothing', () => {
    const start = 1_800_000_000;
    const s = setup(start);
    earliestExpiration(s.zone); // signed for DO answers at the start
    // Ten days on: the signatures kept still have over 1.5 days, so DO answers keep them...
    s.set(start + 10 * DAY);
    const kept = earliestExpiration(s.zone);
    expect(kept).toBeLessThan(transferExpiresAfter(s.at(), origin.key));
    const made = s.stores.stats.made;
    // ...but a transfer now gets signatures that outlive the epoch by the margin.
    const sent = earliestExpiration(s.zone, transferSigner(s.zone, s.at()));
    expect(sent).toBeGreaterThanOrEqual(transferExpiresAfter(s.at(), origin.key));
    expect(sent).toBeGreaterThanOrEqual(epochEnd(s.at(), origin.key) + EPOCH_MARGIN);
    const resigned = s.stores.stats.made - made;
    expect(resigned).toBeGreaterThan(20);
    s.set(epochEnd(s.at(), origin.key) - 1); // later in the same epoch
    earliestExpiration(s.zone, transferSigner(s.zone, s.at()));
    expect(s.stores.stats.made - made).toBe(resigned);
  });
});
