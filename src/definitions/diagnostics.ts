// Problems found in definitions, as values: where (file:line:col and the key path) and what to do.

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
  readonly severity: Severity;
  /** Key path in the definition, e.g. `services.imaps[1].port`; empty for file-level problems. */
  readonly path: string;
  readonly message: string;
}

/** A place in a definition: everything a Diagnostic needs but the verdict. */
export type At = Pick<Diagnostic, 'file' | 'line' | 'col' | 'path'>;

/** `file:line:col: error: path.to.key: message` (the path part left out when there is none). */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.path ? d.path + ': ' : ''}${d.message}`;
}

export function error(at: At, message: string): Diagnostic {
  return { file: at.file, line: at.line, col: at.col, path: at.path, severity: 'error', message };
}

export function warning(at: At, message: string): Diagnostic {
  return { file: at.file, line: at.line, col: at.col, path: at.path, severity: 'warning', message };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** `line 12` within the same file, `other.yaml:12` across files: how messages point elsewhere. */
export function where(target: At, from: At): string {
  return target.file === from.file ? `line ${target.line}` : `${target.file}:${target.line}`;
}

/** Sorted by file, line, column (stable otherwise), with exact repeats dropped. */
export function tidy(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    const key = formatDiagnostic(d);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col));
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** The candidate closest to `word`, if it is close enough to be a plausible typo. */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = levenshtein(word.toLowerCase(), c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  // One edit per three letters (at least one): close enough to be a typo, not a different word.
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/** A diagnostic, and how many more were made at the same place (one per zone of a `zones:` list). */
export interface Collapsed {
  readonly diagnostic: Diagnostic;
  readonly repeats: number;
}

/**
 * One entry per place and severity: a definition that gives 300 zones gives 300 copies of its
 * problem, each naming its zone, and a person needs the first and the count.
 */
export function collapse(diagnostics: readonly Diagnostic[]): Collapsed[] {
  const byPlace = new Map<string, { diagnostic: Diagnostic; repeats: number }>();
  for (const d of diagnostics) {
    const key = `${d.file}\0${d.line}\0${d.col}\0${d.severity}\0${d.path}`;
    const seen = byPlace.get(key);
    if (seen) seen.repeats++;
    else byPlace.set(key, { diagnostic: d, repeats: 0 });
  }
  return [...byPlace.values()];
}

/** A collapsed diagnostic as one line: formatDiagnostic, and the count of its repeats. */
export function formatCollapsed(c: Collapsed): string {
  const more = c.repeats === 0 ? '' : ` (and the same in ${c.repeats} more ${c.repeats === 1 ? 'zone' : 'zones'})`;
  return formatDiagnostic(c.diagnostic) + more;
}
