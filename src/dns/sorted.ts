// Binary search in sorted string keys: the index of a small, immutable name table that many
// zones each hold, where a Map per zone would cost several times the memory.

/** The index of `key` in `keys` (sorted by code unit, as Array#sort does), or -1. */
export function sortedIndexOf(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const k = keys[mid]!;
    if (k === key) return mid;
    if (k < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
