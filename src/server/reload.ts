// Reload: read the zones directory again, decide per zone what is served next, build the next
// snapshot aside and swap it in one step. A zone whose file now fails keeps its previous
// version in service (as Knot does); a zone whose file is gone is removed.

import type { Logger } from 'pino';
import type { ParseOptions, ZoneContent } from '../definitions/index.js';
import { nameToText } from '../dns/name.js';
import type { SnapshotHolder } from './holder.js';
import type { Dnssec } from './dnssec.js';
import { buildSnapshotSliced, type Snapshot, type ZoneInput } from './snapshot.js';
import { loadZones, type LoadedZones, type ParseCache } from './zonefiles.js';
import { logDiagnostics } from './diagnostics-log.js';

/** A zone as served, with the fingerprint of the file it came from. */
interface ServedZone {
  readonly content: ZoneContent;
  readonly fingerprint: string;
}

export interface ReloadSummary {
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  /** Zones whose new definition failed and that stay in service as they were. */
  readonly kept: number;
  /** Files with errors. */
  readonly rejectedFiles: number;
  readonly zones: number;
  readonly records: number;
  readonly parsedFiles: number;
  readonly ms: number;
}

export interface ReloaderOptions {
  /** How definitions are read (the configuration's http.host). */
  readonly parse?: ParseOptions;
  /** The snapshot's inputs from the zones in service (server/http/publish.ts adds the PACC digests). */
  readonly publish?: (zones: readonly ZoneContent[]) => readonly ZoneInput[];
  /** Signs the zones that say so: their keys are made ready before each snapshot is built. */
  readonly dnssec?: Dnssec;
}

export class ZoneReloader {
  private served = new Map<string, ServedZone>();
  private readonly cache: ParseCache = new Map();
  private running: Promise<ReloadSummary> | undefined;
  private again = false;
  /** Counts loads, so a republish that a reload overtook is not swapped in. */
  private generation = 0;

  constructor(
    private readonly zonesDir: string,
    private readonly cacheSize: number,
    /** The holder to swap into; undefined until the first load has made it. */
    private readonly holder: () => SnapshotHolder | undefined,
    private readonly log: Logger,
    private readonly options: ReloaderOptions = {},
  ) {}

  /** Names of the zones in service, for the start-up line. */
  servedNames(): string[] {
    return [...this.served.values()].map((z) => nameToText(z.content.origin));
  }

  /** First load, before the sockets exist: the caller makes the holder from the result. */
  async initial(): Promise<{ summary: ReloadSummary; snapshot: Awaited<ReturnType<typeof buildSnapshotSliced>> }> {
    return this.load();
  }

  /**
   * Reloads now, or once more after the reload under way: SIGHUPs arriving during a reload
   * are coalesced into one more.
   */
  request(): Promise<ReloadSummary> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        let summary: ReloadSummary;
        do {
          this.again = false;
          const { summary: s, snapshot } = await this.load();
          this.swap(snapshot);
          summary = s;
          this.log.info({ ...summary }, 'reloaded');
        } while (this.again);
        return summary;
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /**
   * A snapshot of the zones in service, built again without reading any file, and swapped in:
   * for what changes with time alone (an old PACC digest whose TTL has passed).
   */
  async republish(): Promise<void> {
    if (this.running) return; // the reload under way builds from the same zones, later
    const generation = this.generation;
    const snapshot = await buildSnapshotSliced(this.inputs([...this.served.values()].map((z) => z.content)), this.cacheSize, this.options.dnssec?.wrap);
    if (generation === this.generation && !this.running) this.swap(snapshot);
  }

  /** The one-step swap; then the signature stores follow the zones now served. */
  swap(snapshot: Snapshot): void {
    const holder = this.holder();
    if (holder) holder.current = snapshot;
    this.options.dnssec?.adopt(snapshot);
  }

  private inputs(zones: readonly ZoneContent[]): readonly ZoneInput[] {
    return this.options.publish ? this.options.publish(zones) : zones;
  }

  private async load() {
    const started = performance.now();
    this.generation++;
    const loaded: LoadedZones = await loadZones([this.zonesDir], this.cache, this.options.parse);
    logDiagnostics(this.log, loaded.diagnostics);
    const next = new Map<string, ServedZone>();
    let added = 0;
    let changed = 0;
    let kept = 0;
    for (const content of loaded.zones) {
      const fingerprint = loaded.fingerprints.get(content.file) ?? '';
      const before = this.served.get(content.origin.key);
      if (!before) added++;
      else if (before.fingerprint !== fingerprint || before.content.file !== content.file) changed++;
      next.set(content.origin.key, { content, fingerprint });
    }
    let removed = 0;
    for (const [key, before] of this.served) {
      if (next.has(key)) continue;
      // The file still exists but failed (syntax, validation, unreadable): keep the old zone.
      if (loaded.filesWithErrors.has(before.content.file) && loaded.files.has(before.content.file)) {
        next.set(key, before);
        kept++;
        this.log.warn({ zone: nameToText(before.content.origin), file: before.content.file }, 'definition rejected; previous version stays in service');
      } else {
        removed++;
      }
    }
    const inputs = this.inputs([...next.values()].map((z) => z.content));
    await this.options.dnssec?.prepare(inputs);
    const snapshot = await buildSnapshotSliced(inputs, this.cacheSize, this.options.dnssec?.wrap);
    this.served = next;
    const summary: ReloadSummary = {
      added,
      changed,
      removed,
      kept,
      rejectedFiles: loaded.filesWithErrors.size,
      zones: snapshot.zoneCount,
      records: snapshot.recordCount,
      parsedFiles: loaded.parsed,
      ms: Math.round(performance.now() - started),
    };
    return { summary, snapshot };
  }
}
