// Zone files (*.zone) in the zones directory: read with their $INCLUDEs, which may name only
// files inside that directory, and fingerprinted with them, so that a reload re-reads a zone
// whose included file changed.

import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { readZoneFile, type Definition, type Diagnostic, type ReadZoneFile } from '../definitions/index.js';
import type { Name } from '../dns/name.js';

export { ZONE_FILE } from '../definitions/index.js';

export interface ZoneFileRead {
  readonly definitions: Definition[];
  readonly diagnostics: Diagnostic[];
  /** The files it included, for the fingerprint. */
  readonly includes: readonly string[];
  /** Everything read, for `discodns import`. */
  readonly read: ReadZoneFile;
}

/** Reads the zone file at `file` (its text already read) and what it includes. */
export function readZoneFileAt(file: string, text: string, origin?: Name, dnssec?: boolean): ZoneFileRead {
  const root = realDir(path.dirname(file));
  const read = readZoneFile(file, text, {
    ...(origin ? { origin } : {}),
    ...(dnssec !== undefined ? { dnssec } : {}),
    include: (name, from) => {
      const target = path.resolve(path.dirname(from), name);
      let real: string;
      try {
        real = realpathSync(target);
      } catch (e) {
        return { error: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message };
      }
      // Only files of the zones directory: a zone file must not read the rest of the machine.
      if (!real.startsWith(root + path.sep)) return { error: `${name} is outside the zones directory ${root}: $INCLUDE reads only files inside it` };
      try {
        return { file: target, text: readFileSync(real, 'utf8') };
      } catch (e) {
        return { error: (e as Error).message };
      }
    },
  });
  return { definitions: read.definitions, diagnostics: read.diagnostics, includes: read.files.slice(1), read };
}

function realDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

/** What the included files add to a zone file's fingerprint: their mtimes and sizes. */
export function includedFingerprint(includes: readonly string[] | undefined): string {
  if (!includes || includes.length === 0) return '';
  return includes
    .map((f) => {
      try {
        const info = statSync(f);
        return `;${f}=${info.mtimeMs}:${info.size}`;
      } catch {
        return `;${f}=gone`;
      }
    })
    .join('');
}
