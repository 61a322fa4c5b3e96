// Loading and reloading: read the zones directory, decide per zone what is served next, build the
// next snapshot aside and swap it in one step. Nothing that was served is lost to a mistake:
//   - a zone whose definition is rejected now keeps the version served before (as Knot does);
//     at start-up, "before" is the last-known-good copy of its file in the state directory, so
//     a restart serves what the reload before it served;
//   - a zones directory that cannot be listed changes nothing: the reload has failed;
//   - only a file that is really gone (the directory listed, the file not in it), or a zone no
//     longer named in a file that is read without errors, removes zones.
// Each zone's serial comes from its history (serials.ts); the state is written after the swap.

import path from 'node:path';
import type { Logger } from 'pino';
import { formatCollapsed, collapse, type Diagnostic, type ParseOptions, type ZoneContent } from '../definitions/index.js';
import { nameToText, type Name } from '../dns/name.js';
import type { Dnssec } from './dnssec.js';
import { logDiagnostics } from './diagnostics-log.js';
import type { SnapshotHolder } from './holder.js';
import { chooseSerial, contentDigest, serialAfter, servedDigest, zoneKey, type SerialRecord } from './serials.js';
import { buildSnapshotSliced, type Snapshot, type ZoneInput } from './snapshot.js';
import { inBatches, type StateDir } from './state.js';
import { loadZones, sha256, type LoadedZones, type ParseCache } from './zonefiles.js';
import { readFile } from 'node:fs/promises';

/** A zone as served. */
export interface ServedZone {
  /** Its content, with the serial it is served with. */
  readonly content: ZoneContent;
  /** The definition file it belongs to (for a last-known-good zone, the file in the zones directory). */
  readonly file: string;
  /** Served from a version its file no longer gives: kept at a reload, or its last-known-good copy at start-up. */
  readonly lastKnownGood: boolean;
  readonly digest: string;
}

/** ok: everything accepted; partial: something rejected (its zones keep their previous version); failed: nothing changed. */
export type ReloadOutcome = 'ok' | 'partial' | 'failed';

/** Names listed by a summary; the counts are always whole. */
const LISTED = 50;

export interface ReloadSummary {
  readonly outcome: ReloadOutcome;
  /** Why the reload failed (outcome failed): nothing was changed. */
  readonly failure?: string;
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  /** The first LISTED names of each. */
  readonly addedZones: readonly string[];
  readonly changedZones: readonly string[];
  readonly removedZones: readonly string[];
  /** Zones whose definition is rejected now: kept on their previous version, or not served. */
  readonly rejected: number;
  readonly rejectedZones: readonly string[];
  /** Of those, the zones that stay in service on their previous version. */
  readonly kept: number;
  /** Zones served from a version their file no longer gives (kept now or before). */
  readonly lastKnownGood: number;
  /** Files with errors. */
  readonly rejectedFiles: number;
  /** Every problem found, one line each, repeats at one place counted (formatCollapsed). */
  readonly problems: readonly string[];
  readonly errors: number;
  readonly warnings: number;
  readonly zones: number;
  /** Records served (not known for `check`, which builds nothing). */
  readonly records?: number;
  readonly parsedFiles: number;
  readonly ms: number;
  /** When it finished (ms since the epoch). */
  readonly at: number;
}

export interface ReloaderOptions {
  /** How definitions are read (the configuration's http.host). */
  readonly parse?: ParseOptions;
  /** The snapshot's inputs from the zones in service (server/http/publish.ts adds the PACC digests). */
  readonly publish?: (zones: readonly ZoneContent[]) => readonly ZoneInput[];
  /** Start with no zone at all rather than refuse to (serve --allow-empty). */
  readonly allowEmpty?: boolean;
  /** Called after each swap, with the snapshot replaced and the one now in service. */
  readonly onSwap?: (before: Snapshot, after: Snapshot) => void;
  /** Signs the zones that say so: their keys are made ready before each snapshot is built. */
  readonly dnssec?: Dnssec;
}

/** The files a load read: what the last-known-good copies are written from. */
interface Files {
  readonly files: ReadonlySet<string>;
  readonly textDigests: ReadonlyMap<string, string>;
  /** The zones directory could not be listed: nothing is known of what is gone. */
  readonly unlisted: boolean;
}

function filesOf(loaded: LoadedZones): Files {
  return { files: loaded.files, textDigests: loaded.textDigests, unlisted: loaded.unlisted.length > 0 };
}

/** What a load decided, before it is applied. */
interface Plan {
  readonly next: Map<string, ServedZone>;
  readonly summary: Omit<ReloadSummary, 'zones' | 'records' | 'ms' | 'at'>;
  /** What the state writes need of the load (not the load itself: its zones are garbage once applied). */
  readonly files: Files;
  /** Serial records that change. */
  readonly serials: Overlay;
  /** Files whose last-known-good copy becomes this version. */
  readonly accepted: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}


/** Why start-up cannot go on (serve exits non-zero with this). */
export class StartError extends Error {}

export class ZoneReloader {
  private served = new Map<string, ServedZone>();
  private readonly cache: ParseCache = new Map();
  private readonly reloads = new Coalesced(() => this.reloadOnce());
  // One republish at a time (the PACC timer and the rollover timer both ask): two built from
  // the same zones could each choose a serial, and the later swap serve the smaller.
  private readonly republishes = new Coalesced(() => this.republishOnce());
  /** Counts loads, so a republish that a reload overtook is not swapped in. */
  private generation = 0;
  private serials = new Map<string, SerialRecord>();
  private serialsDirty = false;
  /** SHA256SUMS of the last-known-good copies, read at the first write. */
  private lastGood: Map<string, string> | undefined;
  /** State writes, one after another. */
  private writing: Promise<void> = Promise.resolve();
  private lastSummary: ReloadSummary | undefined;

  constructor(
    private readonly zonesDir: string,
    private readonly cacheSize: number,
    /** The holder to swap into; undefined until the first load has made it. */
    private readonly holder: () => SnapshotHolder | undefined,
    private readonly log: Logger,
    private readonly state: StateDir,
    private readonly options: ReloaderOptions = {},
  ) {
    const read = state.readSerials();
    this.serials = read.records;
    if (read.problem) {
      this.log.warn({ state: state.dir }, `state: ${read.problem}`);
      this.serialsDirty = true; // rewritten whole at the first load
    }
  }

  /** The zones in service. */
  zones(): ReadonlyMap<string, ServedZone> {
    return this.served;
  }

  /** The last load's outcome (start-up included). */
  last(): ReloadSummary | undefined {
    return this.lastSummary;
  }

  /** Names of the zones in service, for the start-up line. */
  servedNames(): string[] {
    return [...this.served.values()].map((z) => nameToText(z.content.origin));
  }

  /**
   * First load, before the sockets exist: the caller makes the holder from the result. A zone
   * rejected now is served from its file's last-known-good copy. Throws StartError when there
   * is nothing to serve (unless allowEmpty).
   */
  async initial(): Promise<{ summary: ReloadSummary; snapshot: Snapshot }> {
    const started = performance.now();
    const loaded = await loadZones([this.zonesDir], this.cache, { parse: this.options.parse });
    const unlisted = loaded.unlisted[0];
    if (unlisted && !this.options.allowEmpty) {
      throw new StartError(`zones directory ${this.zonesDir}: ${unlisted.error}; nothing to serve (give --zones DIR, or --allow-empty to start with no zones)`);
    }
    this.served = await this.lastKnownGood(loaded);
    const plan = this.plan(loaded, true);
    logDiagnostics(this.log, plan.diagnostics);
    for (const [file, zones] of onLastGood(plan.next)) {
      const first = plan.diagnostics.find((d) => d.file === file && d.severity === 'error');
      const where = first ? `${file}:${first.line}: ${first.message}` : `${file}: rejected`;
      this.log.error(
        { file, zones: zones.length, lastGood: this.state.lastGoodPath(file), line: first?.line },
        `${where}; its ${zones.length === 1 ? 'zone is' : `${zones.length} zones are`} served from its last-known-good copy ${this.state.lastGoodPath(file)} until it is fixed`,
      );
    }
    if (plan.next.size === 0 && !this.options.allowEmpty) {
      const files = loaded.files.size;
      const why = unlisted
        ? `zones directory ${this.zonesDir}: ${unlisted.error}`
        : files === 0
          ? `no definition files (*.yaml, *.yml) in ${this.zonesDir}`
          : `${files === 1 ? 'the one definition file is' : `all ${files} definition files are`} rejected (see the errors above), with no last-known-good copy in ${this.state.lastGoodDir}`;
      throw new StartError(`no zone to serve: ${why}; fix that, or start with --allow-empty to serve none`);
    }
    const snapshot = await this.apply(plan);
    const summary = this.finish(plan, snapshot, started);
    return { summary, snapshot };
  }

  /**
   * Reloads now, or once more after the reload under way: requests arriving during a reload
   * are coalesced into one more, and every caller gets the outcome of a load that started
   * after its request.
   */
  request(): Promise<ReloadSummary> {
    return this.reloads.run();
  }

  /**
   * A snapshot of the zones in service, built again without reading any file, and swapped in:
   * for what changes with time alone (an old PACC digest whose TTL has passed, a signing epoch
   * or key rollover step). A zone served differently gets a new serial, as at a reload, so
   * that secondaries are told (NOTIFY) and fetch it.
   */
  republish(): Promise<void> {
    return this.republishes.run();
  }

  private async republishOnce(): Promise<void> {
    if (this.reloads.busy) return; // the reload under way builds from the same zones, later
    const generation = this.generation;
    const next = new Map(this.served);
    const serials = new Overlay(this.serials);
    const inputs = this.servedInputs(next, serials, this.inputs([...next.values()].map((z) => z.content)));
    const snapshot = await buildSnapshotSliced(inputs, this.cacheSize, this.options.dnssec?.wrap);
    const holder = this.holder();
    if (!holder || generation !== this.generation || this.reloads.busy) return;
    this.served = next;
    if (serials.apply()) this.serialsDirty = true;
    this.swap(holder, snapshot);
    this.writeState();
  }

  /**
   * The snapshot's inputs for the zones of `next`. What serving adds to a zone's content (the
   * PACC digests published, its DNSSEC keys and signing epoch) is part of what its serial
   * stands for: when that changes while the serial does not, the serial moves on (through the
   * state, so it only grows), for secondaries see a change only by its serial (RFC 1996 §1).
   * `inputs` are those of `next` as it is; the inputs are made again only if a serial moved.
   */
  private servedInputs(next: Map<string, ServedZone>, serials: Overlay, inputs: readonly ZoneInput[]): readonly ZoneInput[] {
    const nowMs = Date.now();
    let moved = 0;
    const fixed = new Names();
    for (const input of inputs) {
      const served = next.get(input.origin.key);
      if (!served) continue; // the catalog zone: its serial follows its membership (catalog-zone.ts)
      const key = zoneKey(input.origin);
      const identity = servedDigest(this.identityOf(input));
      const known = serials.get(key);
      if ((known?.served ?? '') === identity) continue;
      const content = served.content;
      // A serial new in this plan (or a zone never served) carries the change already.
      const sameSerial = serials.original(key)?.serial === content.serial;
      if (!sameSerial || content.serialPolicy === 'fixed') {
        if (sameSerial && known?.served !== undefined) fixed.add(input.origin);
        serials.set(key, record(content.serial, served.digest, identity));
        continue;
      }
      const serial = serialAfter(content.serialPolicy, content.serial, nowMs);
      next.set(input.origin.key, { ...served, content: content.withSerial(serial) });
      serials.set(key, record(serial, served.digest, identity));
      moved++;
    }
    if (fixed.count > 0) {
      // One line for all of them: a `zones:` list with a fixed serial would otherwise log one per zone each epoch.
      this.log.warn(
        { zones: fixed.count, first: fixed.names },
        `${fixed.count === 1 ? `zone ${fixed.names[0]}` : `${fixed.count} zones (${fixed.names.slice(0, 5).join(', ')}${fixed.count > 5 ? ', …' : ''})`} served differently (PACC digest, DNSSEC keys or re-signing) with a fixed serial: secondaries keep the old version, and a signed zone's signatures expire there; write serial: auto (or raise the serial)`,
      );
    }
    if (moved === 0) return inputs;
    this.log.info({ zones: moved }, 'new serials for zones served differently (PACC digest, DNSSEC keys or signing epoch)');
    return this.inputs([...next.values()].map((z) => z.content));
  }

  /** What serving adds to a zone's content, as text: the PACC digests published, the DNSSEC signing identity. */
  private identityOf(input: ZoneInput): string {
    const digests = input.autoconfigZone?.digests;
    const signing = this.options.dnssec?.servedIdentity(input) ?? '';
    return digests?.length ? `pacc ${digests.join(' ')}${signing ? `\n${signing}` : ''}` : signing;
  }

  /** The one-step swap; then the signature stores follow the zones now served, and onSwap. */
  private swap(holder: SnapshotHolder, snapshot: Snapshot): void {
    const before = holder.current;
    holder.current = snapshot;
    this.options.dnssec?.adopt(snapshot);
    this.options.onSwap?.(before, snapshot);
  }

  private inputs(zones: readonly ZoneContent[]): readonly ZoneInput[] {
    return this.options.publish ? this.options.publish(zones) : zones;
  }

  /** What a reload would do now, without doing it (`discodns ctl check`). */
  async check(): Promise<ReloadSummary> {
    const started = performance.now();
    const loaded = await loadZones([this.zonesDir], this.cache, { parse: this.options.parse });
    const plan = this.plan(loaded, false);
    return { ...plan.summary, zones: plan.next.size, ms: Math.round(performance.now() - started), at: Date.now() };
  }

  /** Waits for the state writes under way (tests, and a clean stop). */
  async settled(): Promise<void> {
    await this.writing;
  }

  private async reloadOnce(): Promise<ReloadSummary> {
    const started = performance.now();
    const loaded = await loadZones([this.zonesDir], this.cache, { parse: this.options.parse });
    const plan = this.plan(loaded, false);
    logDiagnostics(this.log, plan.diagnostics);
    if (plan.summary.outcome === 'failed') {
      const current = this.holder()?.current;
      const summary: ReloadSummary = { ...plan.summary, zones: this.served.size, records: current?.recordCount ?? 0, ms: Math.round(performance.now() - started), at: Date.now() };
      this.log.error({ ...logged(summary) }, `reload failed: ${summary.failure}; every zone stays as it was`);
      this.lastSummary = summary;
      return summary;
    }
    const snapshot = await this.apply(plan);
    const holder = this.holder();
    if (holder) this.swap(holder, snapshot); // the one-step swap
    const summary = this.finish(plan, snapshot, started);
    // Answered from the new snapshot already; the caller (ctl reload) learns the outcome once
    // the state holds it, so that a restart right after serves the same.
    await this.writing;
    const line = `reloaded: ${summary.added} added, ${summary.changed} changed, ${summary.removed} removed, ${summary.rejected} rejected (${summary.kept} kept on their previous version); ${summary.zones} zones`;
    if (summary.outcome === 'ok') this.log.info(logged(summary), line);
    else this.log.warn(logged(summary), line);
    return summary;
  }

  /** The zones of the last-known-good copies of the files rejected now (start-up only). */
  private async lastKnownGood(loaded: LoadedZones): Promise<Map<string, ServedZone>> {
    const out = new Map<string, ServedZone>();
    const rejected = new Set([...loaded.filesWithErrors, ...loaded.failedIn.values()]);
    const sums = this.state.readLastGoodSums();
    const copies: string[] = [];
    for (const f of rejected) {
      if (!loaded.files.has(f) || !this.state.hasLastGood(f)) continue;
      const copy = this.state.lastGoodPath(f);
      const listed = sums.get(path.basename(f));
      const text = await readFile(copy, 'utf8').catch(() => undefined);
      // A copy SHA256SUMS does not list yet was written whole before a crash: good to use.
      if (text === undefined || (listed !== undefined && sha256(text) !== listed)) {
        this.log.warn({ file: copy }, `state: the last-known-good copy ${copy} ${text === undefined ? 'cannot be read' : 'does not match its digest in SHA256SUMS (changed or damaged)'}; not used`);
        continue;
      }
      copies.push(f);
    }
    if (copies.length === 0) return out;
    const byCopy = new Map(copies.map((f) => [this.state.lastGoodPath(f), f]));
    // Built apart from the current files (whose versions of these zones are rejected); an
    // extends: in a copy reads the base as it was accepted.
    const good = await loadZones([...byCopy.keys()], new Map(), { basesFirstIn: this.state.lastGoodDir, parse: this.options.parse });
    const copyErrors = good.diagnostics.filter((d) => d.severity === 'error');
    for (const copy of new Set(copyErrors.map((d) => d.file))) {
      this.log.warn({ file: copy }, `state: the last-known-good copy ${copy} has errors itself (${formatCollapsed(collapse(copyErrors.filter((d) => d.file === copy))[0]!)}); its zones with errors are not served from it`);
    }
    for (const content of good.zones) {
      const file = byCopy.get(content.file) ?? content.file;
      const before = this.serials.get(zoneKey(content.origin));
      const digest = contentDigest(content);
      const serial = before ? before.serial : content.serial;
      out.set(content.origin.key, { content: content.withSerial(serial), file, lastKnownGood: true, digest });
    }
    return out;
  }

  /** Decides per zone what is served next, from this load and what is served now. */
  private plan(loaded: LoadedZones, startUp: boolean): Plan {
    const diagnostics: Diagnostic[] = [...loaded.diagnostics];
    // Only what changes: the history itself is applied to when the plan is.
    const history = this.serials;
    const serials = new Overlay(history);
    const unlisted = loaded.unlisted[0];
    if (unlisted && !startUp) {
      const summary = { ...emptyCounts(), outcome: 'failed' as const, failure: `zones directory ${unlisted.target}: ${unlisted.error}`, lastKnownGood: count(this.served), problems: [], errors: 1, warnings: 0, rejectedFiles: 1, parsedFiles: 0 };
      return { next: this.served, summary, files: filesOf(loaded), serials, accepted: [], diagnostics };
    }
    const now = Date.now();
    const next = new Map<string, ServedZone>();
    const rejectedKeys = new Map<string, string>(loaded.failedIn);
    const rejectedNames = new Map(loaded.failed.map((n) => [n.key, n]));
    const added = new Names();
    const changed = new Names();
    for (const fresh of loaded.zones) {
      const key = zoneKey(fresh.origin);
      const digest = contentDigest(fresh);
      const before = serials.get(key);
      const choice = chooseSerial(fresh, digest, before, now);
      if (choice.problem) diagnostics.push(choice.problem);
      if (choice.problem?.severity === 'error') {
        rejectedKeys.set(fresh.origin.key, fresh.file);
        rejectedNames.set(fresh.origin.key, fresh.origin);
        continue;
      }
      const content = fresh.withSerial(choice.serial);
      const served = this.served.get(fresh.origin.key);
      if (!served) added.add(fresh.origin);
      else if (served.content !== content) changed.add(fresh.origin);
      // The same object for a zone unchanged: a reload of 100,000 zones makes none anew.
      next.set(fresh.origin.key, served?.content === content && !served.lastKnownGood ? served : { content, file: fresh.file, lastKnownGood: false, digest });
      if (before?.serial !== choice.serial || before.digest !== digest) serials.set(key, record(choice.serial, digest));
    }
    const removed = new Names();
    const rejected = new Names();
    let kept = 0;
    for (const [key, before] of this.served) {
      if (next.has(key)) continue;
      // Rejected now (defined, with errors), or its file exists but could not be read or parsed
      // far enough to name its zones: the previous version stays.
      const stays = rejectedKeys.has(key) || (loaded.files.has(before.file) && loaded.filesWithErrors.has(before.file));
      if (stays) {
        next.set(key, before.lastKnownGood ? before : { ...before, lastKnownGood: true });
        kept++;
        rejected.add(before.content.origin);
      } else if (!startUp) {
        removed.add(before.content.origin);
      }
    }
    for (const key of rejectedKeys.keys()) {
      const origin = rejectedNames.get(key);
      if (!this.served.has(key) && origin) rejected.add(origin);
    }
    // At start-up everything served is new, last-known-good copies included.
    if (startUp) {
      added.clear();
      for (const z of next.values()) added.add(z.content.origin);
    }
    const rejectedFiles = new Set([...loaded.filesWithErrors, ...rejectedKeys.values()]);
    // A file's version becomes its last-known-good copy when no zone of it is kept on an older
    // one, and it gives zones (or has no error at all): a list with one bad entry is the
    // version served for all its other zones, and must be what a restart serves.
    const servedFrom = new Set<string>();
    const keptFrom = new Set<string>();
    for (const z of next.values()) (z.lastKnownGood ? keptFrom : servedFrom).add(z.file);
    const accepted = [...loaded.files].filter((f) => !keptFrom.has(f) && (servedFrom.has(f) || !rejectedFiles.has(f)));
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    const summary = {
      outcome: (rejected.count > 0 || errors > 0 ? 'partial' : 'ok') as ReloadOutcome,
      added: added.count,
      changed: startUp ? 0 : changed.count,
      removed: removed.count,
      addedZones: added.names,
      changedZones: startUp ? [] : changed.names,
      removedZones: removed.names,
      rejected: rejected.count,
      rejectedZones: rejected.names,
      kept,
      lastKnownGood: count(next),
      rejectedFiles: rejectedFiles.size,
      problems: collapse(diagnostics).map(formatCollapsed),
      errors,
      warnings: diagnostics.length - errors,
      parsedFiles: loaded.parsed,
    };
    return { next, summary, files: filesOf(loaded), serials, accepted, diagnostics };
  }

  /** Builds the snapshot of the plan and makes it what is served. */
  private async apply(plan: Plan): Promise<Snapshot> {
    this.generation++;
    // The key sets of the signed zones are read (or made) before the snapshot wraps them, and
    // before the serials that follow their keys are decided.
    const first = this.inputs([...plan.next.values()].map((z) => z.content));
    await this.options.dnssec?.prepare(first);
    const inputs = this.servedInputs(plan.next, plan.serials, first);
    const snapshot = await buildSnapshotSliced(inputs, this.cacheSize, this.options.dnssec?.wrap);
    this.served = plan.next;
    if (plan.serials.apply()) this.serialsDirty = true;
    return snapshot;
  }

  /** The summary of an applied plan, and the state written after it (in the background). */
  private finish(plan: Plan, snapshot: Snapshot, started: number): ReloadSummary {
    const summary: ReloadSummary = { ...plan.summary, zones: snapshot.zoneCount, records: snapshot.recordCount, ms: Math.round(performance.now() - started), at: Date.now() };
    this.lastSummary = summary;
    this.writeState(plan.files, plan.accepted);
    return summary;
  }

  /** Serials, then last-known-good copies of the files accepted whole, then copies of files gone (after a load). */
  private writeState(loaded?: Files, accepted: readonly string[] = []): void {
    if (this.state.unwritable) return;
    const serials = this.serialsDirty ? this.serials : undefined;
    this.serialsDirty = false;
    this.writing = this.writing.then(async () => {
      try {
        if (serials) await this.state.writeSerials(serials);
        if (loaded) await this.writeLastGood(loaded, accepted);
      } catch (e) {
        this.log.warn({ state: this.state.dir, err: (e as Error).message }, `state: cannot write ${this.state.dir}: ${(e as Error).message}; a restart may serve older versions`);
        if (serials) this.serialsDirty = true;
      }
    });
  }

  private async writeLastGood(loaded: Files, accepted: readonly string[]): Promise<void> {
    this.lastGood ??= this.state.readLastGoodSums();
    const sums = this.lastGood;
    const changes = new Map<string, { digest: string; text: string } | undefined>();
    await inBatches(accepted, async (file) => {
      const digest = loaded.textDigests.get(file);
      if (digest === undefined || sums.get(path.basename(file)) === digest) return;
      // The text parsed is not kept; read again, and only if it is still that text.
      const text = await readFile(file, 'utf8').catch(() => undefined);
      if (text !== undefined && sha256(text) === digest) changes.set(path.basename(file), { digest, text });
    });
    if (!loaded.unlisted) {
      // Copies of files that are gone: their zones are removed, and must not come back at a restart.
      const present = new Set([...loaded.files].map((f) => path.basename(f)));
      for (const name of await this.state.lastGoodNames()) if (!present.has(name)) changes.set(name, undefined);
    }
    await this.state.updateLastGood(sums, changes);
  }
}

/** How many zones, and the names of the first LISTED. */
class Names {
  count = 0;
  readonly names: string[] = [];
  add(origin: Name): void {
    if (this.count++ < LISTED) this.names.push(nameToText(origin));
  }
  clear(): void {
    this.count = 0;
    this.names.length = 0;
  }
}

/** Serial records: the history, and the changes a plan would make to it (applied with the plan). */
/**
 * Runs `once` now, or once more after the run under way: calls arriving during a run are
 * coalesced into one more, and every caller gets the outcome of a run that started after its call.
 */
class Coalesced<T> {
  private current: Promise<T> | undefined;
  private again = false;

  constructor(private readonly once: () => Promise<T>) {}

  get busy(): boolean {
    return this.current !== undefined;
  }

  run(): Promise<T> {
    if (this.current) {
      this.again = true;
      return this.current;
    }
    this.current = (async () => {
      try {
        let outcome: T;
        do {
          this.again = false;
          outcome = await this.once();
        } while (this.again);
        return outcome;
      } finally {
        this.current = undefined;
      }
    })();
    return this.current;
  }
}

class Overlay {
  private readonly changes = new Map<string, SerialRecord>();
  constructor(private readonly history: Map<string, SerialRecord>) {}
  get(key: string): SerialRecord | undefined {
    return this.changes.get(key) ?? this.history.get(key);
  }
  /** The record as the history holds it, before these changes. */
  original(key: string): SerialRecord | undefined {
    return this.history.get(key);
  }
  set(key: string, r: SerialRecord): void {
    this.changes.set(key, r);
  }
  /** Writes the changes into the history; whether there were any. */
  apply(): boolean {
    for (const [k, r] of this.changes) this.history.set(k, r);
    return this.changes.size > 0;
  }
}

/**
 * One record object for each serial and digest: the zones of a `zones:` list share both, and
 * 100,000 of them need not hold 100,000 equal records.
 */
const records = new Map<string, SerialRecord>();
function record(serial: number, digest: string, served = ''): SerialRecord {
  const key = `${serial} ${digest} ${served}`;
  let r = records.get(key);
  if (!r) {
    if (records.size > 10_000) records.clear();
    records.set(key, (r = served ? { serial, digest, served } : { serial, digest }));
  }
  return r;
}

/** The summary of a reload that changed nothing, and why. */
export function failedReload(failure: string, now: { zones: number; records: number; lastKnownGood: number }): ReloadSummary {
  return { ...emptyCounts(), outcome: 'failed', failure, problems: [], errors: 0, warnings: 0, rejectedFiles: 0, parsedFiles: 0, ms: 0, at: Date.now(), ...now };
}

function emptyCounts() {
  return { added: 0, changed: 0, removed: 0, addedZones: [], changedZones: [], removedZones: [], rejected: 0, rejectedZones: [], kept: 0 };
}

function count(zones: ReadonlyMap<string, ServedZone>): number {
  let n = 0;
  for (const z of zones.values()) if (z.lastKnownGood) n++;
  return n;
}

/** The files whose zones are served from a last-known-good version, with those zones. */
function onLastGood(zones: ReadonlyMap<string, ServedZone>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const z of zones.values()) {
    if (!z.lastKnownGood) continue;
    const list = out.get(z.file) ?? [];
    list.push(nameToText(z.content.origin));
    out.set(z.file, list);
  }
  return out;
}

/** The summary's fields for the one log line of a reload (the name lists left out). */
function logged(s: ReloadSummary): Record<string, unknown> {
  const { addedZones: _a, changedZones: _c, removedZones: _r, rejectedZones: _j, problems: _p, ...counts } = s;
  return counts;
}
