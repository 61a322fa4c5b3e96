// The root logger: pino JSON to stdout (journald and log shippers read it); pretty on request.

import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, format: 'json' | 'pretty'): Logger {
  if (format === 'pretty') {
    return pino({ level, transport: { target: 'pino-pretty', options: { destination: 1, translateTime: 'SYS:standard' } } });
  }
  return pino({ level, base: { service: 'discodns' } });
}

/** For commands whose stdout is their output (export, ds): warnings and errors go to stderr. */
export function stderrLogger(level = 'warn'): Logger {
  return pino({ level, base: { service: 'discodns' } }, pino.destination(2));
}
