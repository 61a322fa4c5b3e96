// A signed zone with what DNSSEC makes hardest to prove: delegations with and without DS,
// glue, occluded data at and below a cut, wildcards with data and a wildcard CNAME.

import { SignedZone } from '../../src/dns/dnssec/signed-zone.js';
import { name } from '../../src/dns/name.js';
import { buildZone } from '../../src/dns/zone.js';
import { buildSnapshot, type Snapshot } from '../../src/server/snapshot.js';
import { FixedSignatures, TEST_KEY } from './dnssec.js';
import { recordsFromText, zonesFromText } from './zonetext.js';

export const CUTS_ORIGIN = 'cuts.test.';

export const CUTS_ZONE = `
@             SOA   ns1 hostmaster 1 7200 3600 1209600 300
@             NS    ns1
ns1           A     192.0.2.53
mail          A     192.0.2.10
signed        NS    ns1.signed
signed        DS    12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF
ns1.signed    A     192.0.2.60
ns1.signed    AAAA  2001:db8::60
unsigned      NS    ns1.unsigned
unsigned      NS    ns.other.example.
ns1.unsigned  A     192.0.2.61
occluded      NS    ns.other.example.
occluded      TXT   "hidden by the cut"
deep.occluded A     192.0.2.62
mx-deleg      MX    10 ns1.signed
cname-deleg   CNAME host.unsigned
*.wild        A     192.0.2.30
*.wild        TXT   "wild"
*.cdn         CNAME mail
`;

export function cutsZone() {
  const origin = name(CUTS_ORIGIN);
  return buildZone(origin, recordsFromText(origin, CUTS_ZONE));
}

/** The zone served signed with TEST_KEY (`denial` as asked), and its signer's count of signatures made. */
export function signedCutsSnapshot(denial: 'nsec' | 'compact' = 'nsec', cacheSize = 1000): { snapshot: Snapshot; signatures: FixedSignatures } {
  const now = Math.floor(Date.now() / 1000);
  const signatures = new FixedSignatures({ keySigning: [TEST_KEY], zoneSigning: [TEST_KEY] }, { inception: now - 5400, expiration: now + 14 * 86400 });
  const snapshot = buildSnapshot(zonesFromText({ [CUTS_ORIGIN]: CUTS_ZONE }), cacheSize, (_input, zone) => new SignedZone(zone, { dnskeys: [TEST_KEY.dnskey], cds: [], denial }, signatures));
  return { snapshot, signatures };
}

/** The zone served unsigned. */
export function unsignedCutsSnapshot(): Snapshot {
  return buildSnapshot(zonesFromText({ [CUTS_ORIGIN]: CUTS_ZONE }), 1000);
}
