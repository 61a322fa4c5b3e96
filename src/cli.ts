#!/usr/bin/env -S node --max-semi-space-size=4 --expose-gc --no-allocation-site-pretenuring
// discodns command line: serve | check | export | ctl | ds | autoconfig.
//
// The node flags on the line above (repeated by `npm start` and systemd/discodns.service; a test
// keeps the three equal) keep a large load fast and its memory down: a young generation capped
// at 4 MiB, one collection after the first load, no pretenuring of the load's garbage. Why and
// the figures: docs/performance.md, "Node flags". Without them the server works the same.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { describeConfig, loadConfig, type Config, type ConfigFlags } from './config.js';
import { collapse, formatCollapsed, formatDiagnostic, type ZoneContent } from './definitions/index.js';
import { isNameError, nameToText, nameToUnicode, parseName, type Name } from './dns/name.js';
import { formatZone } from './dns/zonefile.js';
import { createLogger, stderrLogger } from './log.js';
import { dsRecords, dsSeen, keyRoll, listKeys, signedExport, type CommandResult } from './server/dnssec-commands.js';
import type { ZoneDnssecStatus } from './server/dnssec.js';
import { AutoconfigPublisher, type AutoconfigZone } from './server/http/publish.js';
import { preview } from './server/http/preview.js';
import { byName, FORMATS, type Format } from './server/http/router.js';
import { HttpConfigError } from './server/http/server.js';
import { ControlError, request, type Command, type Response } from './server/control.js';
import { ListenError } from './server/listen.js';
import { notifyReady, notifyStopping, type NotifyDone } from './server/notify.js';
import { importFile } from './server/import-file.js';
import { StartError, type ReloadSummary } from './server/reload.js';
import { withServedSerials } from './server/serials.js';
import { ConfigError, startServer, type RunningServer } from './server/serve.js';
import { loadKeyring } from './server/keyring.js';
import { randomBytes } from 'node:crypto';
import { formatKeyClause } from './wire/tsig-keyfile.js';
import { ALGORITHMS, keyName, WEAK_ALGORITHMS, type TsigAlgorithm } from './wire/tsig.js';
import { StateDir } from './server/state.js';
import { loadZones } from './server/zonefiles.js';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const USAGE = `discodns ${VERSION} — authoritative DNS for mail-client discovery

Usage:
  discodns serve  [--config FILE] [--zones DIR] [--state DIR] [--listen ADDR]… [--port N] [--allow-empty]
  discodns check  [--strict] [--state DIR] [PATH…]
  discodns export [--zones DIR] [--state DIR] [--split DIR] [--signed] [ZONE…]
  discodns ctl    [--config FILE] [--state DIR] [--socket PATH] status|zones|zone NAME|reload|check
  discodns ctl    [--config FILE] [--state DIR] ds-seen|key-roll ZONE|@KEYSET  |  keys [ZONE|@KEYSET]
  discodns ds     ZONE [--config FILE] [--state DIR] [--zones DIR]
  discodns import FILE.zone [--origin NAME] [--write DIR]
  discodns autoconfig EMAIL --format mozilla|pox|json|apple|pacc [--zones DIR]
  discodns keygen NAME [--algorithm hmac-sha256|hmac-sha384|hmac-sha512]
  discodns --version
  discodns COMMAND --help`;

const HELP: Record<string, string> = {
  serve: `discodns serve — answer for the zones defined under the zones directory, over UDP and TCP

Options:
  --config FILE     JSON config file (keys below)
  --zones DIR       zone definitions directory             (config zones)
  --state DIR       state directory (DNSSEC keys too)      (config state)
  --socket PATH     control socket for discodns ctl        (config control.socket)
  --listen ADDR     address to listen on; repeat for more  (config listen)
  --port N          UDP and TCP port; 0 picks a free one   (config port)
  --allow-empty     start even with no zone to serve       (config allowEmpty)
  --log-level L     fatal|error|warn|info|debug|trace|silent
  --log-format F    json|pretty

Precedence: defaults < --config file < DISCODNS_* environment < flags.
Config keys (flag, environment variable; default):
${describeConfig()}`,
  check: `discodns check — validate zone definitions as serve would, without serving

  discodns check [--strict] [--config FILE] [--state DIR] [PATH…]

PATH is a definition file or a directory of them (default: the configured zones directory).
Prints every problem as file:line:col: error|warning: key: message, then a summary.
With a state directory (--state, default ./state), a fixed serial below the one served
before is an error, as serve would find it.
Exit status: 1 when there are errors (or, with --strict, warnings), 0 otherwise.`,
  export: `discodns export — print zones as RFC 1035 zone-file text

  discodns export [--zones DIR] [--config FILE] [--state DIR] [--split DIR] [--signed] [ZONE…]

Prints every zone defined under the zones directory, or only the named ZONEs, with the serials
serve gives them (from the state directory). With --split DIR, writes one file per zone into
DIR, named ZONE.zone (example.com.zone), as Knot, NSD and BIND load them. Each zone's text
loads unchanged in Knot (kzonecheck -o ZONE), BIND (named-checkzone) and ldns (ldns-read-zone).
With --signed, the signed zones are printed as served over a zone transfer: every RRSIG, the
NSEC chain, DNSKEY, CDS and CDNSKEY (keys from the state directory, made there if a zone has
none yet; private keys are never printed).`,
  ds: `discodns ds — the records to give the parent of a signed zone (the registrar)

  discodns ds ZONE [--config FILE] [--state DIR] [--zones DIR]

Prints the DS (SHA-256, digest type 2) and the DNSKEY of each key-signing key of ZONE in
zone-file syntax, one a line: most registrars ask for the DS, some for the DNSKEY. Keys are
read from the state directory, and made there if the zone has none yet. During a KSK/CSK
rollover both the current and the new key are listed.`,
  ctl: `discodns ctl — ask the running server over its control socket, or operate DNSSEC keys

  discodns ctl [--config FILE] [--state DIR] [--socket PATH] COMMAND

The socket is found as serve made it: control.socket, or control.sock in the state directory.
Commands:
  status      uptime, zones, records, zones on last-known-good, last reload, addresses, memory
  zones       every zone served: serial, source file and line, last-known-good or not
  zone NAME   one zone
  reload      re-read the zones directory, wait, and print the outcome
  check       what a reload would do now, without doing it
Exit status: 0; 1 when a reload (or check) rejected anything or failed, or the server cannot be
reached; 2 for a usage error.

DNSSEC key operations, through the state directory (no socket needed):
  ds-seen ZONE|@KEYSET   the parent now publishes the new key's DS
  key-roll ZONE|@KEYSET  start a KSK/CSK rollover
  keys [ZONE|@KEYSET]    list key sets and their keys
@KEYSET names the key set a zones: definition shares (@ and its file's name). The server acts
on ds-seen and key-roll at its next rollover step (every ten minutes, or at once on SIGHUP).`,
  import: `discodns import — turn an RFC 1035 zone file into the shortest definition serving the same data

  discodns import FILE.zone [--origin NAME] [--write DIR]

Discovery SRV sets go to services:, A/AAAA to hosts:, apex MX to mx:, apex NS to nameservers:, the
SOA to soa:, CNAMEs to aliases:, the rest to records:. The zone is named by FILE's $ORIGIN or file
name, or --origin. Prints the definition, or writes DIR/<zone>.yaml with --write; then reads it back
and compares what it serves with FILE, record by record. Exit status: 0 when they are the same.`,
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
  state: { type: 'string' },
  socket: { type: 'string' },
  signed: { type: 'boolean' },
  listen: { type: 'string', multiple: true },
  port: { type: 'string' },
  'allow-empty': { type: 'boolean' },
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
  strict: { type: 'boolean' },
  format: { type: 'string' },
  split: { type: 'string' },
  origin: { type: 'string' },
  write: { type: 'string' },
  algorithm: { type: 'string', short: 'a' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} satisfies ParseArgsConfig['options'];

const ALLOWED: Record<string, readonly string[]> = {
  serve: ['config', 'zones', 'state', 'socket', 'listen', 'port', 'allow-empty', 'log-level', 'log-format', 'help'],
  check: ['config', 'zones', 'state', 'strict', 'help'],
  export: ['config', 'zones', 'state', 'split', 'signed', 'help'],
  ctl: ['config', 'zones', 'state', 'socket', 'help'],
  autoconfig: ['config', 'zones', 'format', 'help'],
  import: ['origin', 'write', 'help'],
  keygen: ['algorithm', 'help'],
  ds: ['config', 'zones', 'state', 'help'],
};

function fail(message: string, code = 2): never {
  process.stderr.write(`discodns: ${message}\n`);
  process.exit(code);
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

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
  if (command === 'import') {
    if (rest.length !== 1) fail(`import takes one zone file (got ${rest.length}); see discodns import --help`);
    return importFile(rest[0]!, { ...(values.origin !== undefined ? { origin: values.origin } : {}), ...(values.write !== undefined ? { write: values.write } : {}) }, (t) => process.stdout.write(t), (t) => process.stderr.write(t));
  }
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
    state: values.state,
    socket: values.socket,
    allowEmpty: values['allow-empty'],
    logLevel: values['log-level'],
    logFormat: values['log-format'],
  };
  const result = loadConfig(values.config, flags);
  if ('error' in result) fail(result.error);
  const config = result.config;

  if (command !== 'serve') {
    // A closed stdout (check | head) is not a bug to report: stop quietly. Not for serve,
    // whose stdout is the log (log.ts), which process.stdout would make blocking.
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    });
  }
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
      return exportZones(config, rest, values.split, values.signed === true);
  }
}

async function serve(config: Config): Promise<number> {
  const log = createLogger(config.log.level, config.log.format);
  const notified: NotifyDone = (err) => {
    if (err) log.warn({ err: err.message }, 'systemd notification failed');
  };
  let server: RunningServer | undefined;
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) process.exit(1); // a second signal: leave now
    stopping = true;
    log.info({ signal }, 'stopping');
    if (!server) process.exit(0); // still loading: nothing to finish
    const running = server;
    notifyStopping(notified);
    // Whatever holds the close up (a client that does not read, a state write), 5 s is the cap.
    const deadline = setTimeout(() => process.exit(0), 5000);
    deadline.unref();
    void running.close().then(() => {
      const { queries, ...counters } = running.stats;
      log.info({ queries: queries.reduce((a, b) => a + b, 0), ...counters }, 'stopped');
      process.exit(0);
    });
  };
  // From the start: a signal that came while loading would otherwise kill the process outright.
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => void server?.reload());
  try {
    server = await startServer(config, log);
  } catch (e) {
    if (e instanceof HttpConfigError) fail(`cannot start the HTTP autoconfig responder: ${e.message}`, 1);
    if (e instanceof ConfigError) fail(`configuration: ${e.message}`, 1);
    if (e instanceof ListenError) {
      const hint =
        e.code === 'EADDRINUSE'
          ? `another program holds it: stop it, or choose ${e.key ? `another ${e.key}` : '--port/--listen'}`
          : e.code === 'EACCES' && e.port < 1024
            ? 'ports below 1024 need privilege: run under the systemd unit, or grant CAP_NET_BIND_SERVICE'
            : e.code === 'EADDRNOTAVAIL'
              ? `that address is not configured on this machine: check ${e.key ?? '--listen'}`
              : `check ${e.key ?? '--listen and --port'}`;
      const what = e.key ? ` (${e.key})` : '';
      fail(`cannot listen on ${e.transport} ${e.address.includes(':') ? `[${e.address}]` : e.address}:${e.port}${what}: ${e.code ?? e.message}; ${hint}`, 1);
    }
    if (e instanceof StartError || e instanceof ControlError) {
      log.fatal(e.message);
      fail(e.message, 1);
    }
    throw e;
  }
  // Readiness only now: zones loaded and every socket bound (Type=notify in the unit).
  notifyReady(notified);
  return new Promise<number>(() => {
    /* runs until a signal */
  });
}

async function check(config: Config, paths: string[], strict: boolean): Promise<number> {
  const loaded = await loadZones(paths.length ? paths : [config.zones], undefined, { parse: parseOptions(config) });
  const state = StateDir.readOnly(config.state);
  const serials = withServedSerials(loaded.zones, state.readSerials().records, Date.now());
  const diagnostics = [...loaded.diagnostics, ...serials.problems];
  for (const c of collapse(diagnostics)) process.stdout.write(`${formatCollapsed(c)}\n`);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const good = serials.zones;
  const records = good.reduce((n, z) => n + z.records.length, 0);
  process.stdout.write(idnZones(good));
  const summary = `${plural(loaded.files.size, 'file')}, ${plural(good.length, 'zone')} (${plural(records, 'record')}) good; ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  process.stdout.write(`${summary}\n`);
  return errors > 0 || (strict && warnings > 0) ? 1 : 0;
}

/** The zones whose names are IDNs, as served (A-labels) and as written (U-labels): one line each. */
function idnZones(zones: readonly { origin: Name }[]): string {
  return zones
    .filter((z) => nameToUnicode(z.origin) !== nameToText(z.origin))
    .map((z) => `zone ${nameToText(z.origin)} is ${nameToUnicode(z.origin)}\n`)
    .join('');
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

/** How serve reads definitions, for the commands that read them too. */
function parseOptions(config: Config): { httpHost?: string; external?: readonly string[]; tsigKeys: ReadonlySet<string>; dnssec: boolean } {
  // The TSIG key names that transfer: and notify: may name.
  const keys = loadKeyring(config);
  if ('error' in keys) fail(`configuration: ${keys.error}`);
  return {
    ...(config.http.host ? { httpHost: config.http.host } : {}),
    ...(config.external.length ? { external: config.external } : {}),
    tsigKeys: new Set(keys.keyring.keys()),
    dnssec: config.dnssec.enabled,
  };
}

async function exportZones(config: Config, wanted: string[], split: string | undefined, signed: boolean): Promise<number> {
  const loaded = await loadZones([config.zones], undefined, { parse: parseOptions(config) });
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
  // The serials serve gives them: from the state's history, when there is one.
  const serials = withServedSerials(loaded.zones, StateDir.readOnly(config.state).readSerials().records, Date.now());
  for (const d of serials.problems) if (d.severity === 'error') process.stderr.write(`${formatDiagnostic(d)}\n`);
  const served = serials.zones;
  const zones = wanted.length ? served.filter((z) => wantedKeys.has(z.origin.key)) : served;
  if (signed) {
    if (split !== undefined) fail('--signed prints to stdout; it does not combine with --split');
    process.stdout.write(await signedExport(config, zones, stderrLogger()));
    return errors.length ? 1 : 0;
  }
  // As served: with the PACC digest TXT of the zones that have autoconfig: on.
  const records = new Map(new AutoconfigPublisher().inputs(zones).map((input, i) => [zones[i]!, input.records]));
  const text = (z: ZoneContent): string => formatZone(z.origin, records.get(z)!, `from ${z.file}`);
  if (split === undefined) {
    process.stdout.write(zones.map(text).join('\n'));
    return errors.length ? 1 : 0;
  }
  try {
    mkdirSync(split, { recursive: true });
    for (const z of zones) writeFileSync(path.join(split, zoneFileName(z)), text(z));
  } catch (e) {
    fail(`--split ${split}: ${(e as Error).message}`, 1);
  }
  process.stderr.write(`${plural(zones.length, 'zone file')} written to ${split}\n`);
  return errors.length ? 1 : 0;
}

/** `example.com.zone`: the zone's name without the root's dot, lower case (Knot's default %s.zone). */
function zoneFileName(z: ZoneContent): string {
  // Zone names are host names (letters, digits, '-', '_'): nothing to escape in a file name.
  return `${nameToText(z.origin).slice(0, -1).toLowerCase()}.zone`;
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
  const loaded = await loadZones([config.zones], undefined, { parse: parseOptions(config) });
  for (const d of loaded.diagnostics.filter((x) => x.severity === 'error')) process.stderr.write(`${formatDiagnostic(d)}\n`);
  return loaded.zones;
}

async function ds(config: Config, args: string[]): Promise<number> {
  if (args.length !== 1) fail(`ds takes one zone name (got ${args.length}); see discodns ds --help`);
  return finish(await dsRecords(config, await servedZones(config), args[0]!, stderrLogger()));
}

const KEY_CTL = ['ds-seen', 'key-roll', 'keys'];

/** ctl's DNSSEC key operations: through the state directory, not the control socket. */
async function keyCtl(config: Config, command: string, more: string[]): Promise<number> {
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
  const loaded = await loadZones([config.zones], undefined, { parse: parseOptions(config) });
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

const CTL: readonly Command[] = ['status', 'zones', 'zone', 'reload', 'check'];

async function ctl(config: Config, args: string[]): Promise<number> {
  const [command, ...more] = args;
  if (command && KEY_CTL.includes(command)) return keyCtl(config, command, more);
  if (!command || !CTL.includes(command as Command)) fail(`ctl needs a command: ${[...CTL, ...KEY_CTL].join(', ')}; see discodns ctl --help`);
  if (command === 'zone' ? more.length !== 1 : more.length !== 0) fail(command === 'zone' ? 'ctl zone takes one zone name' : `ctl ${command} takes no arguments`);
  let response: Response;
  try {
    // A reload of many zones takes what it takes; systemd's TimeoutSec bounds ExecReload.
    response = await request(config.control.socket, { command: command as Command, ...(command === 'zone' ? { zone: more[0]! } : {}) }, command === 'reload' || command === 'check' ? 0 : 10_000);
  } catch (e) {
    fail((e as Error).message, 1);
  }
  if (!response.ok) fail(response.error, 1);
  const out = (line = ''): void => void process.stdout.write(`${line}\n`);
  switch (command) {
    case 'status':
      printStatus(response, out);
      return 0;
    case 'zones': {
      const zones = response.zones as ZoneLine[];
      for (const z of zones) out(zoneLine(z));
      return 0;
    }
    case 'zone': {
      const z = response as unknown as ZoneLine & { records?: number; dnssec?: ZoneDnssecStatus };
      out(`zone: ${z.zone}`);
      out(`serial: ${z.serial}`);
      out(`source: ${z.file}:${z.line}`);
      out(`last-known-good: ${z.lastKnownGood ? `yes${z.from ? `, from ${z.from}` : ', the version served before its file was rejected'}` : 'no'}`);
      if (z.records !== undefined) out(`records: ${z.records}`);
      if (z.dnssec) out(dnssecLine(z.dnssec));
      return 0;
    }
    default: {
      const s = (command === 'reload' ? response.reload : response.check) as ReloadSummary;
      printReload(command, s, out);
      return s.outcome === 'ok' ? 0 : 1;
    }
  }
}

interface ZoneLine {
  zone: string;
  serial: number;
  file: string;
  line: number;
  lastKnownGood: boolean;
  from?: string;
}

/** `ctl zone`'s DNSSEC line: what is signed with which keys, and what signing has cost so far. */
function dnssecLine(d: ZoneDnssecStatus): string {
  if (!d.signed) return 'dnssec: off';
  const keys = (d.keys ?? []).map((k) => `${k.tag} ${k.role} ${k.state} (algorithm ${k.algorithm})`).join(', ');
  const next = d.nextResign !== undefined ? `, next re-sign ${new Date(d.nextResign * 1000).toISOString()}` : '';
  return `dnssec: signed, key set ${d.keyset ?? '?'}, denial ${d.denial ?? 'nsec'}, keys ${keys || 'none'}; signatures made ${d.signaturesMade ?? 0}, kept ${d.storeSize ?? 0}${next}`;
}

function zoneLine(z: ZoneLine): string {
  return `${z.zone} serial ${z.serial} ${z.file}:${z.line}${z.lastKnownGood ? ' last-known-good' : ''}`;
}

function printStatus(s: Record<string, unknown>, out: (line?: string) => void): void {
  const last = s.lastReload as ReloadSummary | undefined;
  const mem = s.memory as { rssMb: number; heapUsedMb: number };
  const uptime = s.uptimeSeconds as number;
  out(`pid: ${s.pid}`);
  out(`uptime: ${uptime < 120 ? `${uptime} s` : uptime < 7200 ? `${Math.round(uptime / 60)} min` : `${(uptime / 3600).toFixed(1)} h`}`);
  out(`zones: ${s.zones}`);
  out(`records: ${s.records}`);
  out(`last-known-good: ${plural(s.lastKnownGood as number, 'zone')}`);
  if (last) out(`last reload: ${last.outcome} at ${new Date(last.at).toISOString()} (${last.added} added, ${last.changed} changed, ${last.removed} removed, ${last.rejected} rejected)${last.failure ? `: ${last.failure}` : ''}`);
  out(`listen: ${(s.listen as string[]).join(' ')} (udp, tcp)`);
  out(`zones directory: ${s.zonesDir}`);
  out(`state: ${s.state}`);
  out(`memory: rss ${mem.rssMb} MB, heap ${mem.heapUsedMb} MB`);
}

function printReload(command: string, s: ReloadSummary, out: (line?: string) => void): void {
  const what = command === 'reload' ? 'reload' : 'check (nothing applied)';
  if (s.outcome === 'failed') {
    out(`${what}: failed: ${s.failure}; every zone stays as it was`);
    return;
  }
  const names = (list: readonly string[], n: number): string => (n === 0 ? '' : `: ${list.join(' ')}${n > list.length ? ` … ${n - list.length} more` : ''}`);
  out(`${what}: ${s.outcome}${s.ms !== undefined ? ` in ${s.ms} ms` : ''}`);
  out(`added: ${s.added}${names(s.addedZones, s.added)}`);
  out(`changed: ${s.changed}${names(s.changedZones, s.changed)}`);
  out(`removed: ${s.removed}${names(s.removedZones, s.removed)}`);
  out(`rejected: ${s.rejected}${names(s.rejectedZones, s.rejected)}${s.kept > 0 ? ` (${s.kept} kept on the version served before)` : ''}`);
  out(`last-known-good: ${plural(s.lastKnownGood, 'zone')}`);
  out(`zones: ${s.zones}${s.records !== undefined ? `, records: ${s.records}` : ''}`);
  if (s.problems.length > 0) {
    out(`problems: ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}`);
    for (const p of s.problems) out(`  ${p}`);
  }
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
