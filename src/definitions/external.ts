// Domains a definition trusts outside the zones served here (`external:`, and the configuration's
// global list): targets in them are not warned about, so `check --strict` works for a hosted
// setup. A target outside both, one or two edits away from a zone served here, is a typo.

import { isAtOrBelow, isNameError, nameToText, parseName, type Name } from '../dns/name.js';
import type { At } from './diagnostics.js';
import type { FieldReader, Entry } from './fields.js';

/** The `external:` list of a definition (absolute domain names, IDNs allowed), with the global list after it. */
export function readExternal(r: FieldReader, e: Entry | undefined, global: readonly string[] = []): Name[] {
  const out: Name[] = [];
  const add = (text: string, at: At | undefined): void => {
    const n = parseName(text.endsWith('.') ? text : `${text}.`);
    if (isNameError(n)) {
      if (at) r.error(at, `${n.error}: list domains, e.g. external: [provider.example]`);
      return;
    }
    if (n.labelCount === 0) {
      if (at) r.error(at, `the root would trust every name: list the domains, e.g. external: [provider.example]`);
      return;
    }
    out.push(n);
  };
  if (e && !r.isMissing(e.node)) {
    for (const item of r.items(e.node, e.at)) {
      const w = r.text(item.node, item.at, 'a domain name, e.g. provider.example');
      if (w) add(w.text, w.at);
    }
  }
  for (const text of global) add(text, undefined);
  return out;
}

/** Whether `n` is at or below one of the trusted domains. */
export function isExternal(n: Name, external: readonly Name[] | undefined): boolean {
  return external !== undefined && external.some((d) => isAtOrBelow(n, d));
}

/**
 * Edit distance of `a` and `b` when it is at most `max`, else max + 1: a band of the usual
 * table, left as soon as every cell of a row is past `max` (most pairs end in a few letters).
 */
export function boundedDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      row.push(v);
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    prev = row;
  }
  return prev[b.length]!;
}

/** Edits allowed before two domains are taken as different names rather than a typo of one. */
function allowedEdits(text: string): number {
  const letters = text.length - 1; // the final dot
  return letters < 5 ? 0 : letters < 8 ? 1 : 2;
}

/**
 * The zones served here by origin, for "did you mean": grouped by label count, as text. A
 * build asks about each distinct outside target once (cached), whatever many zones name it.
 */
export class NearZones {
  readonly #byLabels = new Map<number, { text: string; origin: Name }[]>();
  readonly #asked = new Map<string, { suffix: string; zone: Name } | null>();

  constructor(origins: Iterable<Name>) {
    for (const origin of origins) {
      const list = this.#byLabels.get(origin.labelCount) ?? [];
      list.push({ text: nameToText(origin).toLowerCase(), origin });
      this.#byLabels.set(origin.labelCount, list);
    }
  }

  /** The zone served here that `target` (outside every zone served) looks like a typo of, if any. */
  near(target: Name): { suffix: string; zone: Name } | undefined {
    const known = this.#asked.get(target.key);
    if (known !== undefined) return known ?? undefined;
    const labels = nameToText(target).toLowerCase().split('.').slice(0, -1);
    let found: { suffix: string; zone: Name } | null = null;
    for (let k = 1; k <= labels.length && !found; k++) {
      const suffix = `${labels.slice(-k).join('.')}.`;
      const max = allowedEdits(suffix);
      if (max === 0) continue;
      for (const z of this.#byLabels.get(k) ?? []) {
        const d = boundedDistance(suffix, z.text, max);
        if (d > 0 && d <= max) {
          found = { suffix, zone: z.origin };
          break;
        }
      }
    }
    this.#asked.set(target.key, found);
    return found ?? undefined;
  }
}
