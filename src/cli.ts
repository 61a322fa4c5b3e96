#!/usr/bin/env -S node --max-semi-space-size=4 --expose-gc --no-allocation-site-pretenuring
// discodns command line: serve | check | export | autoconfig | ds | ctl.
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
import { createLogger, stderrLogger } from './log.js';
import { dsRecords, dsSeen, keyRoll, listKeys, signedExport, type CommandResult } from './server/dnssec-commands.js';
import { AutoconfigPublisher, type AutoconfigZone } from './server/http/publish.js';
import { preview } from './server/http/preview.js';
import { byName, FORMATS, type Format } from './server/http/router.js';
import { HttpConfigError } from './server/http/server.js';
import { ListenError } from './server/listen.js';
import { notifyReady, notifyReloading, notifyStopping, type NotifyDone } from './server/notify.js';
import { startServer } from './server/serve.js';
import { loadZones } from './server/zonefiles.js';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const USAGE = `discodns ${VERSION} — authoritative DNS for mail-client discovery

Usage:
  discodns serve  [--config FILE] [--zones DIR] [--state DIR] [--listen ADDR]… [--port N]
  discodns check  [--strict] [PATH…]
  discodns export [--zones DIR] [--state DIR] [--signed] [ZONE…]
  discodns autoconfig EMAIL --format mozilla|pox|json|apple|pacc [--zones DIR]
  discodns ds ZONE [--config FILE] [--state DIR] [--zones DIR]
  discodns ctl ds-seen|key-roll ZONE|@KEYSET  |  discodns ctl keys [ZONE|@KEYSET]
  discodns --version
  discodns COMMAND --help`;

const HELP: Record<string, string> = {
  serve: `discodns serve — answer for the zones defined under the zones directory, over UDP and TCP

Options:
  --config FILE     JSON config file (keys below)
  --zones DIR       zone definitions directory            (config zones)
  --state DIR       state directory (DNSSEC keys)          (config state)
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

  discodns export [--zones DIR] [--config FILE] [--state DIR] [--signed] [ZONE…]

Prints every zone defined under DIR, or only the named ZONEs. The output loads unchanged in
Knot (kzonecheck), BIND (named-checkzone) and ldns (ldns-read-zone). With --signed, the signed
zones are printed as served over a zone transfer: every RRSIG, the NSEC chain, DNSKEY, CDS and
CDNSKEY (keys from the state directory, made there if a zone has none yet; private keys are
never printed).`,
  ds: `discodns ds — the records to give the parent of a signed zone (the registrar)

  discodns ds ZONE [--config FILE] [--state DIR] [--zones DIR]

Prints the DS (SHA-256, digest type 2) and the DNSKEY of each key-signing key of ZONE in
zone-file syntax, one a line: most registrars ask for the DS, some for the DNSKEY. Keys are
read from the state directory, and made there if the zone has none yet. During a KSK/CSK
rollover both the current and the new key are listed.`,
  ctl: `discodns ctl — DNSSEC key operations, through the state directory

  discodns ctl ds-seen ZONE|@KEYSET   the parent now publishes the new key's DS
  discodns ctl key-roll ZONE|@KEYSET  start a KSK/CSK rollover
  discodns ctl keys [ZONE|@KEYSET]    list key sets and their keys

@KEYSET names the key set a zones: definition shares (@ and its file's name). The server acts
on ds-seen and key-roll at its next rollover step (every ten minutes, or at once on SIGHUP).`,
  autoconfig: `discodns autoconfig — print what a mail client asking about EMAIL receives over HTTP

  discodns autoconfig EMAIL --format mozilla|pox|json|apple|pacc [--zones DIR] [--config FILE]

Formats: mozilla (Thunderbird, Evolution, K-9 … : /mail/config-v1.1.xml), pox (Outlook, eM Client:
POST /autodiscover/autodiscover.xml), json (Outlook mobile: /autodiscover/autodiscover.json),
apple (.mobileconfig profile), pacc (/.well-known/user-agent-configuration.json; experimental).
The domain of EMAIL must be a zone with autoconfig: on. Exit status: 0 when a client would get
its settings (HTTP 200), 1 otherwise (the status and reason go to stderr).`,
};

const OPTIONS = {
  config: { type: 'string' },
  zones: { type: 'string' },
  state: { type: 'string' },
  signed: { type: 'boolean' },
  listen: { type: 'string', multiple: true },
  port: { type: 'string' },
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
  strict: { type: 'boolean' },
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} satisfies ParseArgsConfig['options'];

const ALLOWED: Record<string, readonly string[]> = {
  serve: ['config', 'zones', 'state', 'listen', 'port', 'log-level', 'log-format', 'help'],
  check: ['config', 'zones', 'strict', 'help'],
  export: ['config', 'zones', 'state', 'signed', 'help'],
  autoconfig: ['config', 'zones', 'format', 'help'],
  ds: ['config', 'zones', 'state', 'help'],
  ctl: ['config', 'zones', 'state', 'help'],
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

  let port: number | undefined;
  if (values.port !== undefined) {
    port = /^[0-9]+$/.test(values.port) ? Number(values.port) : NaN;
    if (!(port >= 0 && port <= 65535)) fail(`--port '${values.port}': give a port number from 0 to 65535`);
  }
  const flags: ConfigFlags = {
    listen: values.listen,
    port,
    zones: values.zones,
    state: values.state,
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
    case 'ds':
      return ds(config, rest);
    case 'ctl':
      return ctl(config, rest);
    default:
      return exportZones(config, rest, values.signed === true);
  }
}

async function serve(config: Config): Promise<number> {
  const log = createLogger(config.log.level, config.log.format);
  let server;
  try {
    server = await startServer(config, log);
  } catch (e) {
    if (e instanceof HttpConfigError) fail(`cannot start the HTTP autoconfig responder: ${e.message}`, 1);
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

/** How serve reads definitions, for the commands that read them too. */
function parseOptions(config: Config): { httpHost?: string; dnssec: boolean } {
  return { ...(config.http.host ? { httpHost: config.http.host } : {}), dnssec: config.dnssec.enabled };
}

async function exportZones(config: Config, wanted: string[], signed: boolean): Promise<number> {
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
  if (signed) {
    process.stdout.write(await signedExport(config, zones, stderrLogger()));
    return errors.length ? 1 : 0;
  }
  // As served: with the PACC digest TXT of the zones that have autoconfig: on.
  const served = new AutoconfigPublisher().inputs(zones);
  const out = zones.map((z, i) => formatZone(z.origin, served[i]!.records, `from ${z.file}`)).join('\n');
  process.stdout.write(out);
  return errors.length ? 1 : 0;
}

/** Writes a command's result: its output to stdout, a note or an error to stderr. */
function finish(result: CommandResult): number {
  if ('error' in result) {
    process.stderr.write(`discodns: ${result.error}\n`);
    return 1;
  }
  process.stdout.write(result.out);
  if (result.note) process.stderr.write(`${result.note}\n`);
  return 0;
}

async function servedZones(config: Config) {
  const loaded = await loadZones([config.zones], undefined, parseOptions(config));
  for (const d of loaded.diagnostics.filter((x) => x.severity === 'error')) process.stderr.write(`${formatDiagnostic(d)}\n`);
  return loaded.zones;
}

async function ds(config: Config, args: string[]): Promise<number> {
  if (args.length !== 1) fail(`ds takes one zone name (got ${args.length}); see discodns ds --help`);
  return finish(await dsRecords(config, await servedZones(config), args[0]!, stderrLogger()));
}

const CTL = ['ds-seen', 'key-roll', 'keys'];

async function ctl(config: Config, args: string[]): Promise<number> {
  const [command, ...more] = args;
  if (!command || !CTL.includes(command)) fail(`ctl needs a command: ${CTL.join(', ')}; see discodns ctl --help`);
  if (command === 'keys' ? more.length > 1 : more.length !== 1) fail(`ctl ${command} takes ${command === 'keys' ? 'at most one' : 'one'} zone name or @KEYSET`);
  const zones = await servedZones(config);
  const now = Math.floor(Date.now() / 1000);
  const log = stderrLogger();
  if (command === 'ds-seen') return finish(await dsSeen(config, zones, more[0]!, now, log));
  if (command === 'key-roll') return finish(await keyRoll(config, zones, more[0]!, now, log));
  return finish(listKeys(config, zones, more[0], log));
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
