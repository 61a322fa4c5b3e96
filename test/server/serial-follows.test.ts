// A zone's serial follows what is served, not only its definition (issues 14 and 15): a
// secondary fetches a zone only when its SOA serial grows (RFC 1996 §1, RFC 1995 §2), so a new
// signing epoch, a key rollover step or an old PACC digest that goes must move the serial on
// (through the state, so it only grows: RFC 1982), and NOTIFY must follow; a reload or a
// restart that changes nothing must not move it.
import dgram from 'node:dgram';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { DnssecConfig } from '../../src/config.js';
import { SignedZone } from '../../src/dns/dnssec/signed-zone.js';
import { DAY, epochEnd, transferExpiresAfter } from '../../src/dns/dnssec/window.js';
import { name } from '../../src/dns/name.js';
import type { RRset } from '../../src/dns/records.js';
import { RRType } from '../../src/dns/types.js';
import type { Zone } from '../../src/dns/zone.js';
import { decodeMessage, DecodeError } from '../../src/wire/decode.js';
import { Dnssec } from '../../src/server/dnssec.js';
import type { SnapshotHolder } from '../../src/server/holder.js';
import { AutoconfigPublisher } from '../../src/server/http/publish.js';
import { IxfrHistory } from '../../src/server/ixfr-history.js';
import { PROPAGATION, requestRoll, RETIRE_WAIT } from '../../src/server/keys.js';
import { newNotifyStats, NotifySender } from '../../src/server/notify-out.js';
import { Replication } from '../../src/server/replication.js';
import { ZoneReloader, type ReloaderOptions } from '../../src/server/reload.js';
import { dateSerialOf } from '../../src/server/serials.js';
import { StateDir } from '../../src/server/state.js';
import { ixfrRRsets } from '../../src/server/xfr.js';
import { transferSigner } from '../../src/server/signer.js';

const CONFIG: DnssecConfig = { enabled: false, algorithm: 13 as const, keys: 'csk' as const, denial: 'nsec' as const, cds: 'always' as const, zskLifetime: 0, kskLifetime: 0, parentDsTtl: 3600, dsCheck: '' };
const SIGNED = name('signed.test.');
const PLAIN = name('plain.test.');
const FIXED = name('fixed.test.');
/** Just past the start of signed.test's signing epoch, so that minutes pass within it. */
const T0 = epochEnd(1_800_000_000, SIGNED.key) + 3600;
/** dateserial: the first serial of each zone is today's YYYYMMDD00, and each move on is +1. */
const TODAY = dateSerialOf(Date.now());

const definition = (zone: string, extra: string, serial = 'dateserial'): string => `zone: ${zone}\nnameservers: [ns1.elsewhere.test.]\nsoa:\n  serial: ${serial}\nhosts:\n  mail: 192.0.2.1\n${extra}`;

const dirs: string[] = [];
let cleanup: (() => void)[] = [];
const reloaders: ZoneReloader[] = [];
afterEach(async () => {
  for (const c of cleanup) c();
  cleanup = [];
  for (const r of reloaders.splice(0)) await r.settled();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function workDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'discodns-serial-follows-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'zones'));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, 'zones', file), text);
  return dir;
}

const ZONES = {
  'signed.yaml': definition('signed.test', 'dnssec: on\n'),
  'plain.yaml': definition('plain.test', ''),
  'fixed.yaml': definition('fixed.test', 'dnssec: on\n', '7'),
};

interface Served {
  readonly reloader: ZoneReloader;
  readonly dnssec: Dnssec;
  readonly holder: SnapshotHolder;
  readonly warnings: string[];
  zone(origin: typeof SIGNED): Zone;
  serial(origin: typeof SIGNED): number;
}

/** A server's reload side, as serve.ts wires it, on `dir`, with the DNSSEC clock `clock`. */
async function serve(dir: string, clock: { now: number }, options: ReloaderOptions = {}, config: DnssecConfig = CONFIG): Promise<Served> {
  const warnings: string[] = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push((JSON.parse(line) as { msg: string }).msg) });
  const dnssec = new Dnssec(config, join(dir, 'state'), log, () => clock.now);
  const ref: { holder?: SnapshotHolder } = {};
  const reloader = new ZoneReloader(join(dir, 'zones'), 1000, () => ref.holder, log, StateDir.open(join(dir, 'state')), { dnssec, ...options });
  reloaders.push(reloader);
  const { snapshot } = await reloader.initial();
  const holder = { current: snapshot };
  ref.holder = holder;
  dnssec.adopt(snapshot);
  await reloader.settled();
  const zone = (origin: typeof SIGNED): Zone => holder.current.catalog.zones.get(origin.key)!;
  return { reloader, dnssec, holder, warnings, zone, serial: (origin) => zone(origin).serial };
}

/** The serials file as written: zone → its fields after the name. */
function serialsFile(dir: string): Map<string, string[]> {
  const lines = readFileSync(join(dir, 'state', 'serials'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  return new Map(lines.map((l) => l.split(' ')).map(([zone, ...rest]) => [zone!, rest]));
}

/** A time loop: republish as the rollover timer does (serve.ts RolloverTimer). */
async function tickAndRepublish(s: Served): Promise<boolean> {
  const asked = await s.dnssec.tick();
  if (asked) await s.reloader.republish();
  await s.reloader.settled();
  return asked;
}

describe('a signed zone\'s serial follows its signing epoch (window.ts; RFC 1996 §1)', () => {
  it('moves on by one when the epoch moves on, once; unsigned zones keep theirs; the state holds it', async () => {
    const clock = { now: T0 };
    const dir = workDir(ZONES);
    const s = await serve(dir, clock);
    expect(s.serial(SIGNED)).toBe(TODAY);
    expect(s.serial(PLAIN)).toBe(TODAY);
    // Minutes within the epoch: nothing to do.
    clock.now += 600;
    expect(await tickAndRepublish(s)).toBe(false);
    expect(s.serial(SIGNED)).toBe(TODAY);
    // The epoch ends: the timer asks for a republish, and the zone gets serial + 1.
    clock.now = epochEnd(clock.now, SIGNED.key) + 60;
    expect(await tickAndRepublish(s)).toBe(true);
    expect(s.serial(SIGNED)).toBe(TODAY + 1);
    expect(s.serial(PLAIN)).toBe(TODAY);
    expect(s.zone(SIGNED)).toBeInstanceOf(SignedZone);
    const written = serialsFile(dir);
    expect(written.get('signed.test.')?.[0]).toBe(String(TODAY + 1));
    expect(written.get('signed.test.')).toHaveLength(3); // serial, content digest, served digest
    expect(written.get('plain.test.')).toHaveLength(2); // nothing added: the old two-field line
    // The same epoch again: no new serial, whether by the timer or by a reload.
    clock.now += 600;
    await tickAndRepublish(s);
    await s.reloader.republish();
    await s.reloader.request();
    expect(s.serial(SIGNED)).toBe(TODAY + 1);
  });

  it('a fixed serial cannot follow: it stays, and one warning says why, not one per epoch', async () => {
    const clock = { now: T0 };
    const s = await serve(workDir(ZONES), clock);
    expect(s.serial(FIXED)).toBe(7);
    clock.now = epochEnd(clock.now, FIXED.key) + 60;
    await s.dnssec.tick();
    await s.reloader.republish();
    expect(s.serial(FIXED)).toBe(7);
    const said = s.warnings.filter((w) => w.includes('fixed serial'));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/zone fixed\.test\. served differently .* signatures expire there; write serial: auto/);
    await s.reloader.republish();
    expect(s.warnings.filter((w) => w.includes('fixed serial'))).toHaveLength(1);
  });
});

describe('a key rollover step that changes the DNSKEY set moves the serial on (RFC 7583 §3.3)', () => {
  it('a CSK roll: the new key published is a new serial; the keys staying the same is not', async () => {
    const clock = { now: T0 };
    const s = await serve(workDir(ZONES), clock);
    const before = (s.zone(SIGNED) as SignedZone).keys.dnskeys.length;
    const set = [...s.dnssec.keysets()].find((k) => k.name.includes('signed.test'))!;
    await requestRoll(set, clock.now + 1);
    clock.now += 10;
    expect(await tickAndRepublish(s)).toBe(true);
    expect((s.zone(SIGNED) as SignedZone).keys.dnskeys.length).toBe(before + 1);
    expect(s.serial(SIGNED)).toBe(TODAY + 1);
    expect(s.serial(PLAIN)).toBe(TODAY);
    clock.now += 10;
    expect(await tickAndRepublish(s)).toBe(false);
    expect(s.serial(SIGNED)).toBe(TODAY + 1);
  });
});

describe('a ZSK pre-publish rollover (RFC 6781 §4.1.1.1): each step served differently is a new serial', () => {
  it('the new ZSK published, then signing, then the old one removed: +1 at each step, nothing in between', async () => {
    const clock = { now: T0 };
    // ZSKs of 3 days: the whole roll fits in the zone's signing epoch (T0 is an hour into it).
    const split = { ...CONFIG, keys: 'ksk+zsk' as const, zskLifetime: 3 };
    const s = await serve(workDir(ZONES), clock, {}, split);
    const dnskeys = (): number => (s.zone(SIGNED) as SignedZone).keys.dnskeys.length;
    expect(dnskeys()).toBe(2);
    clock.now += 3 * DAY - 600;
    expect(await tickAndRepublish(s)).toBe(false);
    clock.now += 1200; // the ZSK's lifetime is over: a new one is published
    expect(await tickAndRepublish(s)).toBe(true);
    expect([dnskeys(), s.serial(SIGNED)]).toEqual([3, TODAY + 1]);
    clock.now += 3600 + PROPAGATION; // the DNSKEY TTL passed: the new ZSK signs
    expect(await tickAndRepublish(s)).toBe(true);
    expect([dnskeys(), s.serial(SIGNED)]).toEqual([3, TODAY + 2]);
    clock.now += RETIRE_WAIT; // the old ZSK goes
    expect(await tickAndRepublish(s)).toBe(true);
    expect([dnskeys(), s.serial(SIGNED)]).toEqual([2, TODAY + 3]);
    expect(s.serial(PLAIN)).toBe(TODAY);
  });
});

describe('dnssec: on or off, the definition otherwise the same', () => {
  it('is a new serial each way, so that secondaries fetch the zone signed, or unsigned', async () => {
    const dir = workDir({ 'plain.yaml': definition('plain.test', '') });
    const s = await serve(dir, { now: T0 });
    expect(s.serial(PLAIN)).toBe(TODAY);
    writeFileSync(join(dir, 'zones', 'plain.yaml'), definition('plain.test', 'dnssec: on\n'));
    await s.reloader.request();
    expect(s.zone(PLAIN)).toBeInstanceOf(SignedZone);
    expect(s.serial(PLAIN)).toBe(TODAY + 1);
    writeFileSync(join(dir, 'zones', 'plain.yaml'), definition('plain.test', 'dnssec: off\n'));
    await s.reloader.request();
    expect(s.zone(PLAIN)).not.toBeInstanceOf(SignedZone);
    expect(s.serial(PLAIN)).toBe(TODAY + 2);
  });
});

describe('restarts (the serials state, RFC 1982)', () => {
  it('a restart that changes nothing keeps every serial; one after the epoch moved on gives the signed zone + 1', async () => {
    const clock = { now: T0 };
    const dir = workDir(ZONES);
    await serve(dir, clock);
    clock.now += 600;
    const again = await serve(dir, clock);
    expect([again.serial(SIGNED), again.serial(PLAIN), again.serial(FIXED)]).toEqual([TODAY, TODAY, 7]);
    clock.now = epochEnd(clock.now, SIGNED.key) + 60;
    const later = await serve(dir, clock);
    expect([later.serial(SIGNED), later.serial(PLAIN)]).toEqual([TODAY + 1, TODAY]);
  });

  it('a state of two fields a line (before served digests) is read: unsigned zones keep their serials, a signed zone moves on once', async () => {
    const clock = { now: T0 };
    const dir = workDir(ZONES);
    await serve(dir, clock);
    const path = join(dir, 'state', 'serials');
    const old = readFileSync(path, 'utf8').replace(/^(\S+ \d+ [0-9a-f]{16}) [0-9a-f]{16}$/gm, '$1');
    expect(old).not.toMatch(/^\S+ \d+ [0-9a-f]{16} /m);
    writeFileSync(path, old);
    const upgraded = await serve(dir, clock);
    // What the signed zone's secondaries hold is not known: they are sent it signed anew.
    expect([upgraded.serial(SIGNED), upgraded.serial(PLAIN), upgraded.serial(FIXED)]).toEqual([TODAY + 1, TODAY, 7]);
    expect(upgraded.warnings.filter((w) => w.includes('fixed serial'))).toEqual([]);
    const next = await serve(dir, clock);
    expect([next.serial(SIGNED), next.serial(PLAIN)]).toEqual([TODAY + 1, TODAY]);
  });
});

/** A UDP socket on loopback that answers every NOTIFY, keeping (zone, serial) of each. */
async function secondary(): Promise<{ port: number; got: [string, number][] }> {
  const s = dgram.createSocket('udp4');
  const got: [string, number][] = [];
  s.on('message', (msg, rinfo) => {
    const m = decodeMessage(msg);
    if (m instanceof DecodeError) return;
    const soa = m.answer[0]?.rdata;
    const qname = m.questions[0]?.name.key;
    got.push([qname === SIGNED.key ? 'signed' : qname === PLAIN.key ? 'plain' : 'other', soa?.kind === 'SOA' ? soa.serial : -1]);
    const reply = Buffer.from(msg);
    reply[2] = reply[2]! | 0x80;
    s.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  cleanup.push(() => s.close());
  return { port: s.address().port, got };
}

describe('NOTIFY and IXFR after the serial moves on (RFC 1996 §4.7, RFC 1995 §4)', () => {
  it('the signed zone alone is notified with its new SOA; an IXFR from its old serial gets the whole zone, signed to outlive the new epoch', async () => {
    const peer = await secondary();
    const log = pino({ level: 'silent' });
    const sender = new NotifySender({ rate: 1000, log, stats: newNotifyStats() });
    cleanup.push(() => sender.close());
    const history = new IxfrHistory(5);
    const replication = new Replication({ history, sender, targets: [{ address: '127.0.0.1', port: peer.port }], keyring: new Map(), log });
    const clock = { now: T0 };
    const s = await serve(workDir(ZONES), clock, { onSwap: (before, after) => void replication.swapped(before, after) });
    clock.now = epochEnd(clock.now, SIGNED.key) + 60;
    await tickAndRepublish(s);
    await replication.idle();
    for (let t = 0; t < 200 && peer.got.length === 0; t++) await new Promise((r) => setTimeout(r, 10));
    expect(peer.got).toEqual([['signed', TODAY + 1]]);
    const zone = s.zone(SIGNED);
    const answer = ixfrRRsets(zone, TODAY, history, undefined, transferSigner(zone as SignedZone, clock.now));
    expect(answer.kind).toBe('ixfr-full');
    const rrsets = [...answer.rrsets] as RRset[];
    const soaSerial = (set: RRset | undefined): number | undefined => (set?.rdatas[0]?.kind === 'SOA' ? set.rdatas[0].serial : undefined);
    expect(soaSerial(rrsets[0])).toBe(TODAY + 1);
    expect(soaSerial(rrsets[rrsets.length - 1])).toBe(TODAY + 1);
    const expirations = rrsets.filter((r) => r.type === RRType.RRSIG).flatMap((r) => r.rdatas.map((d) => (d.kind === 'RRSIG' ? d.expiration : 0)));
    expect(expirations.length).toBeGreaterThan(3);
    expect(Math.min(...expirations)).toBeGreaterThanOrEqual(transferExpiresAfter(clock.now, SIGNED.key));
    expect(ixfrRRsets(zone, TODAY + 1, history).kind).toBe('ixfr-current');
  });
});

describe('PACC digests (an old one going is a change served)', () => {
  const pacc = (port: number): string => `zone: p.test\nttl: 600\nnameservers: [ns1.p.test.]\nsoa:\n  serial: dateserial\nhosts: { ns1: 192.0.2.1, mail: 192.0.2.2 }\nservices: { imaps: 'mail.p.test.:${port}' }\nautoconfig: { host: 192.0.2.1 }\n`;
  const P = name('p.test.');

  it('a content change is one new serial; the old digest going when its TTL passed is the next, with its IXFR difference; nothing more after', async () => {
    let ms = 1_000_000;
    const publisher = new AutoconfigPublisher(undefined, () => ms);
    cleanup.push(() => publisher.stop());
    const history = new IxfrHistory(5);
    const replication = new Replication({ history, sender: new NotifySender({ rate: 1000, log: pino({ level: 'silent' }), stats: newNotifyStats() }), targets: [], keyring: new Map(), log: pino({ level: 'silent' }) });
    const dir = workDir({ 'p.yaml': pacc(993) });
    const s = await serve(dir, { now: T0 }, { publish: (zones) => publisher.inputs(zones), onSwap: (before, after) => void replication.swapped(before, after) });
    expect(s.serial(P)).toBe(TODAY);
    writeFileSync(join(dir, 'zones', 'p.yaml'), pacc(1993));
    await s.reloader.request();
    await replication.idle();
    // The content changed: one new serial, which carries the new digest beside the old.
    expect(s.serial(P)).toBe(TODAY + 1);
    ms += 601_000;
    await s.reloader.republish();
    await replication.idle();
    expect(s.serial(P)).toBe(TODAY + 2);
    const diff = history.since(s.zone(P), TODAY + 1);
    expect(diff).toHaveLength(1);
    expect(diff![0]!.removed.map((r) => r.type)).toEqual([RRType.TXT]);
    expect(diff![0]!.added).toEqual([]);
    expect(history.since(s.zone(P), TODAY)).toHaveLength(2);
    await s.reloader.republish();
    await s.reloader.request();
    expect(s.serial(P)).toBe(TODAY + 2);
  });
});
