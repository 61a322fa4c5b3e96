// RFC 1035 zone files served beside definitions, over a real socket: read at start, reloaded on
// SIGHUP (also when only a file it $INCLUDEs changed), a broken version keeps the previous one in
// service with its file:line:col logged, and $INCLUDE cannot leave the zones directory.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscodns, type RunningDiscodns } from '../support/discodns.js';
import { buildQuery, normalize, udpExchange } from '../support/query.js';

let server: RunningDiscodns;
let dir: string;
let mtime = Math.floor(Date.now() / 1000) - 10_000;

function write(file: string, text: string): void {
  writeFileSync(join(dir, file), text);
  mtime += 2;
  utimesSync(join(dir, file), mtime, mtime);
}
const zoneText = (version: string): string => `$TTL 1h
@ SOA ns1 hostmaster ( ${version} 2h 1h 2w 5m )
  NS ns1
ns1 A 192.0.2.53
@ TXT "version=${version}"
$INCLUDE hosts.inc
`;
async function ask(qname: string, qtype: number): Promise<{ rcode: string; answer: string[] }> {
  const out = await udpExchange(server.port, buildQuery({ id: 7, qname, qtype }), 2000);
  if (!out) return { rcode: 'TIMEOUT', answer: [] };
  const n = normalize(out);
  return { rcode: n.rcodeName, answer: n.answer };
}
async function reload(): Promise<void> {
  const before = server.stdout.filter((l) => l.includes('"msg":"reloaded"')).length;
  process.kill(server.pid, 'SIGHUP');
  for (let i = 0; i < 200 && server.stdout.filter((l) => l.includes('"msg":"reloaded"')).length === before; i++) await new Promise((r) => setTimeout(r, 25));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'discodns-zonefiles-'));
  write('files.test.zone', zoneText('1'));
  write('hosts.inc', 'mail A 192.0.2.10\n');
  write('other.yaml', 'zone: yaml.test\nnameservers: [ns1.files.test.]\n');
  server = await startDiscodns(dir);
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('zone files in the zones directory', () => {
  it('are served beside definitions, named by their file', async () => {
    expect((await ask('files.test.', 16)).answer.join()).toContain('version=1');
    expect((await ask('mail.files.test.', 1)).answer.join()).toContain('192.0.2.10');
    expect((await ask('yaml.test.', 6)).rcode).toBe('NOERROR');
  });

  it('reload when a file they include changes', async () => {
    write('hosts.inc', 'mail A 192.0.2.11\n');
    await reload();
    expect((await ask('mail.files.test.', 1)).answer.join()).toContain('192.0.2.11');
  });

  it('keep the previous version when the new one is broken, and log where', async () => {
    write('files.test.zone', zoneText('2').replace('ns1 A 192.0.2.53', 'ns1 A 192.0.2.999'));
    await reload();
    expect((await ask('files.test.', 16)).answer.join()).toContain('version=1');
    expect(server.stdout.some((l) => l.includes('files.test.zone:4:') && l.includes('192.0.2.999'))).toBe(true);
    write('files.test.zone', zoneText('3'));
    await reload();
    expect((await ask('files.test.', 16)).answer.join()).toContain('version=3');
  });

  it('refuse an $INCLUDE outside the zones directory', async () => {
    write('files.test.zone', zoneText('4').replace('$INCLUDE hosts.inc', '$INCLUDE /etc/hostname'));
    await reload();
    expect((await ask('files.test.', 16)).answer.join()).toContain('version=3');
    expect(server.stdout.some((l) => l.includes('outside the zones directory'))).toBe(true);
  });
});
