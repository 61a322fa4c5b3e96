// Configuration from the environment: what the README documents, and errors, never exceptions.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

const listen = (env: Record<string, string>, flags = {}) => {
  const r = loadConfig(undefined, flags, env);
  return 'config' in r ? r.config.listen : r.error;
};

describe('DISCODNS_LISTEN', () => {
  it('takes one address', () => {
    expect(listen({ DISCODNS_LISTEN: '127.0.0.1' })).toEqual(['127.0.0.1']);
  });
  it('takes a comma-separated list, spaces allowed', () => {
    expect(listen({ DISCODNS_LISTEN: '127.0.0.1, ::1' })).toEqual(['127.0.0.1', '::1']);
  });
  it('rejects a host name with a message, not an exception', () => {
    expect(listen({ DISCODNS_LISTEN: 'localhost' })).toMatch(/configuration: listen: 'localhost' is not an IP address/);
  });
  it('is overridden by --listen', () => {
    expect(listen({ DISCODNS_LISTEN: '127.0.0.1' }, { listen: ['::1'] })).toEqual(['::1']);
  });
  it('leaves the default when unset', () => {
    expect(listen({})).toEqual(['127.0.0.1', '::1']);
  });
});

describe('other variables', () => {
  it('reports a value of the wrong kind as a configuration error', () => {
    const r = loadConfig(undefined, {}, { DISCODNS_PORT: 'fifty-three' });
    expect('error' in r && r.error).toMatch(/^configuration: port: must be a whole number from 0 to 65535/);
  });
});

describe('http.* (the autoconfig responder)', () => {
  it('off by default; listen, host and the TLS pair from the environment', () => {
    const off = loadConfig(undefined, {}, {});
    expect('config' in off && off.config.http).toEqual({ listen: '', host: '', tls: { cert: '', key: '' } });
    const on = loadConfig(undefined, {}, { DISCODNS_HTTP_LISTEN: '127.0.0.1:8080', DISCODNS_HTTP_HOST: 'autoconfig.provider.example', DISCODNS_HTTP_TLS_CERT: '/c.pem', DISCODNS_HTTP_TLS_KEY: '/k.pem' });
    expect('config' in on && on.config.http).toEqual({ listen: '127.0.0.1:8080', host: 'autoconfig.provider.example', tls: { cert: '/c.pem', key: '/k.pem' } });
  });

  it('a bad value names its key; the certificate and key go together', () => {
    const listen = loadConfig(undefined, {}, { DISCODNS_HTTP_LISTEN: 'localhost:8080' });
    expect('error' in listen && listen.error).toMatch(/http\.listen/);
    const host = loadConfig(undefined, {}, { DISCODNS_HTTP_HOST: 'not a host' });
    expect('error' in host && host.error).toMatch(/http\.host/);
    const half = loadConfig(undefined, {}, { DISCODNS_HTTP_TLS_CERT: '/c.pem' });
    expect('error' in half && half.error).toBe('configuration: http.tls.cert and http.tls.key go together: set both (HTTPS) or neither (plain HTTP, behind a TLS proxy)');
  });
});

describe('state and control.socket', () => {
  const config = (env: Record<string, string>, flags = {}) => {
    const r = loadConfig(undefined, flags, env);
    if ('error' in r) throw new Error(r.error);
    return r.config;
  };
  it('default to ./state and the socket in it', () => {
    expect([config({}).state, config({}).control.socket]).toEqual(['state', 'state/control.sock']);
  });
  it('DISCODNS_STATE moves both; --state wins over it; --socket places the socket alone', () => {
    expect(config({ DISCODNS_STATE: '/var/lib/discodns' }).control.socket).toBe('/var/lib/discodns/control.sock');
    expect(config({ DISCODNS_STATE: '/var/lib/discodns' }, { state: '/tmp/s' }).state).toBe('/tmp/s');
    const c = config({ DISCODNS_STATE: '/var/lib/discodns', DISCODNS_CONTROL_SOCKET: '/run/discodns/control.sock' });
    expect([c.state, c.control.socket]).toEqual(['/var/lib/discodns', '/run/discodns/control.sock']);
    expect(config({}, { socket: '/tmp/x.sock' }).control.socket).toBe('/tmp/x.sock');
  });
  it('an empty state is refused with the key', () => {
    const r = loadConfig(undefined, { state: '' }, {});
    expect('error' in r && r.error).toMatch(/^configuration: state: must be a directory path/);
  });
});

describe('rrl.*, cookies.*, tcp.* (facing the internet)', () => {
  it('defaults: RRL on at 200/s, slip 2, loopback exempt; cookies on with a generated secret; the TCP limits', () => {
    const r = loadConfig(undefined, {}, {});
    if (!('config' in r)) throw new Error(r.error);
    expect(r.config.rrl).toEqual({ enabled: true, rate: 200, slip: 2, exempt: ['127.0.0.0/8', '::1/128'], tableSize: 65536, ipv4PrefixLength: 24, ipv6PrefixLength: 56 });
    expect(r.config.cookies).toEqual({ enabled: true, secret: '', previousSecret: '', secretLifetime: 86400 });
    expect(r.config.tcp).toMatchObject({ maxPerSource: 20, partialTimeout: 3000, maxInFlight: 100 });
    expect(r.config.state).toBe('state');
  });
  it('DISCODNS_RRL_EXEMPT is comma-separated, and empty means none', () => {
    const some = loadConfig(undefined, {}, { DISCODNS_RRL_EXEMPT: '192.0.2.0/24, 2001:db8::/32' });
    expect('config' in some && some.config.rrl.exempt).toEqual(['192.0.2.0/24', '2001:db8::/32']);
    const none = loadConfig(undefined, {}, { DISCODNS_RRL_EXEMPT: '' });
    expect('config' in none && none.config.rrl.exempt).toEqual([]);
  });
  it('a bad value names its key and says what is allowed', () => {
    const bad = (env: Record<string, string>) => {
      const r = loadConfig(undefined, {}, env);
      return 'error' in r ? r.error : 'accepted';
    };
    expect(bad({ DISCODNS_RRL_EXEMPT: '10.0.0.0/33' })).toMatch(/rrl\.exempt: .*0 to 32/);
    expect(bad({ DISCODNS_RRL_EXEMPT: 'localhost' })).toMatch(/rrl\.exempt: 'localhost' is not an address or prefix/);
    expect(bad({ DISCODNS_RRL_RATE: '0' })).toMatch(/rrl\.rate: must be a whole number from 1/);
    expect(bad({ DISCODNS_RRL_SLIP: '-1' })).toMatch(/rrl\.slip/);
    expect(bad({ DISCODNS_COOKIE_SECRET: 'abc' })).toMatch(/cookies\.secret: must be 32 hex digits/);
    expect(bad({ DISCODNS_TCP_MAX_PER_SOURCE: '0' })).toMatch(/tcp\.maxPerSource/);
    expect(bad({ DISCODNS_TCP_PARTIAL_TIMEOUT: '10' })).toMatch(/tcp\.partialTimeout/);
    expect(bad({ DISCODNS_STATE: '' })).toMatch(/state: must be a directory path/);
  });
});

describe('tsig, transfer, notify, catalog: errors name the key, never show a secret', () => {
  const withFile = async (json: unknown) => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'discodns-config-')), 'c.json');
    writeFileSync(file, JSON.stringify(json));
    const r = loadConfig(file, {}, {});
    return 'error' in r ? r.error : r.config;
  };
  it('transfers are refused by default: no rule, no key, no NOTIFY, no catalog', async () => {
    const c = (await withFile({})) as Exclude<Awaited<ReturnType<typeof withFile>>, string>;
    expect([c.transfer.allow, c.tsig.keys, c.notify, c.catalog.zone, c.transfer.history]).toEqual([[], [], [], '', 20]);
  });
  it.each([
    [{ transfer: { allow: ['192.0.2.0/33'] } }, /transfer\.allow: \[0\]: '192\.0\.2\.0\/33': prefix length \/33 must be 0 to 32/],
    [{ notify: [{ address: 'ns2.example.net' }] }, /notify: \[0\]\.address must be an IP address/],
    [{ catalog: { zone: 'bad..name' } }, /catalog\.zone: must be a domain name/],
    [{ tsig: { keys: [{ name: 'xfr', algorithm: 'hmac-sha999', secret: 'c2VjcmV0c2VjcmV0c2VjcmV0' }] } }, /tsig\.keys: \[0\] \(xfr\): algorithm 'hmac-sha999' is not one of/],
  ])('%j', async (json, message) => {
    expect(await withFile(json)).toMatch(message);
  });
  it('a bad secret is named, not shown', async () => {
    const error = (await withFile({ tsig: { keys: [{ name: 'xfr', algorithm: 'hmac-sha256', secret: 'short!' }] } })) as string;
    expect(error).toMatch(/tsig\.keys: \[0\] \(xfr\): secret is not base64/);
    expect(error).not.toContain('short!');
  });
});
