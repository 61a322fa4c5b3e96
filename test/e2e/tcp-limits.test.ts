// The TCP limits (server/tcp.ts), each against the client it is for, on a listener of its own:
// a slowloris client trickling a query a byte at a time, a client that pipelines queries and
// never reads the answers, and one address opening more connections than it may. Each test
// would fail without its limit: the trickled query would be answered, the server would read
// every query and buffer every answer, the extra connections would stay open.
import net from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { handlerOptions } from '../../src/server/identity.js';
import { newStats, queryCount, type ServerStats } from '../../src/server/stats.js';
import { bindTcp, type TcpListener, type TcpOptions } from '../../src/server/tcp.js';
import { buildQuery } from '../support/query.js';
import { EXAMPLE_ZONE, snapshotFromText } from '../support/zonetext.js';

const TXT = 16;
// About 1,100 bytes of answer per query: what fills a socket buffer fast.
const big = Array.from({ length: 5 }, (_, i) => `big TXT "${String(i)}${'x'.repeat(200)}"`).join('\n');
const snapshot = snapshotFromText({ 'example.com.': `${EXAMPLE_ZONE}\n${big}` });
const defaults: TcpOptions = { idleTimeoutMs: 10_000, maxConnections: 1000, maxPerSource: 20, maxMessageSize: 16384, partialTimeoutMs: 3000, maxInFlight: 100 };

let listener: TcpListener | undefined;
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await listener?.close();
  listener = undefined;
});

async function listen(tcp: Partial<TcpOptions>, perSource = new Map<string, number>()): Promise<{ port: number; stats: ServerStats; perSource: Map<string, number> }> {
  const stats = newStats();
  listener = await bindTcp('127.0.0.1', 0, {
    holder: { current: snapshot },
    handler: handlerOptions({ udpSize: 1232, nsid: '', id: '', version: '' }),
    tcp: { ...defaults, ...tcp },
    stats,
    log: pino({ level: 'silent' }),
    queryLog: undefined,
    perSource,
  });
  return { port: (listener.server.address() as net.AddressInfo).port, stats, perSource };
}

function connect(port: number, localAddress = '127.0.0.1'): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1', localAddress });
    sockets.push(s);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}
const framed = (q: Buffer) => Buffer.concat([Buffer.from([q.length >> 8, q.length & 0xff]), q]);
const closed = (s: net.Socket) => new Promise<number>((resolve) => {
  const start = Date.now();
  if (s.destroyed) resolve(0);
  s.once('close', () => resolve(Date.now() - start));
});
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('tcp.partialTimeout: a query trickled one byte at a time', () => {
  it('is cut off partialTimeout after its first byte, long before the idle timeout', async () => {
    const { port, stats } = await listen({ partialTimeoutMs: 400, idleTimeoutMs: 20_000 });
    const s = await connect(port);
    const bytes = framed(buildQuery({ id: 1, qname: 'example.com', qtype: 6 }));
    let answered = false;
    s.on('data', () => (answered = true));
    s.on('error', () => undefined);
    const done = closed(s);
    const start = Date.now();
    // One byte every 50 ms: the whole query would take over 2 s.
    for (let i = 0; i < bytes.length && !s.destroyed; i++) {
      s.write(bytes.subarray(i, i + 1));
      await wait(50);
    }
    await done;
    const ms = Date.now() - start;
    expect(answered).toBe(false);
    expect(ms).toBeLessThan(bytes.length * 50);
    expect(stats.tcpPartialTimeouts).toBe(1);
  });
  it('a query that arrives whole in time is answered, and the next one gets its own time', async () => {
    const { port } = await listen({ partialTimeoutMs: 400 });
    const s = await connect(port);
    const bytes = framed(buildQuery({ id: 2, qname: 'example.com', qtype: 6 }));
    const replies: Buffer[] = [];
    s.on('data', (c) => replies.push(c));
    for (let round = 0; round < 3; round++) {
      s.write(bytes.subarray(0, 5));
      await wait(250);
      s.write(bytes.subarray(5));
      await wait(250);
    }
    expect(s.destroyed).toBe(false);
    expect(Buffer.concat(replies).length).toBeGreaterThan(3 * 40);
  });
});

describe('backpressure: a client that pipelines and never reads', () => {
  it('stops being read once its answers back up, then is closed by the idle timeout', async () => {
    const { port, stats } = await listen({ maxInFlight: 16, idleTimeoutMs: 1500 });
    const s = await connect(port);
    s.on('error', () => undefined);
    s.pause(); // never read
    const n = 20_000;
    const one = framed(buildQuery({ id: 3, qname: 'big.example.com', qtype: TXT }));
    const all = Buffer.concat(Array.from({ length: n }, () => one));
    s.write(all);
    await wait(700);
    // The server stopped reading: most of what the client wrote is still in its own buffer.
    expect(stats.tcpPaused).toBeGreaterThan(0);
    const answered = queryCount(stats, 'tcp', 'TXT', 'NOERROR');
    expect(answered).toBeLessThan(n / 2);
    // A paused client does not notice the close; the server's count does.
    for (let i = 0; i < 50 && stats.tcpIdleTimeouts === 0; i++) await wait(100);
    expect(stats.tcpIdleTimeouts).toBe(1);
    expect(queryCount(stats, 'tcp', 'TXT', 'NOERROR')).toBeLessThan(n / 2);
  });
  it('a client that reads slowly gets every answer, in order', async () => {
    const { port } = await listen({ maxInFlight: 4 });
    const s = await connect(port);
    const n = 300;
    s.write(Buffer.concat(Array.from({ length: n }, (_, i) => framed(buildQuery({ id: i, qname: 'big.example.com', qtype: TXT })))));
    let buf = Buffer.alloc(0);
    const ids: number[] = [];
    await new Promise<void>((resolve) => {
      s.on('data', (c) => {
        buf = Buffer.concat([buf, c]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          ids.push(buf.readUInt16BE(2));
          buf = buf.subarray(2 + buf.readUInt16BE(0));
        }
        if (ids.length === n) resolve();
        s.pause();
        setTimeout(() => s.resume(), 2);
      });
    });
    expect(ids).toEqual(Array.from({ length: n }, (_, i) => i));
  });
});

describe('tcp.maxPerSource: one address, too many connections', () => {
  it('the connections past the cap are closed at once; the others answer; closing one makes room', async () => {
    const { port, stats, perSource } = await listen({ maxPerSource: 5 });
    const socks = await Promise.all(Array.from({ length: 8 }, () => connect(port)));
    for (const s of socks) s.on('error', () => undefined);
    await wait(300);
    expect(socks.filter((s) => s.destroyed || s.readableEnded).length).toBe(3);
    expect(stats.tcpPerSourceRefused).toBe(3);
    expect(perSource.get('127.0.0.1')).toBe(5);
    const open = socks.filter((s) => !s.destroyed && !s.readableEnded);
    const reply = new Promise<Buffer>((resolve) => open[0]!.once('data', resolve));
    open[0]!.write(framed(buildQuery({ id: 4, qname: 'example.com', qtype: 6 })));
    expect((await reply).readUInt16BE(2)).toBe(4);
    open[1]!.destroy();
    await wait(100);
    const another = await connect(port);
    await wait(200);
    expect(another.destroyed || another.readableEnded).toBe(false);
  });
  it('the table of sources holds no more entries than connections, whatever the addresses', async () => {
    const { port, perSource } = await listen({ maxConnections: 10, maxPerSource: 2 });
    const attempts = Array.from({ length: 40 }, (_, i) => connect(port, `127.0.0.${i + 2}`).catch(() => undefined));
    await Promise.all(attempts);
    await wait(300);
    expect(perSource.size).toBeLessThanOrEqual(10);
    for (const s of sockets) s.destroy();
    await wait(200);
    expect(perSource.size).toBe(0);
  });
});
