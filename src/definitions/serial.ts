// The serial a definition gives when nothing else is known: a load with no state (a first start,
// `check`) uses it. The server replaces it from the zone's history (server/serials.ts), so that
// a serial only grows whatever the file's modification time does.

/** `auto` and `dateserial` without history: the file's modification time in seconds (fits until 2106). */
export function autoSerial(mtimeMs: number): number {
  return Number.isFinite(mtimeMs) ? Math.max(0, Math.min(0xffffffff, Math.floor(mtimeMs / 1000))) : 0;
}

/** `dateserial` without history: YYYYMMDD00 of the file's modification day (UTC). */
export function dateSerial(mtimeMs: number): number {
  const d = new Date(Number.isFinite(mtimeMs) ? mtimeMs : 0);
  return (d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate()) * 100;
}
