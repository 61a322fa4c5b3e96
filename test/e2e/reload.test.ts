// SIGHUP reload under steady UDP load: no query lost, answers switch to the new data, a broken
// file leaves the previous zone in service, a removed file removes its zone.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscodns, type RunningDiscodns } from '../support/discodns.js';
import { buildQuery, normalize, udpExchange } from '../support/query.js';

const TXT = 16;
let server: RunningDiscodns;
let dir: string;
let mtime = Math.floor(Date.now() / 1000) - 10_000;

function zone(name: string, version: string): string {
  return `zone: ${name}
nameservers: [ns1]
hosts:
  ns1: 192.0.2.1
  mail: 192.0.2.10
services:
  imaps: mail
records:
  - '@ TXT "version=${version}"'
`;
}
/** Writes a definition with a fresh, strictly later mtime, so every rewrite is seen as a change. */
function write(file: string, text: string): void {
  writeFileSync(join(dir, file), text);
  mtime += 2;
  utimesSync(join(dir, file), mtime, mtime);
}
async function txt(name: string): Promise<{ rcode: string; value?: string }> {
  const out = await udpExchange(server.port, buildQuery({ id: 1, qname: name, qtype: TXT }), 2000);
  if (!out) return { rcode: 'TIMEOUT' };
  const n = normalize(out);
  return { rcode: n.rcodeName, value: /"version=([^"]*)"/.exec(n.answer.join(' '))?.[1] };
}
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}
const reloads = () => server.stdout.filter((l) => l.includes('"msg":"reload')).length;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'discodns-reload-'));
  write('a.yaml', zone('a.test', '0'));
  server = await startDiscodns(dir);
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('SIGHUP reload', () => {
  it('loses no query across 20 reloads under load, and serves the new data after each', async () => {
    let stop = false;
    let sent = 0;
    let lost = 0;
    let wrong = 0;
    // A bounded load loop: 8 concurrent senders, each waiting for its answer, for at most 60 s.
    const deadline = Date.now() + 60_000;
    const sender = async (k: number) => {
      while (!stop && Date.now() < deadline) {
        const out = await udpExchange(server.port, buildQuery({ id: (sent++ + k) & 0xffff, qname: '_imaps._tcp.a.test', qtype: 33 }), 2000);
        if (!out) lost++;
        else if (normalize(out).rcodeName !== 'NOERROR') wrong++;
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, (_, k) => sender(k)));
    for (let i = 1; i <= 20; i++) {
      write('a.yaml', zone('a.test', String(i)));
      const before = reloads();
      process.kill(server.pid, 'SIGHUP');
      await until(async () => reloads() > before && (await txt('a.test')).value === String(i), `version ${i}`);
    }
    stop = true;
    await load;
    expect(sent).toBeGreaterThan(100);
    expect(lost).toBe(0);
    expect(wrong).toBe(0);
  });

  it('a broken definition leaves the previous zone in service and logs file:line:col', async () => {
    write('a.yaml', zone('a.test', 'good'));
    let before = reloads();
    process.kill(server.pid, 'SIGHUP');
    await until(async () => reloads() > before && (await txt('a.test')).value === 'good', 'good version');
    write('a.yaml', zone('a.test', 'broken').replace('192.0.2.10', '192.0.2.999'));
    before = reloads();
    process.kill(server.pid, 'SIGHUP');
    await until(async () => reloads() > before, 'reload');
    expect(await txt('a.test')).toEqual({ rcode: 'NOERROR', value: 'good' });
    expect(server.stdout.some((l) => l.includes('a.yaml:5:') && l.includes('"level":50'))).toBe(true);
    const last = JSON.parse(server.stdout.filter((l) => l.includes('"msg":"reloaded')).at(-1)!) as { kept: number };
    expect(last.kept).toBe(1);
  });

  it('a new file adds its zone; a deleted file removes it', async () => {
    write('b.yaml', zone('b.test', 'b1'));
    let before = reloads();
    process.kill(server.pid, 'SIGHUP');
    await until(async () => reloads() > before && (await txt('b.test')).value === 'b1', 'b.test added');
    rmSync(join(dir, 'b.yaml'));
    before = reloads();
    process.kill(server.pid, 'SIGHUP');
    await until(async () => reloads() > before && (await txt('b.test')).rcode === 'REFUSED', 'b.test removed');
  });
});
