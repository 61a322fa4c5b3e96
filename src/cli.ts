#!/usr/bin/env -S node --max-semi-space-size=4 --expose-gc --no-allocation-site-pretenuring
// discodns command line: serve | check | export | autoconfig.
//
// The node flags on the line above (repeated by `npm start` and systemd/discodns.service; a test
// keeps the three equal) keep a large load fast and its memory down: a young generation capped
// at 4 MiB, one collection after the first load, no pretenuring of the load's garbage. Why and
// the figures: docs/performance.md, "Node flags". Without them the server works the same.

import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { describeConfig, loadConfig, type Config, type ConfigFlags } from './config.js';
import { formatDiagnostic } from './definitions/index.js';
import { isNameError, parseName } from './dns/name.js';
import { formatZone } from './dns/zonefile.js';
import { createLogger } from './log.js';
import { AutoconfigPublisher, type AutoconfigZone } from './server/http/publish.js';
import { preview } from './server/http/preview.js';
import { byName, FORMATS, type Format } from './server/http/router.js';
import { HttpConfigError } from './server/http/server.js';
import { ListenError } from './server/listen.js';
import { notifyReady, notifyReloading, notifyStopping, type NotifyDone } from './server/notify.js';
import { ConfigError, startServer } from './server/serve.js';
import { loadKeyring } from './server/keyring.js';
import { randomBytes } from 'node:crypto';
import { formatKeyClause } from './wire/tsig-keyfile.js';
import { ALGORITHMS, keyName, WEAK_ALGORITHMS, type TsigAlgorithm } from './wire/tsig.js';
import { loadZones } from './server/zonefiles.js';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const USAGE = `discodns ${VERSION} — authoritative DNS for mail-client discovery

Usage:
  discodns serve  [--config FILE] [--zones DIR] [--listen ADDR]… [--port N]
  discodns check  [--strict] [PATH…]
  discodns export [--zones DIR] [ZONE…]
  discodns autoconfig EMAIL --format mozilla|pox|json|apple|pacc [--zones DIR]
  discodns keygen NAME [--algorithm hmac-sha256|hmac-sha384|hmac-sha512]
  discodns --version
  discodns COMMAND --help`;

const HELP: Record<string, string> = {
  serve: `discodns serve — answer for the zones defined under the zones directory, over UDP and TCP

Options:
  --config FILE     JSON config file (keys below)
  --zones DIR       zone definitions directory            (config zones)
  --listen ADDR     address to listen on; repeat for more  (config listen)
  --port N          UDP and TCP port; 0 picks a free one   (config port)
  --log-level L     fatal|error|warn|info|debug|trace|silent
  --log-format F    json|pretty

Precedence: defaults < --config file < DISCODNS_* environment < flags.
Config keys (environment variable, default):
${describeConfig()}`,
  check: `discodns check — validate zone definitions as serve would, without serving

  discodns check [--strict] [--config FILE] [PATH…]

PATH is a definition file or a directory of them (default: the configured zones directory).
Prints every problem as file:line:col: error|warning: key: message.
Exit status: 1 when there are errors (or, with --strict, warnings), 0 otherwise.`,
  export: `discodns export — print zones as RFC 1035 zone-file text

  discodns export [--zones DIR] [--config FILE] [ZONE…]

Prints every zone defined under DIR, or only the named ZONEs. The output loads unchanged in
Knot (kzonecheck), BIND (named-checkzone) and ldns (ldns-read-zone).`,
  autoconfig: `discodns autoconfig — print what a mail client asking about EMAIL receives over HTTP

  discodns autoconfig EMAIL --format mozilla|pox|json|apple|pacc [--zones DIR] [--config FILE]

Formats: mozilla (Thunderbird, Evolution, K-9 … : /mail/config-v1.1.xml), pox (Outlook, eM Client:
POST /autodiscover/autodiscover.xml), json (Outlook mobile: /autodiscover/autodiscover.json),
apple (.mobileconfig profile), pacc (/.well-known/user-agent-configuration.json; experimental).
The domain of EMAIL must be a zone with autoconfig: on. Exit status: 0 when a client would get
its settings (HTTP 200), 1 otherwise (the status and reason go to stderr).`,
  keygen: `discodns keygen — print a new TSIG key, as BIND's tsig-keygen does

  discodns keygen NAME [--algorithm hmac-sha256|hmac-sha384|hmac-sha512]

Prints key "NAME" { algorithm …; secret "…"; }; with a random secret as long as the hash.
Save it in a file only the service can read (chmod 600) and list that file in tsig.keyFiles;
give the same clause to the secondary (BIND and Knot read it as it is).`,
};

const OPTIONS = {
  config: { type: 'string' },
  zones: { type: 'string' },
  listen: { type: 'string', multiple: true },
  port: { type: 'string' },
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
  strict: { type: 'boolean' },
  format: { type: 'string' },
  algorithm: { type: 'string', short: 'a' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} satisfies ParseArgsConfig['options'];

const ALLOWED: Record<string, readonly string[]> = {
  serve: ['config', 'zones', 'listen', 'port', 'log-level', 'log-format', 'help'],
  check: ['config', 'zones', 'strict', 'help'],
  export: ['config', 'zones', 'help'],
  autoconfig: ['config', 'zones', 'format', 'help'],
  keygen: ['algorithm', 'help'],
};

function fail(message: string, code = 2): never {
  process.stderr.write(`discodns: ${message}\n`);
  process.exit(code);
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    fail(`${(e as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (!command) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const allowed = ALLOWED[command];
  if (!allowed) fail(`unknown command '${command}'\n${USAGE}`);
  if (values.help) {
    process.stdout.write(`${HELP[command]}\n`);
    return 0;
  }
  for (const key of Object.keys(values)) {
    if (!allowed.includes(key)) fail(`--${key} does not apply to '${command}'; see discodns ${command} --help`);
  }
  if (command === 'serve' && rest.length) fail(`serve takes no arguments (got '${rest[0]}'); use --zones DIR`);
  if (command === 'keygen') return keygen(rest, values.algorithm);

  let port: number | undefined;
  if (values.port !== undefined) {
    port = /^[0-9]+$/.test(values.port) ? Number(values.port) : NaN;
    if (!(port >= 0 && port <= 65535)) fail(`--port '${values.port}': give a port number from 0 to 65535`);
  }
  const flags: ConfigFlags = {
    listen: values.listen,
    port,
    zones: values.zones,
    logLevel: values['log-level'],
    logFormat: values['log-format'],
  };
  const result = loadConfig(values.config, flags);
  if ('error' in result) fail(result.error);
  const config = result.config;

  switch (command) {
    case 'serve':
      return serve(config);
    case 'check':
      return check(config, rest, values.strict === true);
    case 'autoconfig':
      return autoconfig(config, rest, values.format);
    default:
      return exportZones(config, rest);
  }
}

async function serve(config: Config): Promise<number> {
  const log = createLogger(config.log.level, config.log.format);
  let server;
  try {
    server = await startServer(config, log);
  } catch (e) {
    if (e instanceof HttpConfigError) fail(`cannot start the HTTP autoconfig responder: ${e.message}`, 1);
    if (e instanceof ConfigError) fail(`configuration: ${e.message}`, 1);
    if (e instanceof ListenError) {
      const hint =
        e.code === 'EADDRINUSE'
          ? 'another program (another DNS server?) holds it: stop it, or choose --port/--listen'
          : e.code === 'EACCES' && e.port < 1024
            ? 'ports below 1024 need privilege: run under the systemd unit, or grant CAP_NET_BIND_SERVICE'
            : e.code === 'EADDRNOTAVAIL'
              ? 'that address is not configured on this machine: check --listen'
              : 'check --listen and --port';
      fail(`cannot listen on ${e.transport} ${e.address.includes(':') ? `[${e.address}]` : e.address}:${e.port}: ${e.code ?? e.message}; ${hint}`, 1);
    }
    throw e;
  }
  const notified: NotifyDone = (err) => {
    if (err) log.warn({ err: err.message }, 'systemd notification failed');
  };
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) process.exit(1); // a second signal: leave now
    stopping = true;
    log.info({ signal }, 'stopping');
    notifyStopping(notified);
    const deadline = setTimeout(() => process.exit(0), 5000);
    deadline.unref();
    void server.close().then(() => {
      const { queries, ...counters } = server.stats;
      log.info({ queries: queries.reduce((a, b) => a + b, 0), ...counters }, 'stopped');
      log.flush?.();
      process.exit(0);
    });
  };
  // Readiness only now: zones loaded and every socket bound (Type=notify in the unit).
  notifyReady(notified);
  process.on('SIGHUP', () => {
    notifyReloading(notified);
    void server
      .reload()
      .catch((err: unknown) => log.error({ err }, 'bug: reload failed; previous zones stay in service'))
      // READY=1 after every reload, failed or not, or systemd waits in "reloading" until timeout.
      .finally(() => notifyReady(notified));
  });
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return new Promise<number>(() => {
    /* runs until a signal */
  });
}

async function check(config: Config, paths: string[], strict: boolean): Promise<number> {
  const loaded = await loadZones(paths.length ? paths : [config.zones], undefined, parseOptions(config));
  for (const d of loaded.diagnostics) process.stdout.write(`${formatDiagnostic(d)}\n`);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = loaded.diagnostics.length - errors;
  const records = loaded.zones.reduce((n, z) => n + z.records.length, 0);
  process.stderr.write(`${loaded.files.size} files, ${loaded.zones.length} zones (${records} records) good; ${errors} errors, ${warnings} warnings\n`);
  return errors > 0 || (strict && warnings > 0) ? 1 : 0;
}

/** How serve reads definitions, for the commands that read them too (the TSIG key names from the keyring). */
function parseOptions(config: Config): { httpHost?: string; tsigKeys: ReadonlySet<string> } {
  const keys = loadKeyring(config);
  if ('error' in keys) fail(`configuration: ${keys.error}`);
  return { ...(config.http.host ? { httpHost: config.http.host } : {}), tsigKeys: new Set(keys.keyring.keys()) };
}

/** `discodns keygen NAME`: a new key in BIND's format, as tsig-keygen prints it. */
function keygen(args: string[], algorithm = 'hmac-sha256'): number {
  if (args.length !== 1) fail(`keygen takes one key name (got ${args.length}); see discodns keygen --help`);
  const n = keyName(args[0]!);
  if (typeof n === 'string') fail(`key name '${args[0]}': ${n}`);
  if (!Object.hasOwn(ALGORITHMS, algorithm) || WEAK_ALGORITHMS.includes(algorithm as TsigAlgorithm)) {
    fail(`--algorithm: give hmac-sha256, hmac-sha384 or hmac-sha512`);
  }
  const alg = algorithm as TsigAlgorithm;
  process.stdout.write(formatKeyClause(args[0]!.replace(/\.$/, ''), alg, randomBytes(ALGORITHMS[alg].size)));
  return 0;
}

async function exportZones(config: Config, wanted: string[]): Promise<number> {
  const loaded = await loadZones([config.zones], undefined, parseOptions(config));
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  for (const d of errors) process.stderr.write(`${formatDiagnostic(d)}\n`);
  const wantedKeys = new Set<string>();
  for (const text of wanted) {
    const n = parseName(text.endsWith('.') ? text : `${text}.`);
    if (isNameError(n)) fail(`zone '${text}': ${n.error}`);
    if (!loaded.zones.some((z) => z.origin.key === n.key)) {
      fail(`no zone '${text}' is served from ${config.zones}${errors.length ? ' (see the errors above)' : ''}`, 1);
    }
    wantedKeys.add(n.key);
  }
  const zones = wanted.length ? loaded.zones.filter((z) => wantedKeys.has(z.origin.key)) : loaded.zones;
  // As served: with the PACC digest TXT of the zones that have autoconfig: on.
  const served = new AutoconfigPublisher().inputs(zones);
  const out = zones.map((z, i) => formatZone(z.origin, served[i]!.records, `from ${z.file}`)).join('\n');
  process.stdout.write(out);
  return errors.length ? 1 : 0;
}

async function autoconfig(config: Config, args: string[], format: string | undefined): Promise<number> {
  if (args.length !== 1) fail(`autoconfig takes one e-mail address (got ${args.length}); see discodns autoconfig --help`);
  if (format === undefined || !(FORMATS as readonly string[]).includes(format)) fail(`--format: give one of ${FORMATS.join(', ')}`);
  const loaded = await loadZones([config.zones], undefined, parseOptions(config));
  for (const d of loaded.diagnostics.filter((x) => x.severity === 'error')) process.stderr.write(`${formatDiagnostic(d)}\n`);
  const zones = new Map<string, AutoconfigZone>();
  for (const input of new AutoconfigPublisher().inputs(loaded.zones)) if (input.autoconfigZone) zones.set(input.origin.key, input.autoconfigZone);
  const answer = preview((domain) => byName(zones, domain), format as Format, args[0]!);
  if (answer.status !== 200) {
    const why = typeof answer.body === 'string' ? answer.body.trim() : '';
    const hint = answer.status === 404 ? ` (no zone under ${config.zones} with autoconfig: on has that domain)` : '';
    process.stderr.write(`discodns: a client would get HTTP ${answer.status}: ${why}${hint}\n`);
    return 1;
  }
  process.stdout.write(answer.body);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`discodns: internal error (a bug): ${(e as Error).stack ?? String(e)}\n`);
    process.exit(70);
  },
);
