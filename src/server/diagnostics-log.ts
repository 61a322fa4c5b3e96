// Definition problems as log lines: one per diagnostic, with file, line and column as fields.

import type { Logger } from 'pino';
import { formatDiagnostic, type Diagnostic } from '../definitions/index.js';

export function logDiagnostics(log: Logger, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    const fields = { file: d.file, line: d.line, col: d.col, key: d.path };
    if (d.severity === 'error') log.error(fields, formatDiagnostic(d));
    else log.warn(fields, formatDiagnostic(d));
  }
}
