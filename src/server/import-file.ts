// `discodns import FILE.zone [--origin NAME] [--write DIR]`: reads a zone file, prints (or
// writes) the definition that serves the same data, and proves it: the definition is read back
// and built, and what it serves is compared record by record with the zone file.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatDiagnostic, importZone, verifyImport } from '../definitions/index.js';
import { isNameError, nameToText, parseName, type Name } from '../dns/name.js';
import { readZoneFileAt } from './zone-file-read.js';

export interface ImportOptions {
  readonly origin?: string;
  readonly write?: string;
}

/** Runs the import; returns the exit status (0: the definition serves exactly the zone's records). */
export function importFile(file: string, options: ImportOptions, out: (s: string) => void, err: (s: string) => void): number {
  let origin: Name | undefined;
  if (options.origin !== undefined) {
    const n = parseName(options.origin.endsWith('.') ? options.origin : `${options.origin}.`);
    if (isNameError(n)) {
      err(`discodns: --origin '${options.origin}': ${n.error}\n`);
      return 2;
    }
    origin = n;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    err(`discodns: cannot read ${file}: ${(e as Error).message}\n`);
    return 1;
  }
  const { read } = readZoneFileAt(file, text, origin);
  const errors = read.diagnostics.filter((d) => d.severity === 'error');
  if (!read.origin || errors.length > 0 || read.definitions.length === 0) {
    for (const d of errors) err(`${formatDiagnostic(d)}\n`);
    err(read.origin ? `discodns: ${file} has errors: fix them and import again\n` : `discodns: give the zone's name: --origin example.com\n`);
    return 1;
  }
  const zone = read.origin;
  const records = read.records.map((r) => r.rr);
  const imported = importZone(zone, records, path.basename(file));
  const target = options.write ? path.join(options.write, `${nameToText(zone).slice(0, -1)}.yaml`) : undefined;
  const check = verifyImport(imported.yaml, target ?? `${nameToText(zone).slice(0, -1)}.yaml`, zone, records);
  if (target) writeFileSync(target, imported.yaml);
  else out(imported.yaml);
  for (const d of check.diagnostics) err(`${formatDiagnostic(d)}\n`);
  if (check.diagnostics.some((d) => d.severity === 'error')) {
    err(`discodns: the definition has errors, the zone file's own (see above): fix them in ${file} and import again\n`);
    return 1;
  }
  const keys = Object.entries(imported.counts).map(([k, n]) => `${k} ${n}`).join(', ');
  if (check.missing.length || check.extra.length) {
    for (const m of check.missing) err(`not served by the definition: ${m}\n`);
    for (const x of check.extra) err(`served by the definition, not in ${file}: ${x}\n`);
    err(`discodns: the definition does not serve exactly the zone's records (${check.missing.length} missing, ${check.extra.length} extra)\n`);
    return 1;
  }
  const left = imported.leftOut.length ? `; ${imported.leftOut.length} DNSSEC records left out` : '';
  err(`${target ? `wrote ${target}: ` : ''}${records.length - imported.leftOut.length} records of ${nameToText(zone)} → ${keys}; read back, it serves the same records${left}\n`);
  return check.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}
