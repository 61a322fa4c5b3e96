// `serial: auto`: the definition file's modification time in seconds. It changes whenever the
// file is saved and never goes back, and fits SOA's 32 bits until 2106.

export function autoSerial(mtimeMs: number): number {
  return Number.isFinite(mtimeMs) ? Math.max(0, Math.min(0xffffffff, Math.floor(mtimeMs / 1000))) : 0;
}
