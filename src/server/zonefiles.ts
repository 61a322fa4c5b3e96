// Reads zone definition files from disk and hands their text to definitions/ (which does no I/O).
// Keeps what each file parsed to, keyed by path, so a reload re-parses only files that changed
// (or a file they extend did).

import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { buildZonesSteps, expandAhead, formatDiagnostic, parseDefinitionFile, Shared, type BaseResolver, type Definition, type Diagnostic, type ParseOptions, type ZoneContent } from '../definitions/index.js';
import type { Name } from '../dns/name.js';
import { includedFingerprint, readZoneFileAt, ZONE_FILE } from './zone-file-read.js';

export interface LoadedZones {
  readonly zones: ZoneContent[];
  readonly diagnostics: Diagnostic[];
  /** Definition files found (listed, or named). */
  readonly files: ReadonlySet<string>;
  /** Files with at least one error, or that exist but could not be read. */
  readonly filesWithErrors: ReadonlySet<string>;
  /** File path -> its fingerprint (fingerprintOf), to tell which zones changed since the last load. */
  readonly fingerprints: ReadonlyMap<string, string>;
  /** File path -> SHA-256 of the text that was parsed (last-known-good copies are checked against it). */
  readonly textDigests: ReadonlyMap<string, string>;
  /** How many files were parsed this time (the rest came from the cache). */
  readonly parsed: number;
  /** Zones defined but not in `zones` because of errors, and the file each is defined in. */
  readonly failed: readonly Name[];
  readonly failedIn: ReadonlyMap<string, string>;
  /** Targets (the zones directory) that could not be listed at all: nothing is known of their files. */
  readonly unlisted: readonly { readonly target: string; readonly error: string }[];
}

interface CachedFile {
  readonly fingerprint: string;
  readonly textDigest: string;
  /** Expanded as soon as read, and kept slim (definitions/build.ts, expandAhead). */
  readonly definitions: Definition[];
  readonly diagnostics: Diagnostic[];
  /** The files `extends:` read, with their fingerprints then: a change there is a change here. */
  readonly bases: readonly { readonly file: string; readonly fingerprint: string }[];
  /** Files a zone file includes ($INCLUDE), whose changes change its fingerprint. */
  readonly includes?: readonly string[];
}

/** What each file parsed to, by path: reused while the file's fingerprint stays the same. */
export type ParseCache = Map<string, CachedFile>;

export interface LoadOptions {
  /**
   * Where `extends: NAME` is looked for before the file's own directory: the last-known-good
   * copies, when loading those (a copy extends the base as it was accepted).
   */
  readonly basesFirstIn?: string;
  /** How definitions are read (the configuration's http.host). */
  readonly parse?: ParseOptions;
}

/** Definitions (*.yaml, *.yml) and RFC 1035 zone files (*.zone, read by zone-file-read.ts). */
const DEFINITION_FILE = /\.(ya?ml|zone)$/i;

function fileProblem(file: string, message: string): Diagnostic {
  return { file, line: 1, col: 1, severity: 'error', path: '(file)', message };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
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

/**
 * What tells a changed file: mtime and size, and the inode change time, which `touch -d` and
 * `cp -p` cannot set back (two edits of one size within a clock tick, or an mtime moved to
 * where it was, still change it), and the inode (an editor that saves by rename).
 */
function fingerprint(info: { mtimeMs: number; ctimeMs: number; size: number; ino: number }): string {
  return `${info.mtimeMs}:${info.ctimeMs}:${info.size}:${info.ino}`;
}

function fingerprintOf(file: string): string | undefined {
  try {
    return fingerprint(statSync(file));
  } catch {
    return undefined;
  }
}

/**
 * Resolves `extends:` for one load: each base read in full (not slim, as the parse cache keeps
 * definitions) once per load, chains followed, a circle reported as one.
 */
class Bases {
  private readonly read = new Map<string, { definition: Definition } | { error: string }>();
  private readonly reading: string[] = [];
  /** Every base file read, with its fingerprint, for the cache entries of the files that extend it. */
  readonly used = new Map<string, string>();

  constructor(
    private readonly firstIn: string | undefined,
    private readonly parse: ParseOptions = {},
  ) {}

  /** How to parse the definitions in `file`. */
  options(file: string): ParseOptions {
    return { ...this.parse, base: this.resolverFor(file) };
  }

  /** The resolver for definitions in `file`, and the base files it used. */
  resolverFor(file: string): BaseResolver {
    return (name) => this.resolve(path.dirname(file), name);
  }

  private locate(dir: string, name: string): string | undefined {
    for (const d of this.firstIn ? [this.firstIn, dir] : [dir]) {
      const candidate = path.join(d, name);
      if (fingerprintOf(candidate) !== undefined) return candidate;
    }
    return undefined;
  }

  private resolve(dir: string, name: string): { definition: Definition } | { error: string } {
    const file = this.locate(dir, name);
    if (!file) return { error: `${name} is not a file in ${dir}: name a definition file of the zones directory` };
    const circle = this.reading.indexOf(file);
    if (circle >= 0) {
      const names = [...this.reading.slice(circle), file].map((f) => path.basename(f));
      return { error: `extends goes round in a circle (${names.join(' → ')}): remove one of them` };
    }
    const known = this.read.get(file);
    if (known) return known;
    this.reading.push(file);
    let result: { definition: Definition } | { error: string };
    try {
      const text = readFileSync(file, 'utf8');
      this.used.set(file, fingerprintOf(file) ?? '');
      const parsed = parseDefinitionFile(file, text, statSync(file).mtimeMs, this.options(file));
      const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
      const [definition, ...more] = parsed.definitions;
      if (errors.length > 0) {
        result = { error: `${name} has errors, so nothing is taken from it: fix it first (${errors.length > 1 ? `${errors.length} errors, the first: ` : ''}${formatDiagnostic(errors[0]!)})` };
      } else if (!definition || more.length > 0) {
        result = { error: `${name} holds ${parsed.definitions.length} definitions: extends takes a file that holds one` };
      } else {
        result = { definition };
      }
    } catch (e) {
      result = { error: `cannot read ${name}: ${(e as Error).message}` };
    } finally {
      this.reading.pop();
    }
    this.read.set(file, result);
    return result;
  }
}

type ReadResult = { readonly entry: CachedFile; readonly parsed: boolean } | { readonly error: string };

/**
 * The file's parse from the cache when its mtime and size (and those of the files it extends)
 * are unchanged, else read and parsed now. Synchronous reads: for thousands of small files they
 * are several times faster than fs/promises, and the caller yields to the event loop between
 * slices.
 */
function readIfChanged(file: string, cache: ParseCache, shared: Shared, bases: Bases): ReadResult {
  try {
    const info = statSync(file);
    const cached = cache.get(file);
    const current = fingerprint(info) + includedFingerprint(cached?.includes);
    if (cached?.fingerprint === current && cached.bases.every((b) => fingerprintOf(b.file) === b.fingerprint)) return { entry: cached, parsed: false };
    const text = readFileSync(file, 'utf8');
    if (ZONE_FILE.test(file)) return zoneFileEntry(file, text, fingerprint(info), cache, shared, bases.options(file).dnssec);
    const parsed = parseDefinitionFile(file, text, info.mtimeMs, bases.options(file));
    const baseFiles = new Set(parsed.definitions.flatMap((d) => d.bases));
    // Expanded now, so that only the slim definition outlives this file's turn: holding every
    // file's full definition until the build took about 4 KB per file at the peak, and a
    // process keeps the memory of its peak.
    const entry = {
      fingerprint: current,
      textDigest: sha256(text),
      definitions: parsed.definitions.map((d) => expandAhead(d, shared)),
      diagnostics: parsed.diagnostics,
      bases: [...baseFiles].map((f) => ({ file: f, fingerprint: bases.used.get(f) ?? '' })),
    };
    cache.set(file, entry);
    return { entry, parsed: true };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** A zone file's cache entry: its definition, expanded now as a YAML file's is. */
function zoneFileEntry(file: string, text: string, own: string, cache: ParseCache, shared: Shared, dnssec: boolean | undefined): ReadResult {
  const read = readZoneFileAt(file, text, undefined, dnssec);
  const entry = {
    fingerprint: own + includedFingerprint(read.includes),
    textDigest: sha256(text),
    definitions: read.definitions.map((d) => expandAhead(d, shared)),
    diagnostics: read.diagnostics,
    bases: [],
    includes: read.includes,
  };
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
export async function loadZones(targets: readonly string[], cache: ParseCache = new Map(), options: LoadOptions = {}): Promise<LoadedZones> {
  const definitions: Definition[] = [];
  const diagnostics: Diagnostic[] = [];
  const files = new Set<string>();
  const filesWithErrors = new Set<string>();
  const fingerprints = new Map<string, string>();
  const textDigests = new Map<string, string>();
  const unlisted: { target: string; error: string }[] = [];
  let parsed = 0;
  const slicer = new Slicer();
  const shared = new Shared();
  const bases = new Bases(options.basesFirstIn, options.parse);
  for (const target of targets) {
    const found = await definitionFiles(target);
    if (!Array.isArray(found)) {
      diagnostics.push(fileProblem(target, found.error));
      filesWithErrors.add(target);
      unlisted.push({ target, error: found.error });
      continue;
    }
    for (const file of found) {
      files.add(file);
      const result = readIfChanged(file, cache, shared, bases);
      await slicer.maybeYield();
      if ('error' in result) {
        // Vanished or unreadable mid-edit: an error for this file, never a silent removal.
        diagnostics.push(fileProblem(file, `cannot read: ${result.error}`));
        filesWithErrors.add(file);
        continue;
      }
      if (result.parsed) parsed++;
      fingerprints.set(file, result.entry.fingerprint);
      textDigests.set(file, result.entry.textDigest);
      definitions.push(...result.entry.definitions);
      diagnostics.push(...result.entry.diagnostics);
    }
  }
  // A directory that could not be listed changed nothing: its files keep their parses, so the
  // reload after it is put back re-parses nothing and reports nothing changed.
  if (unlisted.length === 0) for (const file of cache.keys()) if (!files.has(file)) cache.delete(file);
  const steps = buildZonesSteps(definitions);
  let step = steps.next();
  for (; !step.done; step = steps.next()) await slicer.maybeYield();
  const built = step.value;
  diagnostics.push(...built.diagnostics);
  for (const d of diagnostics) if (d.severity === 'error') filesWithErrors.add(d.file);
  return { zones: built.zones, diagnostics, files, filesWithErrors, fingerprints, textDigests, parsed, failed: built.failed, failedIn: built.failedIn, unlisted };
}
