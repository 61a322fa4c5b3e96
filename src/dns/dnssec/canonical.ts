// Canonical DNS name order (RFC 4034 §6.1): labels compared from the root down, each as
// lowercased octets, a name sorting before its descendants. NSEC chains are in this order;
// the node index is not (it sorts wire keys, which start at the leftmost label).

/**
 * A string that sorts (by code unit, as `<` and Array#sort compare) exactly as the name with
 * key `nameKey` (lowercased wire form as latin1: Name.key) sorts canonically. Labels from the
 * root down, each octet as its value + 1 and a 0 after each label, so that a label sorts
 * before a longer one it begins and a name before its descendants.
 */
export function canonicalSortKey(nameKey: string): string {
  const starts: number[] = [];
  for (let at = 0; nameKey.charCodeAt(at) !== 0; at += nameKey.charCodeAt(at) + 1) starts.push(at);
  let out = '';
  for (let i = starts.length - 1; i >= 0; i--) {
    const at = starts[i]!;
    const len = nameKey.charCodeAt(at);
    for (let j = at + 1; j <= at + len; j++) out += String.fromCharCode(nameKey.charCodeAt(j) + 1);
    out += '\0';
  }
  return out;
}

/** Canonical order of two names by their keys: negative, zero or positive. */
export function compareCanonical(aKey: string, bKey: string): number {
  const a = canonicalSortKey(aKey);
  const b = canonicalSortKey(bKey);
  return a < b ? -1 : a > b ? 1 : 0;
}
