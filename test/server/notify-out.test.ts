// NOTIFY out under load: a bounded number waiting for answers (16-bit IDs must never run out),
// refusals logged once a minute per target, and a `zones:` copy notified without being built.
import dgram from 'node:dgram';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { name } from '../../src/dns/name.js';
import { buildZone, DeferredZone } from '../../src/dns/zone.js';
import { decodeMessage, DecodeError } from '../../src/wire/decode.js';
import { newNotifyStats, NotifySender } from '../../src/server/notify-out.js';
import { Replication } from '../../src/server/replication.js';
import { buildSnapshot } from '../../src/server/snapshot.js';
import { EXAMPLE_ZONE, zonesFromText } from '../support/zonetext.js';

const [example] = zonesFromText({ 'example.com.': EXAMPLE_ZONE });
const soa = buildZone(example!.origin, example!.records).soa;

/** A UDP socket on loopback that reads every NOTIFY and answers none, or answers with `rcode`. */
async function secondary(rcode?: number): Promise<{ port: number; received: () => number; close: () => void }> {
  const s = dgram.createSocket('udp4');
  let received = 0;
  s.on('message', (msg, rinfo) => {
    received++;
    if (rcode === undefined) return;
    const reply = Buffer.from(msg);
    reply[2] = reply[2]! | 0x80; // QR
    reply[3] = (reply[3]! & 0xf0) | rcode;
    s.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return { port: s.address().port, received: () => received, close: () => s.close() };
}

const zones = (n: number) => Array.from({ length: n }, (_, i) => name(`z${i}.example.`));

let stop: (() => void)[] = [];
afterEach(() => {
  for (const s of stop) s();
  stop = [];
});

describe('NotifySender', () => {
  it('keeps at most maxInFlight NOTIFYs waiting for a secondary that never answers, and sends the rest as places free', async () => {
    const peer = await secondary();
    const sender = new NotifySender({ rate: 100_000, log: pino({ level: 'silent' }), stats: newNotifyStats(), maxInFlight: 50, tries: 1, firstTimeoutMs: 30 });
    stop.push(() => sender.close(), peer.close);
    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, sender.inFlight)), 1);
    stop.push(() => clearInterval(watch));
    for (const zone of zones(400)) sender.notify(zone, soa, [{ address: '127.0.0.1', port: peer.port }]);
    most = Math.max(most, sender.inFlight);
    expect(sender.inFlight).toBe(50);
    for (let t = 0; t < 200 && sender.pending > 0; t++) await new Promise((r) => setTimeout(r, 25));
    expect(sender.pending).toBe(0);
    expect(most).toBeLessThanOrEqual(50);
    expect(peer.received()).toBe(400);
  });

  it('logs a secondary refusing every zone once, with a count, not once per zone', async () => {
    const peer = await secondary(9); // NOTAUTH: a catalog secondary that has not picked the zones up yet
    const lines: { msg: string; zonesSinceLastLine?: number; rcode?: number }[] = [];
    const log = pino({ level: 'warn' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
    const stats = newNotifyStats();
    const sender = new NotifySender({ rate: 1000, log, stats });
    stop.push(() => sender.close(), peer.close);
    for (const zone of zones(300)) sender.notify(zone, soa, [{ address: '127.0.0.1', port: peer.port }]);
    for (let t = 0; t < 200 && stats.answered < 300; t++) await new Promise((r) => setTimeout(r, 10));
    expect(stats.answered).toBe(300);
    expect(lines.filter((l) => l.msg.startsWith('notify refused'))).toHaveLength(1);
    expect(lines[0]!.rcode).toBe(9);
  });

  it('reads the SOA when the NOTIFY is sent', async () => {
    const peer = await secondary(0);
    const got: Buffer[] = [];
    const s = dgram.createSocket('udp4');
    s.on('message', (m) => got.push(m));
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    stop.push(() => s.close(), peer.close);
    const sender = new NotifySender({ rate: 1000, log: pino({ level: 'silent' }), stats: newNotifyStats() });
    stop.push(() => sender.close());
    let reads = 0;
    sender.notify(example!.origin, () => (reads++, soa), [{ address: '127.0.0.1', port: s.address().port }]);
    for (let t = 0; t < 100 && got.length === 0; t++) await new Promise((r) => setTimeout(r, 10));
    expect(reads).toBe(1);
    const m = decodeMessage(got[0]!);
    if (m instanceof DecodeError) throw new Error(m.message);
    expect(m.answer.map((r) => r.rdata)).toEqual(soa.rdatas);
  });
});

describe('Replication: start-up NOTIFY', () => {
  it('notifies a zones: copy no query has built with its SOA, without building it', async () => {
    let builds = 0;
    const built = buildZone(example!.origin, example!.records);
    const zone = new DeferredZone(example!.origin, built.serial, built.recordCount, () => {
      builds++;
      return buildZone(example!.origin, example!.records);
    });
    const snapshot = buildSnapshot([{ origin: example!.origin, records: example!.records, buildZone: () => zone }], 10);
    const got: Buffer[] = [];
    const s = dgram.createSocket('udp4');
    s.on('message', (m) => got.push(m));
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    const sender = new NotifySender({ rate: 1000, log: pino({ level: 'silent' }), stats: newNotifyStats() });
    stop.push(() => sender.close(), () => s.close());
    const replication = new Replication({ history: undefined, sender, targets: [{ address: '127.0.0.1', port: s.address().port }], keyring: new Map(), log: pino({ level: 'silent' }) });
    await replication.started(snapshot);
    for (let t = 0; t < 100 && got.length === 0; t++) await new Promise((r) => setTimeout(r, 10));
    expect(builds).toBe(0);
    const m = decodeMessage(got[0]!);
    if (m instanceof DecodeError) throw new Error(m.message);
    expect(m.answer).toHaveLength(1);
    expect(m.answer[0]!.rdata).toEqual(built.soa.rdatas[0]);
  });
});
