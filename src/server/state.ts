// The state directory: what must outlive a restart, as files a person can read.
//
//   last-good/NAME.yaml  the last version of each definition file that was accepted whole; a
//                        file rejected at start-up is served from here (reload.ts)
//   last-good/SHA256SUMS the digest of each copy, in sha256sum's format (`sha256sum -c` checks
//                        them): what is there without reading 10,000 copies, and a copy that
//                        does not match is reported and not used
//   serials              each zone's serial, content digest and (when serving adds to it) served
//                        digest, one line per zone (serials.ts)
//   control.sock         the control socket, unless placed elsewhere (control.ts)
//   README               what this is
// Kept free for the next steps: keys/ (DNSSEC), journal/ (IXFR history).
//
// Every file is written whole or not at all: a temporary file beside it, fsync, rename over the
// old one, fsync of the directory. A crash leaves the old version (and a temporary file, removed
// at the next start). Nothing here is ever fatal: a state that cannot be read is reported and
// rebuilt from the zone files; one that cannot be written is reported and the server runs on.

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { open, readdir, rename, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { SerialRecord } from './serials.js';

/** Marks a temporary file: `.NAME.tmp-PID`. */
const TEMP = /^\..+\.tmp-\d+$/;

const README = `This is discodns's state directory. discodns writes it; you may read it.

last-good/   the last accepted version of each zone definition file, and SHA256SUMS (check
             them with sha256sum -c). When a file is rejected at start-up (a syntax error, a
             bad value), its zones are served from this copy.
serials      each zone's SOA serial and a digest of its content (and of what serving adds:
             PACC digests, DNSSEC keys, signing epoch). A serial only grows: the same content
             keeps its serial, changed content gets a larger one.
control.sock the socket \`discodns ctl\` talks to (unless configured elsewhere).

Deleting this directory loses no zone data: the zone files are the source. It loses the
last-known-good copies (a broken file then serves nothing until fixed) and the serial history
(serials start again from the clock, which secondaries may see as going back).
`;

const SERIALS_HEADER = `# discodns: the serial served for each zone and a digest of the content it was served for.
# A zone whose content (or served-digest: PACC digests, DNSSEC keys, signing epoch) changes gets a larger serial.
# zone serial digest [served-digest]    (written by discodns)
`;

export interface Hooks {
  /** Called between the fsync of the temporary file and the rename (tests: a crash there). */
  readonly beforeRename?: () => void;
  /** Leave the fsync of the directory to the caller, who writes many files into it. */
  readonly noDirectorySync?: boolean;
}

/** Writes `data` to `target` whole or not at all (temporary file, fsync, rename, fsync of the directory). */
export async function writeFileAtomic(target: string, data: string, hooks: Hooks = {}): Promise<void> {
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.tmp-${process.pid}`);
  const file = await open(temp, 'w', 0o600);
  try {
    await file.writeFile(data);
    await file.sync();
  } catch (e) {
    await file.close();
    await unlink(temp).catch(() => undefined);
    throw e;
  }
  await file.close();
  hooks.beforeRename?.();
  try {
    await rename(temp, target);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
  if (!hooks.noDirectorySync) await syncDirectory(dir);
}

/** Makes a rename in `dir` durable. Some file systems refuse fsync on a directory: then nothing more can be done. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    /* EINVAL and the like: the rename itself is still atomic */
  }
}

/** Copies written between two updates of SHA256SUMS (a start with 10,000 files writes them all). */
const SUMS_EVERY = 1000;

/** Runs `work` over `items`, a few at a time (file system calls go to libuv's 4 threads). */
export async function inBatches<T>(items: readonly T[], work: (item: T) => Promise<void>, width = 4): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

export interface SerialsRead {
  readonly records: Map<string, SerialRecord>;
  /** Why some or all of the file could not be used; the server logs it and rewrites the file. */
  readonly problem?: string;
}

export class StateDir {
  private constructor(
    readonly dir: string,
    /** Why the directory cannot be written, when it cannot; the server runs on without it. */
    readonly unwritable: string | undefined,
  ) {}

  /** Opens (and creates, mode 0700) the directory, and removes temporary files a crash left. */
  static open(dir: string): StateDir {
    try {
      mkdirSync(path.join(dir, 'last-good'), { recursive: true, mode: 0o700 });
      for (const sub of [dir, path.join(dir, 'last-good')]) {
        for (const name of readdirSync(sub)) if (TEMP.test(name)) unlinkSync(path.join(sub, name));
      }
      const readme = path.join(dir, 'README');
      if (!existsSync(readme)) {
        // Written once, before anything else: a temporary file and a rename, as everything here.
        const temp = path.join(dir, `.README.tmp-${process.pid}`);
        writeFileSync(temp, README, { mode: 0o600 });
        renameSync(temp, readme);
      }
      return new StateDir(dir, undefined);
    } catch (e) {
      return new StateDir(dir, (e as Error).message);
    }
  }

  /** A state directory that is only read (check, export): created by nobody, written never. */
  static readOnly(dir: string): StateDir {
    return new StateDir(dir, 'read only');
  }

  get serialsPath(): string {
    return path.join(this.dir, 'serials');
  }

  /** The serials file; missing is an empty history, unreadable lines are reported and dropped. */
  readSerials(): SerialsRead {
    const records = new Map<string, SerialRecord>();
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.serialsPath);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records };
      return { records, problem: `${this.serialsPath}: ${(e as Error).message}` };
    }
    let bad = 0;
    let firstBad = 0;
    // The zones of a zones: list share their serial and digest: one record for each pair.
    const shared = new Map<string, SerialRecord>();
    // Read from bytes, so that each name is a string of its own, not a slice that keeps the
    // whole file's text alive as long as the name is.
    let at = 0;
    for (let line = 1; at < bytes.length; line++) {
      let end = bytes.indexOf(0x0a, at);
      if (end < 0) end = bytes.length;
      if (end > at && bytes[at] !== 0x23) {
        const space = bytes.indexOf(0x20, at);
        const pair = space > at && space < end ? bytes.toString('latin1', space + 1, end) : '';
        let r = shared.get(pair);
        if (!r) {
          const m = /^(\d{1,10}) ([0-9a-f]{16})(?: ([0-9a-f]{16}))?$/.exec(pair);
          if (m && Number(m[1]) <= 0xffffffff) shared.set(pair, (r = { serial: Number(m[1]), digest: m[2]!, ...(m[3] ? { served: m[3] } : {}) }));
        }
        if (r) records.set(bytes.toString('latin1', at, space), r);
        else if (bad++ === 0) firstBad = line;
      }
      at = end + 1;
    }
    if (bad === 0) return { records };
    return { records, problem: `${this.serialsPath}: ${bad} ${bad === 1 ? 'line' : 'lines'} could not be read (the first: line ${firstBad}); ${records.size} zones read; the rest get serials anew` };
  }

  /** Replaces the serials file with these records (zone names as text, lower case). */
  async writeSerials(records: ReadonlyMap<string, SerialRecord>): Promise<void> {
    const lines: string[] = [SERIALS_HEADER];
    for (const [zone, r] of records) lines.push(r.served ? `${zone} ${r.serial} ${r.digest} ${r.served}\n` : `${zone} ${r.serial} ${r.digest}\n`);
    await writeFileAtomic(this.serialsPath, lines.join(''));
  }

  /** Where the last-known-good copy of definition file `file` is. */
  lastGoodPath(file: string): string {
    return path.join(this.dir, 'last-good', path.basename(file));
  }

  get lastGoodDir(): string {
    return path.join(this.dir, 'last-good');
  }

  private get sumsPath(): string {
    return path.join(this.lastGoodDir, 'SHA256SUMS');
  }

  /** The digest of each last-known-good copy (by file name), as SHA256SUMS lists them. */
  readLastGoodSums(): Map<string, string> {
    const sums = new Map<string, string>();
    let text = '';
    try {
      text = readFileSync(this.sumsPath, 'utf8');
    } catch {
      return sums; // none yet, or unreadable: every copy is written again
    }
    for (const line of text.split('\n')) {
      const m = /^([0-9a-f]{64}) {2}(\S.*)$/.exec(line);
      if (m) sums.set(m[2]!, m[1]!);
    }
    return sums;
  }

  /**
   * Brings the copies to `wanted` (file name → [digest, text], or undefined to remove): each
   * written whole, the directory synced once, then SHA256SUMS. A copy written before a crash
   * that SHA256SUMS does not list yet is simply written again next time.
   */
  async updateLastGood(sums: Map<string, string>, changes: ReadonlyMap<string, { digest: string; text: string } | undefined>): Promise<void> {
    if (changes.size === 0) return;
    const entries = [...changes];
    for (let i = 0; i < entries.length; i += SUMS_EVERY) {
      const batch = entries.slice(i, i + SUMS_EVERY);
      await inBatches(batch, async ([name, copy]) => {
        if (copy) await writeFileAtomic(path.join(this.lastGoodDir, name), copy.text, { noDirectorySync: true });
        else await rm(path.join(this.lastGoodDir, name), { force: true });
      });
      await syncDirectory(this.lastGoodDir);
      for (const [name, copy] of batch) {
        if (copy) sums.set(name, copy.digest);
        else sums.delete(name);
      }
      const lines = [...sums].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([name, digest]) => `${digest}  ${name}\n`);
      await writeFileAtomic(this.sumsPath, lines.join(''));
    }
  }

  /** The names of the copies there are (SHA256SUMS and temporary files left out). */
  async lastGoodNames(): Promise<string[]> {
    return (await readdir(this.lastGoodDir).catch(() => [] as string[])).filter((n) => /\.ya?ml$/i.test(n) && !n.startsWith('.'));
  }

  hasLastGood(file: string): boolean {
    return existsSync(this.lastGoodPath(file));
  }
}
