// TTLs as people write them: seconds, or units as BIND and Knot read them (`1h30m`, `2d`,
// `1w`), in every TTL field: `ttl:`, the `soa:` timers, `records:` lines and zone files.

import { MAX_TTL } from './records.js';

const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** `1h30m` and the like: number-unit pairs, each unit once at most, largest first or not. */
const WITH_UNITS = /^(?:[0-9]+[smhdwSMHDW])+$/;

/**
 * The seconds of a TTL written as a whole number or with units (s m h d w, any case, combined
 * as in `1h30m`); a message saying what is allowed otherwise. `max` is RFC 2181 §8's by default.
 */
export function parseTtl(text: string, max = MAX_TTL): number | { readonly error: string } {
  let seconds: number;
  if (/^[0-9]+$/.test(text)) {
    seconds = Number(text);
  } else if (WITH_UNITS.test(text)) {
    seconds = 0;
    for (const m of text.matchAll(/([0-9]+)([a-zA-Z])/g)) seconds += Number(m[1]) * UNIT[m[2]!.toLowerCase()]!;
  } else {
    return { error: `'${text}' is not a TTL: write seconds (3600) or with units s, m, h, d, w (1h, 1h30m, 2d)` };
  }
  if (seconds > max) return { error: `'${text}' is ${seconds} seconds, above the largest allowed, ${max}${max === MAX_TTL ? ' (RFC 2181 §8)' : ''}` };
  return seconds;
}

/** Whether a zone-file field is meant as a TTL: it starts with a digit (no type or class does). */
export function looksLikeTtl(text: string): boolean {
  const c = text.charCodeAt(0);
  return c >= 0x30 && c <= 0x39;
}
