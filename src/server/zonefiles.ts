// Reads zone definition files from disk and hands their text to definitions/ (which does no I/O).
// Keeps what each file parsed to, keyed by path, so a reload re-parses only files whose size or
// modification time changed.

import { readFileSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { includedFingerprint, readZoneFileAt, ZONE_FILE } from './zone-file-read.js';
import { buildZonesSteps, expandAhead, parseDefinitionFile, Shared, type Definition, type Diagnostic, type ParseOptions, type ZoneContent } from '../definitions/index.js';

export interface LoadedZones {
  readonly zones: ZoneContent[];
  readonly diagnostics: Diagnostic[];
  readonly files: ReadonlySet<string>;
  /** Files with at least one error, or that exist but could not be read. */
  readonly filesWithErrors: ReadonlySet<string>;
  /** File path -> "mtime:size", to tell which zones changed since the last load. */
  readonly fingerprints: ReadonlyMap<string, string>;
  /** How many files were parsed this time (the rest came from the cache). */
  readonly parsed: number;
}

interface CachedFile {
  readonly fingerprint: string;
  /** Expanded as soon as read, and kept slim (definitions/build.ts, expandAhead). */
  readonly definitions: Definition[];
  readonly diagnostics: Diagnostic[];
  /** Files a zone file includes ($INCLUDE), whose changes change its fingerprint. */
  readonly includes?: readonly string[];
}

/** What each file parsed to, by path: reused while the file's mtime and size stay the same. */
export type ParseCache = Map<string, CachedFile>;

/** Definitions (*.yaml, *.yml) and RFC 1035 zone files (*.zone, read by zone-file-read.ts). */
const DEFINITION_FILE = /\.(ya?ml|zone)$/i;

function fileProblem(file: string, message: string): Diagnostic {
  return { file, line: 1, col: 1, severity: 'error', path: '(file)', message };
}

/** The definition files a path names: a file itself, or a directory's *.yaml/*.yml, sorted. */
export async function definitionFiles(target: string): Promise<string[] | { error: string }> {
  let info;
  try {
    info = await stat(target);
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message };
  }
  if (!info.isDirectory()) return [target];
  try {
    const names = (await readdir(target)).filter((n) => DEFINITION_FILE.test(n) && !n.startsWith('.')).sort();
    return names.map((n) => path.join(target, n));
  } catch (e) {
    return { error: `cannot list the directory: ${(e as Error).message}` };
  }
}

type ReadResult = { readonly entry: CachedFile; readonly parsed: boolean } | { readonly error: string };

/**
 * The file's parse from the cache when its mtime and size are unchanged, else read and parsed
 * now. Synchronous reads: for thousands of small files they are several times faster than
 * fs/promises, and the caller yields to the event loop between slices.
 */
function readIfChanged(file: string, cache: ParseCache, shared: Shared, parse: ParseOptions): ReadResult {
  try {
    const info = statSync(file);
    const cached = cache.get(file);
    const fingerprint = `${info.mtimeMs}:${info.size}${includedFingerprint(cached?.includes)}`;
    if (cached?.fingerprint === fingerprint) return { entry: cached, parsed: false };
    const text = readFileSync(file, 'utf8');
    if (ZONE_FILE.test(file)) return zoneFileEntry(file, text, `${info.mtimeMs}:${info.size}`, cache, shared);
    const parsed = parseDefinitionFile(file, text, info.mtimeMs, parse);
    // Expanded now, so that only the slim definition outlives this file's turn: holding every
    // file's full definition until the build took about 4 KB per file at the peak, and a
    // process keeps the memory of its peak.
    const entry = { fingerprint, definitions: parsed.definitions.map((d) => expandAhead(d, shared)), diagnostics: parsed.diagnostics };
    cache.set(file, entry);
    return { entry, parsed: true };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** A zone file's cache entry: its definition, expanded now as a YAML file's is. */
function zoneFileEntry(file: string, text: string, own: string, cache: ParseCache, shared: Shared): ReadResult {
  const read = readZoneFileAt(file, text);
  const entry = { fingerprint: own + includedFingerprint(read.includes), definitions: read.definitions.map((d) => expandAhead(d, shared)), diagnostics: read.diagnostics, includes: read.includes };
  cache.set(file, entry);
  return { entry, parsed: true };
}

/** Longest stretch of loading work before queued queries get their turn. */
const SLICE_MS = 10;

/** Yields to the event loop when the current slice has run SLICE_MS. */
class Slicer {
  private start = performance.now();
  async maybeYield(): Promise<void> {
    if (performance.now() - this.start < SLICE_MS) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.start = performance.now();
  }
}

/** Reads and checks every definition under `targets`, then builds the zones from all of them. */
export async function loadZones(targets: readonly string[], cache: ParseCache = new Map(), parse: ParseOptions = {}): Promise<LoadedZones> {
  const definitions: Definition[] = [];
  const diagnostics: Diagnostic[] = [];
  const files = new Set<string>();
  const filesWithErrors = new Set<string>();
  const fingerprints = new Map<string, string>();
  let parsed = 0;
  const slicer = new Slicer();
  const shared = new Shared();
  for (const target of targets) {
    const found = await definitionFiles(target);
    if (!Array.isArray(found)) {
      diagnostics.push(fileProblem(target, found.error));
      filesWithErrors.add(target);
      continue;
    }
    for (const file of found) {
      files.add(file);
      const result = readIfChanged(file, cache, shared, parse);
      await slicer.maybeYield();
      if ('error' in result) {
        // Vanished or unreadable mid-edit: an error for this file, never a silent removal.
        diagnostics.push(fileProblem(file, `cannot read: ${result.error}`));
        filesWithErrors.add(file);
        continue;
      }
      if (result.parsed) parsed++;
      fingerprints.set(file, result.entry.fingerprint);
      definitions.push(...result.entry.definitions);
      diagnostics.push(...result.entry.diagnostics);
    }
  }
  for (const file of cache.keys()) if (!files.has(file)) cache.delete(file);
  const steps = buildZonesSteps(definitions);
  let step = steps.next();
  for (; !step.done; step = steps.next()) await slicer.maybeYield();
  const built = step.value;
  diagnostics.push(...built.diagnostics);
  for (const d of diagnostics) if (d.severity === 'error') filesWithErrors.add(d.file);
  return { zones: built.zones, diagnostics, files, filesWithErrors, fingerprints, parsed };
}
