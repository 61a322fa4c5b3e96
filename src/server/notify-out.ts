// NOTIFY out (RFC 1996): tell each secondary that a zone changed, so it asks for the new version
// now instead of at its next refresh. Sent over UDP from a socket of our own, TSIG-signed when
// the target has a key; retried with growing timeouts until answered, or given up (logged once);
// at a bounded rate however many zones change at once, with a bounded number waiting for an
// answer (message IDs are 16 bits: 100,000 zones notified to a secondary that answers slowly
// must not run out of them). A newer change of a zone replaces a NOTIFY still waiting for the
// same target. Refusals and give-ups are logged once per target a minute, with a count: a
// catalog secondary refuses every zone it has not picked up yet.

import { Buffer } from 'node:buffer';
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import type { Logger } from 'pino';
import { nameToText, type Name } from '../dns/name.js';
import type { RRset } from '../dns/records.js';
import { RRClass, RRType } from '../dns/types.js';
import { decodeMessage, DecodeError } from '../wire/decode.js';
import { OPCODE_NOTIFY } from '../wire/query.js';
import { sign, verifyResponse, type TsigKey } from '../wire/tsig.js';
import { MessageWriter } from '../wire/writer.js';

export interface NotifyTarget {
  readonly address: string;
  readonly port: number;
  readonly key?: TsigKey | undefined;
}

export interface NotifyStats {
  /** NOTIFYs answered by the secondary (any rcode). */
  answered: number;
  /** Sends that timed out and were sent again. */
  retried: number;
  /** NOTIFYs given up after the last try. */
  failed: number;
}

export function newNotifyStats(): NotifyStats {
  return { answered: 0, retried: 0, failed: 0 };
}

export interface NotifyOptions {
  /** NOTIFY messages per second at most (the configuration's transfer.notifyRate). */
  readonly rate: number;
  readonly log: Logger;
  readonly stats: NotifyStats;
  /** Tries per NOTIFY; the first waits `firstTimeoutMs`, each next one twice as long. */
  readonly tries?: number;
  readonly firstTimeoutMs?: number;
  /** NOTIFYs sent and waiting for an answer, at most (default 1000; never above 65,535). */
  readonly maxInFlight?: number;
}

/** The SOA a NOTIFY carries, read when it is sent: a zone not built yet is not built for it. */
export type SoaSource = RRset | (() => RRset);

interface Job {
  readonly zone: Name;
  readonly soa: SoaSource;
  readonly target: NotifyTarget;
  readonly key: string;
  tries: number;
  /** Set while in flight. */
  id?: number;
  requestMac?: Buffer;
  timer?: NodeJS.Timeout;
}

const TICK_MS = 20;
const LOG_EVERY_MS = 60_000;

export class NotifySender {
  readonly #queue = new Map<string, Job>();
  readonly #inFlight = new Map<string, Job>();
  readonly #byId = new Map<number, Job>();
  readonly #sockets = new Map<4 | 6, dgram.Socket>();
  readonly #tries: number;
  readonly #firstTimeoutMs: number;
  readonly #maxInFlight: number;
  /** Per target and kind of trouble: when last logged, and how many since. */
  readonly #logged = new Map<string, { at: number; since: number }>();
  #tokens: number;
  /** Tokens one tick adds, and the most kept: bursts of one tick's share, not of a second's (the answers to 1,000 NOTIFYs at once overflow a socket's receive buffer). */
  readonly #perTick: number;
  #ticker: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(private readonly options: NotifyOptions) {
    this.#tries = options.tries ?? 5;
    this.#firstTimeoutMs = options.firstTimeoutMs ?? 2000;
    this.#maxInFlight = Math.max(1, Math.min(options.maxInFlight ?? 1000, 0xffff));
    this.#perTick = Math.max(1, (options.rate * TICK_MS) / 1000);
    this.#tokens = this.#perTick;
  }

  /** Queues a NOTIFY of `zone` (whose SOA is `soa`) to each target, replacing any still waiting. */
  notify(zone: Name, soa: SoaSource, targets: readonly NotifyTarget[]): void {
    if (this.#closed) return;
    for (const target of targets) {
      const key = `${zone.key}|${target.address}|${target.port}`;
      const flying = this.#inFlight.get(key);
      if (flying) this.#finish(flying); // the newer serial supersedes it
      this.#queue.delete(key);
      this.#queue.set(key, { zone, soa, target, key, tries: 0 });
    }
    this.#tick();
  }

  /** NOTIFYs queued or waiting for an answer. */
  get pending(): number {
    return this.#queue.size + this.#inFlight.size;
  }

  /** NOTIFYs sent and waiting for an answer. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  close(): void {
    this.#closed = true;
    if (this.#ticker) clearTimeout(this.#ticker);
    for (const job of this.#inFlight.values()) clearTimeout(job.timer);
    this.#queue.clear();
    this.#inFlight.clear();
    for (const s of this.#sockets.values()) s.close();
    this.#sockets.clear();
  }

  /** Sends what the rate allows now, and comes back in a tick for the rest. */
  #tick(): void {
    if (this.#ticker || this.#closed) return;
    const run = (): void => {
      this.#ticker = undefined;
      this.#tokens = Math.min(this.#perTick, this.#tokens + (this.options.rate * TICK_MS) / 1000);
      for (const [key, job] of this.#queue) {
        if (this.#tokens < 1 || this.#inFlight.size >= this.#maxInFlight) break;
        this.#queue.delete(key);
        this.#tokens--;
        this.#send(job);
      }
      // Full: an answer or a timeout frees a place and ticks again.
      if (this.#queue.size > 0 && this.#inFlight.size < this.#maxInFlight) this.#ticker = setTimeout(run, TICK_MS).unref();
    };
    if (this.#tokens >= 1) run();
    else this.#ticker = setTimeout(run, TICK_MS).unref();
  }

  #socket(family: 4 | 6): dgram.Socket {
    let s = this.#sockets.get(family);
    if (!s) {
      s = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
      s.on('message', (msg, rinfo) => this.#answer(msg, rinfo));
      s.on('error', (err) => this.options.log.warn({ err: err.message }, 'notify socket error'));
      s.unref();
      this.#sockets.set(family, s);
    }
    return s;
  }

  #send(job: Job): void {
    // Fewer than 65,536 in flight (maxInFlight): a free ID is found within one lap.
    let id = randomInt(0x10000);
    while (this.#byId.has(id)) id = (id + 1) & 0xffff;
    const message = notifyMessage(id, job.zone, typeof job.soa === 'function' ? job.soa() : job.soa);
    let wire = message;
    if (job.target.key) {
      const s = sign(message, job.target.key, { chain: { kind: 'request' }, timeSigned: Math.floor(Date.now() / 1000) });
      wire = s.message;
      job.requestMac = s.mac;
    }
    job.id = id;
    job.tries++;
    this.#byId.set(id, job);
    this.#inFlight.set(job.key, job);
    const timeout = this.#firstTimeoutMs * 2 ** (job.tries - 1);
    job.timer = setTimeout(() => this.#timedOut(job), timeout).unref();
    this.#socket(net.isIPv6(job.target.address) ? 6 : 4).send(wire, job.target.port, job.target.address, (err) => {
      if (err) this.options.log.debug({ err: err.message, zone: nameToText(job.zone), target: job.target.address }, 'notify send failed');
    });
  }

  #timedOut(job: Job): void {
    if (this.#inFlight.get(job.key) !== job) return;
    this.#finish(job);
    if (job.tries < this.#tries) {
      this.options.stats.retried++;
      if (!this.#queue.has(job.key)) this.#queue.set(job.key, job);
      this.#tick();
      return;
    }
    this.options.stats.failed++;
    this.#warnOnce(job, 'gave-up', { tries: job.tries }, 'notify not answered; gave up');
  }

  /** Off the in-flight list; a place is free for the queue. */
  #finish(job: Job): void {
    clearTimeout(job.timer);
    if (job.id !== undefined) this.#byId.delete(job.id);
    this.#inFlight.delete(job.key);
    if (this.#queue.size > 0 && !this.#closed) this.#tick();
  }

  /** A warning about `job`'s target, at most once a minute per target and kind; the count says how many it stands for. */
  #warnOnce(job: Job, kind: string, fields: Record<string, unknown>, msg: string): void {
    const target = `${job.target.address}:${job.target.port}`;
    const key = `${kind}|${target}`;
    const now = Date.now();
    const seen = this.#logged.get(key);
    if (seen && now - seen.at < LOG_EVERY_MS) {
      seen.since++;
      return;
    }
    this.#logged.set(key, { at: now, since: 0 });
    const more = seen && seen.since > 0 ? { zonesSinceLastLine: seen.since } : {};
    this.options.log.warn({ zone: nameToText(job.zone), target, ...fields, ...more }, msg);
  }

  #answer(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (msg.length < 12) return;
    const job = this.#byId.get(msg.readUInt16BE(0));
    if (!job || rinfo.port !== job.target.port || normalize(rinfo.address) !== normalize(job.target.address)) return;
    const decoded = decodeMessage(msg);
    if (decoded instanceof DecodeError || !decoded.qr || decoded.opcode !== OPCODE_NOTIFY) return;
    const q = decoded.questions[0];
    if (!q || q.name.key !== job.zone.key) return;
    this.#finish(job);
    this.options.stats.answered++;
    const where = { zone: nameToText(job.zone), target: `${job.target.address}:${job.target.port}` };
    if (job.target.key && job.requestMac) {
      const problem = verifyResponse(msg, job.target.key, job.requestMac, Math.floor(Date.now() / 1000));
      if (problem) this.options.log.warn({ ...where, problem }, 'notify answer not verified');
    }
    if (decoded.rcode !== 0) this.#warnOnce(job, `rcode ${decoded.rcode}`, { rcode: decoded.rcode }, 'notify refused by the secondary (a catalog secondary refuses zones it has not picked up yet)');
    else this.options.log.debug(where, 'notify answered');
  }
}

function normalize(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** A NOTIFY (RFC 1996 §3.7): opcode 4, AA, the zone's SOA as the question and as the answer. */
export function notifyMessage(id: number, zone: Name, soa: RRset): Buffer {
  const w = new MessageWriter(2048);
  w.pos = 12;
  w.name(zone, true);
  w.u16(RRType.SOA);
  w.u16(RRClass.IN);
  const answers = w.rrset(soa);
  const out = Buffer.from(w.buf.subarray(0, w.pos));
  out.writeUInt16BE(id, 0);
  out[2] = (OPCODE_NOTIFY << 3) | 0x04;
  out[3] = 0;
  out.writeUInt16BE(1, 4);
  out.writeUInt16BE(answers, 6);
  return out;
}
