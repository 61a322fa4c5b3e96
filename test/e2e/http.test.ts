// The HTTP autoconfig responder over a real socket (127.0.0.1, port 0), asked by curl and by
// Node's fetch with the requests real clients send: the URL forms, methods and letter case of
// Thunderbird, Thunderbird for Android, Evolution, GNOME Online Accounts, Outlook, Outlook mobile
// and Delta Chat. curl's --resolve sends the client's own URL and Host to loopback; Node's fetch
// cannot set Host, so it asks with the address in the request. The server is the built CLI.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscodns, type RunningDiscodns } from '../support/discodns.js';
import { buildQuery, normalize, udpExchange } from '../support/query.js';

const example = readFileSync(new URL('../../zones/example.com.yaml', import.meta.url), 'utf8');
const hosted = readFileSync(new URL('../fixtures/autoconfig/hosted.yaml', import.meta.url), 'utf8');
const withAutoconfig = (text: string): string => `${text}autoconfig: { display-name: Example Mail }\n`;
const EMAIL = 'jimi@example.com';
const Q = encodeURIComponent(EMAIL);

let server: RunningDiscodns;
let dir: string;
let httpPort: number;
let metricsPort: number;
let mtime = Math.floor(Date.now() / 1000) - 10_000;

function write(file: string, text: string): void {
  writeFileSync(join(dir, file), text);
  mtime += 2;
  utimesSync(join(dir, file), mtime, mtime);
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

interface Got {
  status: number;
  type: string;
  body: string;
}

/** curl to `url` as written by the client, its host name resolved to 127.0.0.1 (--resolve). */
function curl(url: string, extra: string[] = []): Promise<Got> {
  const u = new URL(url);
  const target = `${u.protocol}//${u.hostname}:${httpPort}${u.pathname}${u.search}`;
  const args = ['--silent', '--show-error', '--max-time', '5', '--resolve', `${u.hostname}:${httpPort}:127.0.0.1`, '-o', '-', '-w', '\n%{http_code} %{content_type}', ...extra, target];
  return new Promise((resolve, reject) => {
    execFile('curl', args, { timeout: 10_000, maxBuffer: 1 << 20 }, (err, stdout) => {
      if (err) return reject(err);
      const cut = stdout.lastIndexOf('\n');
      const [status, ...type] = stdout.slice(cut + 1).split(' ');
      resolve({ status: Number(status), type: type.join(' '), body: stdout.slice(0, cut) });
    });
  });
}

/** Node's fetch straight to the loopback port. */
async function get(path: string, init: RequestInit = {}): Promise<Got> {
  const r = await fetch(`http://127.0.0.1:${httpPort}${path}`, init);
  return { status: r.status, type: r.headers.get('content-type') ?? '', body: await r.text() };
}

const poxBody = (email: string): string => `<?xml version="1.0" encoding="utf-8"?>
    <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
      <Request>
        <EMailAddress>${email}</EMailAddress>
        <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
      </Request>
    </Autodiscover>`;

async function dns(qname: string, qtype: number): Promise<string[]> {
  const out = await udpExchange(server.port, buildQuery({ id: 7, qname, qtype }), 2000);
  return out ? normalize(out).answer : ['TIMEOUT'];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'discodns-http-'));
  write('example.com.yaml', withAutoconfig(example));
  write('hosted.yaml', hosted);
  write('plain.yaml', 'zone: plain.example\nnameservers: [ns1]\nhosts: { ns1: 192.0.2.1, mail: 192.0.2.2 }\nservices: { imaps: mail }\n');
  metricsPort = await freePort();
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ http: { listen: '127.0.0.1:0', host: 'mail.example.com' }, metrics: { enabled: true, listen: `127.0.0.1:${metricsPort}` } }));
  server = await startDiscodns(dir, ['--config', join(dir, 'config.json')]);
  const serving = JSON.parse(server.stdout.find((l) => l.includes('"msg":"serving"'))!) as { http?: { port: number } };
  httpPort = serving.http!.port;
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Mozilla autoconfig: the URLs clients ask', () => {
  it('Thunderbird: autoconfig.<domain>/mail/config-v1.1.xml?emailaddress=, then /.well-known/ on the domain', async () => {
    const a = await curl(`https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=${Q}`.replace('https:', 'http:'));
    expect(a.status).toBe(200);
    expect(a.type).toBe('text/xml; charset=utf-8');
    expect(a.body).toContain('<emailProvider id="example.com">');
    const b = await curl('http://example.com/.well-known/autoconfig/mail/config-v1.1.xml');
    expect(b.status).toBe(200);
    expect(b.body).toBe(a.body);
  });

  it('Thunderbird for Android: no emailaddress at all; the domain comes from Host', async () => {
    const a = await curl('http://autoconfig.example.com/mail/config-v1.1.xml');
    expect(a.status).toBe(200);
    expect(a.body).toContain('<hostname>mail.example.com</hostname>');
    expect((await curl('http://example.com/.well-known/autoconfig/mail/config-v1.1.xml')).status).toBe(200);
  });

  it('Evolution and Delta Chat: autoconfig.<domain> and /.well-known/ with emailaddress (Node fetch: the address decides)', async () => {
    const a = await get(`/mail/config-v1.1.xml?emailaddress=${Q}`);
    expect(a.status).toBe(200);
    expect(a.body).toContain('<domain>example.com</domain>');
    const b = await get(`/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=${Q}`);
    expect(b.body).toBe(a.body);
  });

  it('GNOME Online Accounts: autoconfig.<domain>/.well-known/mail-v1.xml?emailaddress=', async () => {
    const a = await curl(`http://autoconfig.example.com/.well-known/mail-v1.xml?emailaddress=${Q}`);
    expect(a.status).toBe(200);
    expect(a.body).toContain('<socketType>SSL</socketType>');
  });
});

describe('Autodiscover: Outlook, eM Client, Thunderbird, Delta Chat, Outlook mobile', () => {
  it('Outlook and Thunderbird: POST the request XML, any letter case in the path', async () => {
    for (const path of ['/autodiscover/autodiscover.xml', '/Autodiscover/Autodiscover.xml', '/AUTODISCOVER/AUTODISCOVER.XML']) {
      const a = await get(path, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', authorization: 'Basic amltaTpzZWNyZXQ=' }, body: poxBody(EMAIL) });
      expect(a.status).toBe(200);
      expect(a.body).toContain('<LoginName>jimi@example.com</LoginName>');
      expect(a.body).toContain('<Encryption>TLS</Encryption>');
    }
    const c = await curl('http://autodiscover.example.com/autodiscover/autodiscover.xml', ['-X', 'POST', '-H', 'Content-Type: text/xml; charset=utf-8', '--data-binary', poxBody(EMAIL)]);
    expect(c.status).toBe(200);
  });

  it('Delta Chat: GET https://<domain>/autodiscover/autodiscover.xml, no body: the Host decides, no LoginName', async () => {
    const a = await curl('http://example.com/autodiscover/autodiscover.xml');
    expect(a.status).toBe(200);
    expect(a.body).toContain('<Type>IMAP</Type>');
    expect(a.body).not.toContain('LoginName');
  });

  it('Outlook mobile: autodiscover.json for AutodiscoverV1, InvalidProtocol otherwise', async () => {
    const a = await get(`/autodiscover/autodiscover.json/v1.0/${EMAIL}?Protocol=AutodiscoverV1`);
    expect(a.status).toBe(200);
    expect(JSON.parse(a.body)).toEqual({ Protocol: 'AutodiscoverV1', Url: 'https://autodiscover.example.com/autodiscover/autodiscover.xml' });
    const b = await get(`/autodiscover/autodiscover.json?Email=${Q}&Protocol=ActiveSync`);
    expect(b.status).toBe(400);
    expect(JSON.parse(b.body)).toMatchObject({ ErrorCode: 'InvalidProtocol' });
  });
});

describe('Apple profile and PACC', () => {
  it('the .mobileconfig, by path or by query', async () => {
    const a = await get(`/apple/${EMAIL}.mobileconfig`);
    expect(a.status).toBe(200);
    expect(a.type).toBe('application/x-apple-aspen-config');
    expect(a.body).toContain('<string>com.apple.mail.managed</string>');
    const b = await curl(`http://autoconfig.example.com/apple/profile.mobileconfig?emailaddress=${Q}`);
    expect(b.body).toBe(a.body);
  });

  it('PACC: the served bytes hash to the _ua-auto-config TXT served over DNS', async () => {
    const a = await curl('http://ua-auto-config.example.com/.well-known/user-agent-configuration.json');
    expect(a.status).toBe(200);
    const digest = createHash('sha256').update(a.body).digest('base64');
    expect(await dns('_ua-auto-config.example.com', 16)).toEqual([`_ua-auto-config.example.com. 3600 IN TXT "v=UAAC1; a=sha256; d=${digest}"`]);
  });
});

describe('the domain: from the address, else from Host; never another domain\'s settings', () => {
  it('Host autoconfig.example.org gets example.org\'s settings (a zones: domain)', async () => {
    const a = await curl('http://autoconfig.example.org/mail/config-v1.1.xml');
    expect(a.body).toContain('<domain>example.org</domain>');
    expect(a.body).toContain('%EMAILLOCALPART%');
  });

  it('an unknown domain is 404, whether named by Host or by the address', async () => {
    expect((await curl('http://autoconfig.unknown.example/mail/config-v1.1.xml')).status).toBe(404);
    expect((await get('/mail/config-v1.1.xml')).status).toBe(404); // Host 127.0.0.1
    expect((await curl('http://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=a%40unknown.example')).status).toBe(404);
    // A zone served over DNS without autoconfig: on is unknown here too.
    expect(await dns('plain.example', 6)).toHaveLength(1);
    expect((await get('/mail/config-v1.1.xml?emailaddress=a%40plain.example')).status).toBe(404);
    expect((await curl('http://autoconfig.plain.example/mail/config-v1.1.xml')).status).toBe(404);
  });

  it('other paths and methods: 404 and 405', async () => {
    expect((await get('/')).status).toBe(404);
    expect((await get('/mail/config-v1.1.xml?emailaddress=' + Q, { method: 'POST', body: 'x' })).status).toBe(405);
  });
});

describe('hostile requests are refused safely, and the server keeps answering', () => {
  it('an oversized body: 413; billion laughs and external entities: 400', async () => {
    const big = await get('/autodiscover/autodiscover.xml', { method: 'POST', body: poxBody(EMAIL) + ' '.repeat(20_000) });
    expect(big.status).toBe(413);
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol9 "${'&lol;'.repeat(10)}">]>${poxBody('&lol9;@example.com').replace(/^<\?xml[^>]*>/, '')}`;
    expect((await get('/autodiscover/autodiscover.xml', { method: 'POST', body: laughs })).status).toBe(400);
    const xxe = `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>${poxBody('&x;').replace(/^<\?xml[^>]*>/, '')}`;
    const x = await get('/autodiscover/autodiscover.xml', { method: 'POST', body: xxe });
    expect(x.status).toBe(400);
    expect(x.body).not.toContain('root:');
    // A body that streams past the cap without a Content-Length is cut off too.
    const chunked = await curl('http://autodiscover.example.com/autodiscover/autodiscover.xml', ['-X', 'POST', '-H', 'Transfer-Encoding: chunked', '--data-binary', 'x'.repeat(40_000)]);
    expect(chunked.status).toBe(413);
    expect((await get(`/mail/config-v1.1.xml?emailaddress=${Q}`)).status).toBe(200);
  });
});

describe('metrics and logs', () => {
  it('requests counted by format and status', async () => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(text).toMatch(/discodns_http_requests_total\{format="mozilla",status="200"\} \d+/);
    expect(text).toMatch(/discodns_http_requests_total\{format="pox",status="413"\} 2/);
    expect(text).toMatch(/discodns_http_requests_total\{format="other",status="404"\} 1/);
  });

  it('no e-mail address reaches the log while the query log is off', () => {
    expect(server.stdout.join('\n')).not.toContain('jimi@example.com');
    expect(server.stdout.join('\n')).not.toContain('jimi%40example.com');
  });
});

describe('SIGHUP reload: a changed port is served by DNS and HTTP alike', () => {
  it('submissions moves to 1465; both say so, and the old PACC digest stays beside the new', async () => {
    const before = (await curl('http://ua-auto-config.example.com/.well-known/user-agent-configuration.json')).body;
    const reloads = server.stdout.filter((l) => l.includes('"msg":"reloaded"')).length;
    write('example.com.yaml', withAutoconfig(example.replace('submissions: mail:465', 'submissions: mail:1465')));
    process.kill(server.pid, 'SIGHUP');
    for (let i = 0; i < 200 && server.stdout.filter((l) => l.includes('"msg":"reloaded"')).length === reloads; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await dns('_submissions._tcp.example.com', 33)).toEqual(['_submissions._tcp.example.com. 3600 IN SRV 0 1 1465 mail.example.com.']);
    const moz = await curl('http://autoconfig.example.com/mail/config-v1.1.xml');
    expect(moz.body).toContain('<port>1465</port>');
    expect(moz.body).not.toContain('<port>465</port>');
    const after = (await curl('http://ua-auto-config.example.com/.well-known/user-agent-configuration.json')).body;
    expect(after).toContain('mail.example.com:1465');
    const digest = (b: string) => createHash('sha256').update(b).digest('base64');
    expect(await dns('_ua-auto-config.example.com', 16)).toEqual(
      [before, after].map((b) => `_ua-auto-config.example.com. 3600 IN TXT "v=UAAC1; a=sha256; d=${digest(b)}"`).sort(),
    );
  });
});

describe('discodns autoconfig EMAIL --format F: what a client gets, for operators', () => {
  const cli = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(process.execPath, [new URL('../../dist/cli.js', import.meta.url).pathname, 'autoconfig', ...args, '--zones', dir, '--config', join(dir, 'config.json')], { timeout: 15_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('prints the same bytes the server sends; exit 1 with the reason for an unknown domain', async () => {
    const moz = await cli([EMAIL, '--format', 'mozilla']);
    expect(moz.code).toBe(0);
    expect(moz.stdout).toBe((await get(`/mail/config-v1.1.xml?emailaddress=${Q}`)).body);
    const pacc = await cli([EMAIL, '--format', 'pacc']);
    expect(pacc.stdout).toBe((await curl('http://ua-auto-config.example.com/.well-known/user-agent-configuration.json')).body);
    const unknown = await cli(['a@unknown.example', '--format', 'pox']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/a client would get HTTP 404/);
    expect((await cli([EMAIL, '--format', 'xml'])).stderr).toMatch(/--format: give one of mozilla, pox, json, apple, pacc/);
  });
});
