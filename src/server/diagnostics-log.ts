// Definition problems as log lines: one line per file, whatever the number of its zones, with
// its problems listed (the first FIRST of them; then how many more), at error when any is one.

import type { Logger } from 'pino';
import { collapse, formatCollapsed, type Diagnostic } from '../definitions/index.js';

/** Problems listed in full per file; `discodns check` lists them all. */
export const FIRST = 20;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The problems of each file, grouped: counts, and the first FIRST lines. */
export function byFile(diagnostics: readonly Diagnostic[]): { file: string; errors: number; warnings: number; lines: string[]; more: number }[] {
  const files = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    const list = files.get(d.file);
    if (list) list.push(d);
    else files.set(d.file, [d]);
  }
  return [...files].map(([file, list]) => {
    const errors = list.filter((d) => d.severity === 'error').length;
    // Errors first: they decide what is served.
    const collapsed = collapse(list).sort((a, b) => (a.diagnostic.severity === b.diagnostic.severity ? 0 : a.diagnostic.severity === 'error' ? -1 : 1));
    return { file, errors, warnings: list.length - errors, lines: collapsed.slice(0, FIRST).map(formatCollapsed), more: Math.max(0, collapsed.length - FIRST) };
  });
}

export function logDiagnostics(log: Logger, diagnostics: readonly Diagnostic[]): void {
  for (const f of byFile(diagnostics)) {
    const counts = [f.errors > 0 ? plural(f.errors, 'error') : '', f.warnings > 0 ? plural(f.warnings, 'warning') : ''].filter(Boolean).join(', ');
    const fields = { file: f.file, errors: f.errors, warnings: f.warnings, problems: f.more > 0 ? [...f.lines, `and ${f.more} more`] : f.lines };
    const msg = `${f.file}: ${counts}: ${f.lines[0] ?? ''}${f.lines.length > 1 || f.more > 0 ? ' …' : ''}`;
    if (f.errors > 0) log.error(fields, msg);
    else log.warn(fields, msg);
  }
}
