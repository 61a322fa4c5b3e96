// Configuration: every knob, its default, env var and flag, in one convict schema.
// Precedence: defaults < config file (--config) < DISCODNS_* environment < command-line flags.

import convict from 'convict';
import { readFileSync } from 'node:fs';
import net from 'node:net';

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

/** '' (none), a host name, or an IP address: where the names `autoconfig: on` generates point. */
function httpHost(value: unknown): void {
  if (value === '' || (typeof value === 'string' && net.isIP(value) !== 0)) return;
  if (typeof value !== 'string' || value.length > 253 || !/^[A-Za-z0-9_]([A-Za-z0-9_-]*\.?)*[A-Za-z0-9_.]$/.test(value) || value.includes('..')) {
    throw new Error('must be a host name (e.g. autoconfig.provider.example) or an IP address, or empty');
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
  zones: {
    doc: 'Directory of zone definitions (*.yaml, *.yml)',
    format: String,
    default: 'zones',
    env: 'DISCODNS_ZONES',
  },
  state: {
    doc: 'State directory: what must outlive a restart (DNSSEC keys under keys/)',
    format: nonEmpty,
    default: 'state',
    env: 'DISCODNS_STATE',
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
  readonly state: string;
  readonly dnssec: DnssecConfig;
  readonly edns: { readonly udpSize: number };
  readonly tcp: { readonly idleTimeout: number; readonly maxConnections: number; readonly maxMessageSize: number };
  readonly cache: { readonly size: number };
  readonly identity: { readonly nsid: string; readonly id: string; readonly version: string };
  readonly metrics: { readonly enabled: boolean; readonly listen: string };
  readonly http: { readonly listen: string; readonly host: string; readonly tls: { readonly cert: string; readonly key: string } };
  readonly log: { readonly level: string; readonly format: 'json' | 'pretty'; readonly queries: boolean; readonly querySampleRate: number };
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
    if (flags.listen !== undefined) conf.set('listen', flags.listen);
    if (flags.port !== undefined) conf.set('port', flags.port);
    if (flags.zones !== undefined) conf.set('zones', flags.zones);
    if (flags.state !== undefined) conf.set('state', flags.state);
    if (flags.logLevel !== undefined) conf.set('log.level', flags.logLevel);
    if (flags.logFormat !== undefined) conf.set('log.format', flags.logFormat as 'json');
    conf.validate({ allowed: 'strict' });
    if ((conf.get('http.tls.cert') === '') !== (conf.get('http.tls.key') === '')) {
      return { error: 'configuration: http.tls.cert and http.tls.key go together: set both (HTTPS) or neither (plain HTTP, behind a TLS proxy)' };
    }
  } catch (e) {
    return { error: `configuration: ${(e as Error).message}` };
  }
  return { config: deepFreeze(conf.getProperties() as unknown as Config) };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Every key with its env var and default, for --help and the README. */
export function describeConfig(): string {
  const lines: string[] = [];
  const walk = (node: Record<string, unknown>, prefix: string): void => {
    for (const [k, v] of Object.entries(node)) {
      const entry = v as { doc?: string; env?: string; default?: unknown };
      if (entry.doc !== undefined) {
        lines.push(`  ${prefix}${k}  (${entry.env}, default ${JSON.stringify(entry.default)})\n      ${entry.doc}`);
      } else {
        walk(v as Record<string, unknown>, `${prefix}${k}.`);
      }
    }
  };
  walk(schema as unknown as Record<string, unknown>, '');
  return lines.join('\n');
}
