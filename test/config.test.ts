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
