// http.tls: the responder speaks HTTPS with the configured PEM files, and SIGHUP makes it read
// them again: a renewed certificate is served without a restart; a broken one is refused and
// the previous one stays. Certificates are made here with openssl (skipped without it).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscodns, type RunningDiscodns } from '../support/discodns.js';

const hasOpenssl = ['/usr/bin/openssl', '/bin/openssl'].some((p) => existsSync(p));
let server: RunningDiscodns;
let dir: string;
let port: number;

function makeCert(name: string): void {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.pem`)], { stdio: 'ignore', timeout: 10_000 });
}

/** The subject CN of the certificate the server presents, and the HTTP status of a GET. */
function ask(): Promise<{ cn: string; status: string }> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, servername: 'autoconfig.example.com', rejectUnauthorized: false }, () => {
      const cn = String(s.getPeerCertificate().subject?.CN ?? '');
      s.write('GET /mail/config-v1.1.xml HTTP/1.1\r\nHost: autoconfig.example.com\r\nConnection: close\r\n\r\n');
      let data = '';
      s.on('data', (c: Buffer) => (data += c.toString()));
      s.on('end', () => resolve({ cn, status: data.split(' ')[1] ?? '' }));
    });
    s.on('error', reject);
    s.setTimeout(5000, () => s.destroy(new Error('timeout')));
  });
}

async function hup(): Promise<void> {
  const n = server.stdout.filter((l) => l.includes('"msg":"reloaded"')).length;
  process.kill(server.pid, 'SIGHUP');
  for (let i = 0; i < 200 && server.stdout.filter((l) => l.includes('"msg":"reloaded"')).length === n; i++) await new Promise((r) => setTimeout(r, 25));
}

beforeAll(async () => {
  if (!hasOpenssl) return;
  dir = mkdtempSync(join(tmpdir(), 'discodns-https-'));
  makeCert('first');
  makeCert('second');
  copyFileSync(join(dir, 'first.pem'), join(dir, 'cert.pem'));
  copyFileSync(join(dir, 'first.key'), join(dir, 'key.pem'));
  const example = readFileSync(new URL('../../zones/example.com.yaml', import.meta.url), 'utf8');
  writeFileSync(join(dir, 'example.com.yaml'), `${example}autoconfig: on\n`);
  const config = { http: { listen: '127.0.0.1:0', host: 'mail.example.com', tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') } } };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  server = await startDiscodns(dir, ['--config', join(dir, 'config.json')]);
  port = (JSON.parse(server.stdout.find((l) => l.includes('"msg":"serving"'))!) as { http: { port: number } }).http.port;
});
afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasOpenssl)('http.tls: HTTPS, and the certificate read again on SIGHUP', () => {
  it('serves the configured certificate', async () => {
    expect(await ask()).toEqual({ cn: 'first', status: '200' });
  });

  it('a renewed certificate is served after SIGHUP, without a restart', async () => {
    copyFileSync(join(dir, 'second.pem'), join(dir, 'cert.pem'));
    copyFileSync(join(dir, 'second.key'), join(dir, 'key.pem'));
    await hup();
    expect(await ask()).toEqual({ cn: 'second', status: '200' });
  });

  it('a broken certificate is refused: the one in use stays, and the log says why', async () => {
    writeFileSync(join(dir, 'cert.pem'), 'not a certificate\n');
    await hup();
    expect(await ask()).toEqual({ cn: 'second', status: '200' });
    expect(server.stdout.some((l) => l.includes('certificate not reloaded'))).toBe(true);
  });
});
