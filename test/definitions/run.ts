// Test helper: YAML text in, formatted diagnostics and zone-file lines out.

import { buildZones, formatDiagnostic, parseDefinitionFile, type Definition, type Diagnostic, type ZoneContent } from '../../src/definitions/index.js';
import { nameToText } from '../../src/dns/name.js';
import { formatRecord } from '../../src/dns/presentation.js';

/** A fixed mtime: `serial: auto` → 1700000000. */
export const MTIME = 1_700_000_000_123;

export interface Run {
  /** Every diagnostic, parse then build, as `file:line:col: severity: path: message`. */
  readonly messages: string[];
  readonly errors: string[];
  readonly warnings: string[];
  readonly zones: ZoneContent[];
  readonly failed: string[];
  readonly definitions: Definition[];
}

/** One file (`z.yaml`) or several, in order. */
export function run(files: string | Record<string, string>, mtimeMs = MTIME): Run {
  const definitions: Definition[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const [file, text] of Object.entries(typeof files === 'string' ? { 'z.yaml': files } : files)) {
    const parsed = parseDefinitionFile(file, text, mtimeMs);
    definitions.push(...parsed.definitions);
    diagnostics.push(...parsed.diagnostics);
  }
  const built = buildZones(definitions);
  diagnostics.push(...built.diagnostics);
  const messages = diagnostics.map(formatDiagnostic);
  return {
    messages,
    errors: diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic),
    warnings: diagnostics.filter((d) => d.severity === 'warning').map(formatDiagnostic),
    zones: built.zones,
    failed: built.failed.map(nameToText),
    definitions,
  };
}

/** A zone's records as zone-file lines (single spaces), in served order. */
export function lines(zone: ZoneContent | undefined, type?: string): string[] {
  if (!zone) throw new Error('zone was not built');
  return zone.records.map((r) => formatRecord(r).replace(/\t/g, ' ')).filter((l) => !type || l.split(' ')[3] === type);
}

/** The records of the only zone of a clean run; fails the test when there were errors. */
export function served(text: string, type?: string): string[] {
  const r = run(text);
  if (r.errors.length) throw new Error(`unexpected errors:\n${r.errors.join('\n')}`);
  return lines(r.zones[0], type);
}

/** A valid zone to extend: lines 1-5, so added YAML starts at line 6. */
export const BASE = `zone: example.com
nameservers: [ns1]
hosts:
  ns1: 192.0.2.53
  mail: 192.0.2.10
`;
