// The DNSSEC commands of the command line, which work from the state directory (the running
// server reads what they write at its next rollover step, or at SIGHUP):
//   discodns ds ZONE            the DS and DNSKEY records to give the parent (the registrar)
//   discodns export --signed    the zones as served, signed
//   discodns ctl ds-seen ZONE   the parent carries the new DS: a waiting KSK/CSK may take over
//   discodns ctl key-roll ZONE  start a KSK/CSK rollover
//   discodns ctl keys [ZONE]    the key sets and their keys

import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { ZoneContent } from '../definitions/index.js';
import { dsOf } from '../dns/dnssec/ds.js';
import { SignedZone } from '../dns/dnssec/signed-zone.js';
import { signedZoneRecords } from '../dns/dnssec/zone-records.js';
import { isNameError, nameToText, parseName } from '../dns/name.js';
import { formatRecord } from '../dns/presentation.js';
import { RRType } from '../dns/types.js';
import { buildZone } from '../dns/zone.js';
import { formatZone } from '../dns/zonefile.js';
import { Dnssec } from './dnssec.js';
import { AutoconfigPublisher } from './http/publish.js';
import { keysetName, keyState, recordDsSeen, requestRoll, type Keyset } from './keys.js';
import type { ZoneInput } from './snapshot.js';

export type CommandResult = { readonly out: string; readonly note?: string } | { readonly error: string };

/** The zones as served (with the PACC digests of `autoconfig:` zones), as snapshot inputs. */
function inputsOf(zones: readonly ZoneContent[]): readonly ZoneInput[] {
  return new AutoconfigPublisher().inputs(zones);
}

/** The zone named `text` among `zones`, or why not. */
function zoneNamed(zones: readonly ZoneContent[], text: string, zonesDir: string): ZoneContent | { readonly error: string } {
  const n = parseName(text.endsWith('.') ? text : `${text}.`);
  if (isNameError(n)) return { error: `zone '${text}': ${n.error}` };
  const z = zones.find((c) => c.origin.key === n.key);
  return z ?? { error: `no zone '${text}' is served from ${zonesDir}` };
}

/** `discodns ds ZONE`: DS (SHA-256) and DNSKEY of the zone's key-signing keys, one a line; keys are made if the zone has none yet. */
export async function dsRecords(config: Config, zones: readonly ZoneContent[], text: string, log: Logger): Promise<CommandResult> {
  const found = zoneNamed(zones, text, config.zones);
  if ('error' in found) return found;
  const input = inputsOf([found])[0]!;
  const dnssec = new Dnssec(config.dnssec, config.state, log);
  if (!dnssec.isSigned(input)) return { error: `zone ${nameToText(found.origin)} is not signed: add dnssec: on to its definition (${found.file}), or set dnssec.enabled` };
  const existed = dnssec.keys.existing(dnssec.keysetOf(input)) !== undefined;
  await dnssec.prepare([input]);
  const problem = dnssec.problems().get(dnssec.keysetOf(input));
  if (problem) return { error: problem };
  const set = [...dnssec.keysets()][0]!;
  // The DS wanted at the parent: every KSK/CSK that signs or waits to (a retired key's DS goes).
  const keys = set.keys.filter((k) => k.role !== 'zsk' && (keyState(k) === 'active' || keyState(k) === 'published'));
  const ttl = input.ttl ?? 3600;
  const owner = found.origin;
  const lines = [
    ...keys.map((k) => formatRecord({ owner, type: RRType.DS, ttl, rdata: dsOf(owner, k.key.dnskey) })),
    ...keys.map((k) => formatRecord({ owner, type: RRType.DNSKEY, ttl, rdata: k.key.dnskey })),
  ];
  const note = existed ? undefined : `discodns: made the key set ${set.name} in ${set.dir}`;
  return { out: lines.join('\n') + '\n', ...(note ? { note } : {}) };
}

/** `discodns export --signed`: each zone as served, the signed ones with every RRSIG, NSEC, DNSKEY, CDS and CDNSKEY. */
export async function signedExport(config: Config, zones: readonly ZoneContent[], log: Logger): Promise<string> {
  const inputs = inputsOf(zones);
  const dnssec = new Dnssec(config.dnssec, config.state, log);
  await dnssec.prepare(inputs);
  return inputs
    .map((input, i) => {
      const zone = dnssec.wrap(input, input.buildZone ? input.buildZone() : buildZone(input.origin, input.records));
      const file = `from ${zones[i]!.file}`;
      return zone instanceof SignedZone ? formatZone(zone.origin, signedZoneRecords(zone), `${file}, signed`) : formatZone(input.origin, input.records, `${file}, not signed`);
    })
    .join('\n');
}

/** The key set a ctl argument names: `@name`, or a zone's. */
function keysetFor(config: Config, zones: readonly ZoneContent[], target: string, dnssec: Dnssec): { set: Keyset; zones: ZoneContent[] } | { readonly error: string } {
  let name: string;
  if (target.startsWith('@')) {
    name = target;
  } else {
    const z = zoneNamed(zones, target, config.zones);
    if ('error' in z) return z;
    name = keysetName(z.origin, z.keyset);
  }
  const set = dnssec.keys.existing(name);
  if (!set) return { error: `no key set ${name} in ${dnssec.keys.dir}: start the server (or run discodns ds) to make it` };
  if ('error' in set) return set;
  return { set, zones: zones.filter((z) => keysetName(z.origin, z.keyset) === name) };
}

/** `discodns ctl ds-seen ZONE|@KEYSET`: the parent of ZONE (or of every zone of the set) now carries the new key's DS. */
export async function dsSeen(config: Config, zones: readonly ZoneContent[], target: string, now: number, log: Logger): Promise<CommandResult> {
  const dnssec = new Dnssec(config.dnssec, config.state, log);
  const found = keysetFor(config, zones, target, dnssec);
  if ('error' in found) return found;
  const pending = found.set.pending();
  if (!pending) return { error: `no key of key set ${found.set.name} waits for its DS at the parent: nothing to do (discodns ctl keys shows the keys)` };
  const named = target.startsWith('@') ? found.zones : found.zones.filter((z) => keysetName(z.origin, z.keyset) === found.set.name && (target.endsWith('.') ? target : `${target}.`).toLowerCase() === nameToText(z.origin).toLowerCase());
  for (const z of named) await recordDsSeen(found.set, nameToText(z.origin), now);
  return {
    out: `recorded: the parent of ${named.map((z) => nameToText(z.origin)).join(', ')} carries the DS of key ${pending.key.keyTag}\n`,
    note: `discodns: the server acts on it at its next rollover step (every ten minutes, or now on SIGHUP); key ${pending.key.keyTag} signs once every zone of ${found.set.name} has its DS and dnssec.parentDsTtl (${config.dnssec.parentDsTtl} s) has passed`,
  };
}

/** `discodns ctl key-roll ZONE|@KEYSET`: start a KSK/CSK rollover of the zone's key set. */
export async function keyRoll(config: Config, zones: readonly ZoneContent[], target: string, now: number, log: Logger): Promise<CommandResult> {
  const dnssec = new Dnssec(config.dnssec, config.state, log);
  const found = keysetFor(config, zones, target, dnssec);
  if ('error' in found) return found;
  if (found.set.pending()) return { error: `key set ${found.set.name} is already rolling: key ${found.set.pending()!.key.keyTag} waits for its DS (discodns ds ${nameToText(found.zones[0]?.origin ?? found.set.owner)})` };
  await requestRoll(found.set, now);
  return {
    out: `asked: key set ${found.set.name} gets a new ${config.dnssec.keys === 'csk' ? 'CSK' : 'KSK'} at the server's next rollover step\n`,
    note: 'discodns: then give the parent the new DS (discodns ds ZONE), and run discodns ctl ds-seen ZONE once it is published',
  };
}

/** `discodns ctl keys [ZONE|@KEYSET]`: each key set's keys with their state. */
export function listKeys(config: Config, zones: readonly ZoneContent[], target: string | undefined, log: Logger): CommandResult {
  const dnssec = new Dnssec(config.dnssec, config.state, log);
  let sets: Keyset[];
  if (target) {
    const found = keysetFor(config, zones, target, dnssec);
    if ('error' in found) return found;
    sets = [found.set];
  } else {
    sets = dnssec.keys.names().flatMap((n) => {
      const s = dnssec.keys.existing(n);
      return s && !('error' in s) ? [s] : [];
    });
  }
  const when = (t: number | undefined): string => (t === undefined ? '-' : new Date(t * 1000).toISOString().replace('.000', ''));
  const lines = sets.flatMap((s) => [
    `${s.name} (${s.dir})`,
    ...s.keys.map((k) => `  ${k.key.keyTag} ${k.role} alg ${k.key.algorithm} ${keyState(k)}  published ${when(k.times.published)}  active ${when(k.times.active)}  retired ${when(k.times.retired)}  ds-seen ${when(k.times.dsSeen)}`),
  ]);
  return { out: lines.length ? lines.join('\n') + '\n' : `no key sets in ${dnssec.keys.dir}\n` };
}
