// Configuration: every knob, its default, env var and flag, in one convict schema.
// Precedence: defaults < config file (--config) < DISCODNS_* environment < command-line flags.

import convict from 'convict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parsePrefix } from './server/client-address.js';
import type { CookieConfig } from './server/cookie-secret.js';
import type { RrlConfig } from './server/rrl.js';
import { parseAclRule } from './dns/acl.js';
import { isNameError, parseName } from './dns/name.js';
import { makeKey } from './wire/tsig-keyfile.js';

function listenAddresses(value: unknown): asserts value is string[] {
  if (!Array.isArray(value) || value.length === 0) throw new Error('must list at least one IP address, e.g. ["127.0.0.1", "::1"]');
  for (const a of value) {
    if (typeof a !== 'string' || net.isIP(a) === 0) throw new Error(`'${String(a)}' is not an IP address (give addresses, not host names)`);
  }
}

function integerIn(min: number, max: number) {
  return (value: unknown): void => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new Error(`must be a whole number from ${min} to ${max}`);
    }
  };
}

function hostPort(value: unknown): void {
  const m = typeof value === 'string' ? /^\[?([^\]]+?)\]?:([0-9]{1,5})$/.exec(value) : null;
  if (!m || net.isIP(m[1]!) === 0 || Number(m[2]) > 65535) throw new Error('must be IP:port, e.g. 127.0.0.1:9153 or [::1]:9153');
}

/** '' (off), or IP:port as for metrics.listen. */
function optionalHostPort(value: unknown): void {
  if (value !== '') hostPort(value);
}

/** A list of domain names (external). */
function domainList(value: unknown): void {
  if (!Array.isArray(value)) throw new Error('must be a list of domain names, e.g. ["provider.example"]');
  for (const d of value) {
    if (typeof d !== 'string' || !/^[^\s/:@]+\.?$/.test(d)) throw new Error(`'${String(d)}' is not a domain name`);
  }
}

/** '' (none), a host name, or an IP address: where the names `autoconfig: on` generates point. */
function httpHost(value: unknown): void {
  if (value === '' || (typeof value === 'string' && net.isIP(value) !== 0)) return;
  if (typeof value !== 'string' || value.length > 253 || !/^[A-Za-z0-9_]([A-Za-z0-9_-]*\.?)*[A-Za-z0-9_.]$/.test(value) || value.includes('..')) {
    throw new Error('must be a host name (e.g. autoconfig.provider.example) or an IP address, or empty');
  }
}

/** Address prefixes for rrl.exempt: "192.0.2.0/24", "2001:db8::/32", or a bare address. */
function prefixList(value: unknown): asserts value is string[] {
  if (!Array.isArray(value)) throw new Error('must be a list of address prefixes, e.g. ["127.0.0.0/8", "::1/128"], or [] to exempt none');
  for (const p of value) {
    const parsed = typeof p === 'string' ? parsePrefix(p) : `'${String(p)}' is not a prefix`;
    if (typeof parsed === 'string') throw new Error(parsed);
  }
}

/** '' or 32 hex digits: a 128-bit cookie secret (RFC 9018 §4.4, the SipHash-2-4 key). */
function optionalSecret(value: unknown): void {
  if (value !== '' && (typeof value !== 'string' || !/^[0-9a-fA-F]{32}$/.test(value))) {
    throw new Error('must be 32 hex digits (128 bits, e.g. from `openssl rand -hex 16`), or empty');
  }
}

function nonEmpty(value: unknown): void {
  if (typeof value !== 'string' || value === '') throw new Error('must be a directory path');
}

function oneOf(...allowed: (string | number)[]) {
  return (value: unknown): void => {
    if (!allowed.includes(value as string | number)) throw new Error(`must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  };
}

function fraction(value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new Error('must be a number from 0 to 1');
}

/** A list of strings, each checked by `check` (which returns what is wrong, or undefined). */
function listOf(what: string, check: (s: string) => string | undefined) {
  return (value: unknown): void => {
    if (!Array.isArray(value)) throw new Error(`must be a list of ${what}`);
    value.forEach((v, i) => {
      if (typeof v !== 'string') throw new Error(`[${i}] must be ${what}`);
      const problem = check(v);
      if (problem) throw new Error(`[${i}]: ${problem}`);
    });
  };
}

/** tsig.keys: [{ name, algorithm, secret }]; a bad secret is reported without being shown. */
function tsigKeys(value: unknown): void {
  if (!Array.isArray(value)) throw new Error('must be a list of { "name": "xfr", "algorithm": "hmac-sha256", "secret": "<base64>" }');
  value.forEach((k: unknown, i) => {
    const o = (k && typeof k === 'object' ? k : {}) as Record<string, unknown>;
    const extra = Object.keys(o).find((x) => !['name', 'algorithm', 'secret'].includes(x));
    if (extra) throw new Error(`[${i}]: unknown key '${extra}' (a key has name, algorithm, secret)`);
    if (typeof o.name !== 'string' || typeof o.algorithm !== 'string' || typeof o.secret !== 'string') {
      throw new Error(`[${i}] needs "name", "algorithm" and "secret" as strings`);
    }
    // allowWeak is checked when the keyring is built; here only the shape.
    const key = makeKey(o.name, o.algorithm, o.secret, true);
    if (typeof key === 'string') throw new Error(`[${i}] (${o.name}): ${key}`);
  });
}

/** notify: [{ address, port?, key? }]. */
function notifyTargets(value: unknown): void {
  if (!Array.isArray(value)) throw new Error('must be a list of { "address": "192.0.2.53", "port": 53, "key": "xfr" }');
  value.forEach((t: unknown, i) => {
    const o = (t && typeof t === 'object' ? t : {}) as Record<string, unknown>;
    const extra = Object.keys(o).find((x) => !['address', 'port', 'key'].includes(x));
    if (extra) throw new Error(`[${i}]: unknown key '${extra}' (a target has address, port, key)`);
    if (typeof o.address !== 'string' || net.isIP(o.address) === 0) throw new Error(`[${i}].address must be an IP address`);
    if (o.port !== undefined && (typeof o.port !== 'number' || !Number.isInteger(o.port) || o.port < 1 || o.port > 65535)) throw new Error(`[${i}].port must be a port number from 1 to 65535`);
    if (o.key !== undefined && (typeof o.key !== 'string' || o.key === '')) throw new Error(`[${i}].key must be the name of a configured TSIG key`);
  });
}

/** '' (no catalog zone) or a domain name. */
function zoneName(value: unknown): void {
  if (value === '') return;
  const n = typeof value === 'string' ? parseName(value.endsWith('.') ? value : `${value}.`) : { error: 'not a string' };
  if (isNameError(n)) throw new Error(`must be a domain name such as catalog.invalid, or empty: ${n.error}`);
}

const schema = {
  listen: {
    doc: 'Addresses to answer on, UDP and TCP',
    format: listenAddresses,
    default: ['127.0.0.1', '::1'],
    // DISCODNS_LISTEN is read in loadConfig: convict would JSON.parse a list from the environment.
  },
  port: {
    doc: 'Port for UDP and TCP (53 in production; 0 picks a free one)',
    format: integerIn(0, 65535),
    default: 5300,
    env: 'DISCODNS_PORT',
  },
  external: {
    doc: 'Domains trusted outside the zones served here, for every definition: targets in them are not warned about (as a definition\'s external:)',
    format: domainList,
    default: [] as string[],
    // DISCODNS_EXTERNAL is read in loadConfig, comma-separated as DISCODNS_LISTEN.
  },
  zones: {
    doc: 'Directory of zone definitions (*.yaml, *.yml) and RFC 1035 zone files (*.zone)',
    format: String,
    default: 'zones',
    env: 'DISCODNS_ZONES',
  },
  state: {
    doc: 'State directory: what must outlive a restart (last-known-good copies of definitions, zone serials, IXFR history, the cookie secret, DNSSEC keys under keys/)',
    format: nonEmpty,
    default: 'state',
    env: 'DISCODNS_STATE',
  },
  control: {
    socket: {
      doc: 'Unix socket that discodns ctl talks to (mode 0600); empty: control.sock in the state directory',
      format: String,
      default: '',
      env: 'DISCODNS_CONTROL_SOCKET',
    },
  },
  allowEmpty: {
    doc: 'Start even with no zone to serve (zones directory missing, or every definition rejected)',
    format: Boolean,
    default: false,
    env: 'DISCODNS_ALLOW_EMPTY',
  },
  dnssec: {
    enabled: {
      doc: 'Sign every zone whose definition does not say dnssec: on or off',
      format: Boolean,
      default: false,
      env: 'DISCODNS_DNSSEC',
    },
    algorithm: {
      doc: 'Algorithm of new keys: 13 (ECDSA P-256 SHA-256, RFC 8624 MUST) or 15 (Ed25519)',
      format: oneOf(13, 15),
      default: 13,
      env: 'DISCODNS_DNSSEC_ALGORITHM',
    },
    keys: {
      doc: 'csk: one combined signing key per key set; ksk+zsk: a key-signing and a zone-signing key (the ZSK rolls by itself)',
      format: oneOf('csk', 'ksk+zsk'),
      default: 'csk',
      env: 'DISCODNS_DNSSEC_KEYS',
    },
    denial: {
      doc: 'Denial of existence for definitions that do not say: nsec (a precomputed chain) or compact (RFC 9824, one signature per name asked)',
      format: oneOf('nsec', 'compact'),
      default: 'nsec',
      env: 'DISCODNS_DNSSEC_DENIAL',
    },
    cds: {
      doc: 'CDS/CDNSKEY at the apex (RFC 7344): always (the DS wanted now), rollover (only while a new KSK/CSK waits for its DS), none',
      format: oneOf('always', 'rollover', 'none'),
      default: 'always',
      env: 'DISCODNS_DNSSEC_CDS',
    },
    zskLifetime: {
      doc: 'Days a ZSK signs before a pre-publish rollover (ksk+zsk only); 0: never',
      format: integerIn(0, 3650),
      default: 30,
      env: 'DISCODNS_DNSSEC_ZSK_LIFETIME',
    },
    kskLifetime: {
      doc: 'Days a KSK or CSK signs before a rollover starts; 0: only when asked (discodns ctl key-roll). It completes only after the new DS is seen at the parent',
      format: integerIn(0, 36500),
      default: 0,
      env: 'DISCODNS_DNSSEC_KSK_LIFETIME',
    },
    parentDsTtl: {
      doc: "Seconds to wait after the new DS is seen at the parent before the new KSK/CSK takes over: the parent zone's DS TTL",
      format: integerIn(0, 30 * 86400),
      default: 86400,
      env: 'DISCODNS_DNSSEC_PARENT_DS_TTL',
    },
    dsCheck: {
      doc: 'IP:port of a validating resolver to ask for the DS of zones whose new KSK/CSK waits for it; empty: wait for discodns ctl ds-seen',
      format: optionalHostPort,
      default: '',
      env: 'DISCODNS_DNSSEC_DS_CHECK',
    },
  },
  edns: {
    udpSize: {
      doc: 'Largest UDP response we send and the size we advertise (RFC 8906: 1232 avoids fragmentation)',
      format: integerIn(512, 4096),
      default: 1232,
      env: 'DISCODNS_EDNS_UDP_SIZE',
    },
  },
  tcp: {
    idleTimeout: {
      doc: 'Milliseconds a TCP connection may stay without a complete query (RFC 7766 §6.2.3)',
      format: integerIn(100, 300_000),
      default: 10_000,
      env: 'DISCODNS_TCP_IDLE_TIMEOUT',
    },
    maxConnections: {
      doc: 'Concurrent TCP connections; more are refused',
      format: integerIn(1, 100_000),
      default: 1000,
      env: 'DISCODNS_TCP_MAX_CONNECTIONS',
    },
    maxMessageSize: {
      doc: 'Longest TCP query message in bytes; a longer one closes the connection',
      format: integerIn(512, 65535),
      default: 16384,
      env: 'DISCODNS_TCP_MAX_MESSAGE_SIZE',
    },
    maxPerSource: {
      doc: 'Concurrent TCP connections from one client address; more are closed at once',
      format: integerIn(1, 100_000),
      default: 20,
      env: 'DISCODNS_TCP_MAX_PER_SOURCE',
    },
    partialTimeout: {
      doc: 'Milliseconds a client may take to finish a TCP message once its first byte has arrived (slowloris)',
      format: integerIn(100, 300_000),
      default: 3000,
      env: 'DISCODNS_TCP_PARTIAL_TIMEOUT',
    },
    maxInFlight: {
      doc: 'Answers on one TCP connection not yet taken by the client before its queries stop being read (backpressure)',
      format: integerIn(1, 65535),
      default: 100,
      env: 'DISCODNS_TCP_MAX_IN_FLIGHT',
    },
  },
  rrl: {
    enabled: {
      doc: 'Response rate limiting over UDP (per client prefix and response class)',
      format: Boolean,
      default: true,
      env: 'DISCODNS_RRL',
    },
    rate: {
      doc: 'Responses a second per bucket (client prefix, response class, zone); a burst of one second is allowed',
      format: integerIn(1, 1_000_000),
      default: 200,
      env: 'DISCODNS_RRL_RATE',
    },
    slip: {
      doc: 'Every slip-th response over the rate is sent as an empty truncated reply (a real client retries over TCP); 0: drop all, 1: truncate all',
      format: integerIn(0, 100),
      default: 2,
      env: 'DISCODNS_RRL_SLIP',
    },
    exempt: {
      doc: 'Client prefixes never rate limited; [] limits loopback too',
      format: prefixList,
      default: ['127.0.0.0/8', '::1/128'],
      // DISCODNS_RRL_EXEMPT (comma-separated) is read in loadConfig, as DISCODNS_LISTEN is.
    },
    tableSize: {
      doc: 'Buckets in the rate-limiting table (rounded up to a power of two; about 31 bytes each): a flood from random sources replaces buckets, never adds any',
      format: integerIn(1024, 16_777_216),
      default: 65536,
      env: 'DISCODNS_RRL_TABLE_SIZE',
    },
    ipv4PrefixLength: {
      doc: 'IPv4 clients are counted together by this prefix',
      format: integerIn(8, 32),
      default: 24,
      env: 'DISCODNS_RRL_IPV4_PREFIX_LENGTH',
    },
    ipv6PrefixLength: {
      doc: 'IPv6 clients are counted together by this prefix (at most 64)',
      format: integerIn(16, 64),
      default: 56,
      env: 'DISCODNS_RRL_IPV6_PREFIX_LENGTH',
    },
  },
  cookies: {
    enabled: {
      doc: 'DNS Cookies (RFC 7873, RFC 9018 server cookies): a valid server cookie exempts a client from rate limiting',
      format: Boolean,
      default: true,
      env: 'DISCODNS_COOKIES',
    },
    secret: {
      doc: 'Server cookie secret, 32 hex digits; the same on every server behind one address. Empty: generated into the state directory and rotated every cookies.secretLifetime',
      format: optionalSecret,
      default: '',
      env: 'DISCODNS_COOKIE_SECRET',
    },
    previousSecret: {
      doc: 'A secret being retired: cookies made with it are still accepted (set it to the old cookies.secret for an hour after changing that)',
      format: optionalSecret,
      default: '',
      env: 'DISCODNS_COOKIE_PREVIOUS_SECRET',
    },
    secretLifetime: {
      doc: 'Seconds a generated secret is used before a new one replaces it (the old one is still accepted until the next rotation)',
      format: integerIn(3900, 31_536_000),
      default: 86400,
      env: 'DISCODNS_COOKIE_SECRET_LIFETIME',
    },
  },
  cache: {
    size: {
      doc: 'Answers (name and type) whose compiled bytes are kept, oldest evicted first, in at most 256 bytes each on average; a quarter as many negative answers are kept apart. Bounds memory however many names are served',
      format: integerIn(1, 10_000_000),
      default: 100_000,
      env: 'DISCODNS_CACHE_SIZE',
    },
  },
  identity: {
    nsid: {
      doc: 'NSID (RFC 5001) sent to clients that ask; empty: none',
      format: String,
      default: '',
      env: 'DISCODNS_NSID',
    },
    id: {
      doc: 'Answer for CHAOS TXT id.server and hostname.bind; empty: REFUSED',
      format: String,
      default: '',
      env: 'DISCODNS_ID_SERVER',
    },
    version: {
      doc: 'Answer for CHAOS TXT version.bind and version.server; empty: REFUSED',
      format: String,
      default: '',
      env: 'DISCODNS_VERSION_BIND',
    },
  },
  metrics: {
    enabled: {
      doc: 'Serve Prometheus metrics over HTTP at metrics.listen',
      format: Boolean,
      default: false,
      env: 'DISCODNS_METRICS',
    },
    listen: {
      doc: 'Address:port of the metrics endpoint (keep it private)',
      format: hostPort,
      default: '127.0.0.1:9153',
      env: 'DISCODNS_METRICS_LISTEN',
    },
  },
  http: {
    listen: {
      doc: 'Address:port of the HTTP autoconfig responder (Mozilla autoconfig, Autodiscover, Apple profiles, PACC); empty: off',
      format: optionalHostPort,
      default: '',
      env: 'DISCODNS_HTTP_LISTEN',
    },
    host: {
      doc: 'Where the names `autoconfig: on` generates (autoconfig., autodiscover., ua-auto-config.) point when a definition names no autoconfig.host: a host name or an IP address',
      format: httpHost,
      default: '',
      env: 'DISCODNS_HTTP_HOST',
    },
    tls: {
      cert: {
        doc: 'PEM certificate chain file: with http.tls.key, the responder speaks HTTPS (both are read again on SIGHUP)',
        format: String,
        default: '',
        env: 'DISCODNS_HTTP_TLS_CERT',
      },
      key: {
        doc: 'PEM private key file for http.tls.cert',
        format: String,
        default: '',
        env: 'DISCODNS_HTTP_TLS_KEY',
      },
    },
  },
  tsig: {
    keys: {
      doc: 'TSIG keys: [{ "name": "xfr", "algorithm": "hmac-sha256", "secret": "<base64>" }] (discodns keygen NAME makes one)',
      format: tsigKeys,
      default: [] as { name: string; algorithm: string; secret: string }[],
    },
    keyFiles: {
      doc: 'Files of TSIG keys in BIND\'s format (key "xfr" { algorithm hmac-sha256; secret "…"; };), readable only by the service',
      format: listOf('file paths', (s) => (s === '' ? 'an empty path' : undefined)),
      default: [] as string[],
    },
    allowWeak: {
      doc: 'Accept hmac-sha1 and hmac-md5 keys (refused by default)',
      format: Boolean,
      default: false,
      env: 'DISCODNS_TSIG_ALLOW_WEAK',
    },
  },
  transfer: {
    allow: {
      doc: 'Who may transfer zones (AXFR, IXFR): source prefixes and/or "key NAME", e.g. ["192.0.2.0/24", "key xfr"]; empty: nobody',
      format: listOf('prefixes or "key NAME"', (s) => {
        const r = parseAclRule(s);
        return typeof r === 'string' ? r : undefined;
      }),
      default: [] as string[],
    },
    history: {
      doc: 'Versions of each zone whose differences are kept for IXFR (in the state directory)',
      format: integerIn(0, 1000),
      default: 20,
      env: 'DISCODNS_TRANSFER_HISTORY',
    },
    notifyRate: {
      doc: 'NOTIFY messages sent per second at most, however many zones change at once',
      format: integerIn(1, 100_000),
      default: 100,
      env: 'DISCODNS_NOTIFY_RATE',
    },
  },
  notify: {
    doc: 'Secondaries told of every zone change (RFC 1996): [{ "address": "192.0.2.53", "port": 53, "key": "xfr" }]',
    format: notifyTargets,
    default: [] as { address: string; port?: number; key?: string }[],
  },
  catalog: {
    zone: {
      doc: 'Name of the catalog zone (RFC 9432) listing every zone served, e.g. catalog.invalid; empty: none',
      format: zoneName,
      default: '',
      env: 'DISCODNS_CATALOG_ZONE',
    },
  },
  log: {
    level: {
      doc: 'Log level',
      format: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
      env: 'DISCODNS_LOG_LEVEL',
    },
    format: {
      doc: 'json (for journald and log shippers) or pretty (for a terminal)',
      format: ['json', 'pretty'],
      default: 'json',
      env: 'DISCODNS_LOG_FORMAT',
    },
    queries: {
      doc: 'Log queries (off by default: it costs throughput)',
      format: Boolean,
      default: false,
      env: 'DISCODNS_LOG_QUERIES',
    },
    querySampleRate: {
      doc: 'Share of queries logged when log.queries is on, from 0 to 1',
      format: fraction,
      default: 1,
      env: 'DISCODNS_LOG_QUERY_SAMPLE_RATE',
    },
  },
};

export interface Config {
  readonly listen: readonly string[];
  readonly port: number;
  readonly zones: string;
  /** The state directory (state.ts). */
  readonly state: string;
  /** The control socket's path, its default already applied. */
  readonly control: { readonly socket: string };
  readonly allowEmpty: boolean;
  readonly external: readonly string[];
  readonly dnssec: DnssecConfig;
  readonly edns: { readonly udpSize: number };
  readonly tcp: {
    readonly idleTimeout: number;
    readonly maxConnections: number;
    readonly maxMessageSize: number;
    readonly maxPerSource: number;
    readonly partialTimeout: number;
    readonly maxInFlight: number;
  };
  readonly rrl: RrlConfig & { readonly enabled: boolean };
  readonly cookies: CookieConfig & { readonly enabled: boolean };
  readonly cache: { readonly size: number };
  readonly identity: { readonly nsid: string; readonly id: string; readonly version: string };
  readonly metrics: { readonly enabled: boolean; readonly listen: string };
  readonly http: { readonly listen: string; readonly host: string; readonly tls: { readonly cert: string; readonly key: string } };
  readonly log: { readonly level: string; readonly format: 'json' | 'pretty'; readonly queries: boolean; readonly querySampleRate: number };
  readonly tsig: { readonly keys: readonly TsigKeyConfig[]; readonly keyFiles: readonly string[]; readonly allowWeak: boolean };
  readonly transfer: { readonly allow: readonly string[]; readonly history: number; readonly notifyRate: number };
  readonly notify: readonly NotifyTargetConfig[];
  readonly catalog: { readonly zone: string };
}

export interface TsigKeyConfig {
  readonly name: string;
  readonly algorithm: string;
  /** Base64; never logged. */
  readonly secret: string;
}

export interface NotifyTargetConfig {
  readonly address: string;
  readonly port?: number;
  readonly key?: string;
}

export interface DnssecConfig {
  readonly enabled: boolean;
  readonly algorithm: 13 | 15;
  readonly keys: 'csk' | 'ksk+zsk';
  readonly denial: 'nsec' | 'compact';
  readonly cds: 'always' | 'rollover' | 'none';
  readonly zskLifetime: number;
  readonly kskLifetime: number;
  readonly parentDsTtl: number;
  readonly dsCheck: string;
}

/** Flag values from the command line, already typed by the CLI; undefined means not given. */
export interface ConfigFlags {
  readonly listen?: string[] | undefined;
  readonly port?: number | undefined;
  readonly zones?: string | undefined;
  readonly state?: string | undefined;
  readonly socket?: string | undefined;
  readonly allowEmpty?: boolean | undefined;
  readonly logLevel?: string | undefined;
  readonly logFormat?: string | undefined;
}

export type ConfigResult = { readonly config: Config } | { readonly error: string };

/** Defaults and the environment; convict reads the environment as it is made, and may throw. */
function readEnvironment(env: NodeJS.ProcessEnv) {
  try {
    return convict(schema, { env, args: [] });
  } catch (e) {
    return { error: `configuration: environment: ${(e as Error).message}` };
  }
}

/** Builds the configuration; a bad value is an error naming the key, the value and what is allowed. */
export function loadConfig(file: string | undefined, flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env): ConfigResult {
  const conf = readEnvironment(env);
  if ('error' in conf) return conf;
  try {
    if (file !== undefined) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        return { error: `config file ${file}: ${(e as Error).message}` };
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        return { error: `config file ${file} is not valid JSON: ${(e as Error).message}` };
      }
      conf.load(parsed as object);
    }
    // Comma-separated, as the README documents: DISCODNS_LISTEN=127.0.0.1,::1
    const envListen = env.DISCODNS_LISTEN;
    if (envListen !== undefined) conf.set('listen', envListen.split(',').map((a) => a.trim()).filter((a) => a !== ''));
    const envExempt = env.DISCODNS_RRL_EXEMPT;
    if (envExempt !== undefined) conf.set('rrl.exempt', envExempt.split(',').map((a) => a.trim()).filter((a) => a !== ''));
    if (flags.listen !== undefined) conf.set('listen', flags.listen);
    if (env.DISCODNS_EXTERNAL !== undefined) conf.set('external', env.DISCODNS_EXTERNAL.split(',').map((a) => a.trim()).filter((a) => a !== ''));
    if (flags.port !== undefined) conf.set('port', flags.port);
    if (flags.zones !== undefined) conf.set('zones', flags.zones);
    if (flags.state !== undefined) conf.set('state', flags.state);
    if (flags.socket !== undefined) conf.set('control.socket', flags.socket);
    if (flags.allowEmpty !== undefined) conf.set('allowEmpty', flags.allowEmpty);
    if (flags.logLevel !== undefined) conf.set('log.level', flags.logLevel);
    if (flags.logFormat !== undefined) conf.set('log.format', flags.logFormat as 'json');
    conf.validate({ allowed: 'strict' });
    if ((conf.get('http.tls.cert') === '') !== (conf.get('http.tls.key') === '')) {
      return { error: 'configuration: http.tls.cert and http.tls.key go together: set both (HTTPS) or neither (plain HTTP, behind a TLS proxy)' };
    }
  } catch (e) {
    // convict quotes the value it rejected: never a TSIG secret.
    return { error: `configuration: ${(e as Error).message.replace(/"secret":\s*"[^"]*"/g, '"secret":"…"')}` };
  }
  const config = conf.getProperties() as unknown as Config;
  // The socket lives with the state unless placed elsewhere (the unit puts it in /run).
  const socket = config.control.socket || path.join(config.state, 'control.sock');
  return { config: deepFreeze({ ...config, control: { socket } }) };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Command-line flags of config keys; the other keys are set in the file or the environment. */
const FLAGS: Record<string, string> = {
  listen: '--listen',
  port: '--port',
  zones: '--zones',
  state: '--state',
  'control.socket': '--socket',
  allowEmpty: '--allow-empty',
  'log.level': '--log-level',
  'log.format': '--log-format',
};

/** Variables loadConfig reads itself, as comma-separated lists (the schema names none for them). */
const LIST_ENV: Record<string, string> = { listen: 'DISCODNS_LISTEN=a,b', external: 'DISCODNS_EXTERNAL=a,b', 'rrl.exempt': 'DISCODNS_RRL_EXEMPT=a,b' };

/** Every key with its flag, env var and default, for --help and the README. */
export function describeConfig(): string {
  const lines: string[] = [];
  const walk = (node: Record<string, unknown>, prefix: string): void => {
    for (const [k, v] of Object.entries(node)) {
      const entry = v as { doc?: string; env?: string; default?: unknown };
      const key = `${prefix}${k}`;
      if (entry.doc === undefined) {
        walk(v as Record<string, unknown>, `${key}.`);
        continue;
      }
      // The lists loadConfig reads itself, comma-separated.
      const env = entry.env ?? LIST_ENV[key];
      const shown = key === 'control.socket' ? '<state>/control.sock' : JSON.stringify(entry.default);
      const where = [FLAGS[key], env].filter((w) => w !== undefined).join(', ');
      lines.push(`  ${key}  (${where ? `${where}; ` : ''}default ${shown})\n      ${entry.doc}`);
    }
  };
  walk(schema as unknown as Record<string, unknown>, '');
  return lines.join('\n');
}
