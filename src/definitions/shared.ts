// Values that zones can share, made once per build. Zones of a per-domain layout name the same
// outside hosts and carry the same addresses and texts, and every zone's records are held as
// long as the zones are served: one object for each such value, not one per zone.

import { ROOT, wireText, type Name } from '../dns/name.js';
import { addressData } from '../dns/rdata/address.js';
import { rdataKey, rdataNames, type RData } from '../dns/rdata/index.js';

/** A service published as not offered: `0 0 0 .` (RFC 2782). */
export const NOT_OFFERED: RData = Object.freeze({ kind: 'SRV', priority: 0, weight: 0, port: 0, target: ROOT });

export class Shared {
  readonly #names = new Map<string, Name>();
  readonly #rdata = new Map<string, RData>();
  readonly #paths = new Map<string, string>();

  /** The first path string equal to `path`: files of one layout write the same key paths. */
  path(path: string): string {
    const known = this.#paths.get(path);
    if (known !== undefined) return known;
    this.#paths.set(path, path);
    return path;
  }

  /** The first name seen with the same wire form (letter case included). */
  name(n: Name): Name {
    const key = wireText(n);
    const known = this.#names.get(key);
    if (known) return known;
    this.#names.set(key, n);
    return n;
  }

  /** The A or AAAA rdata of an address, as written (already checked to be one). */
  address(text: string, family: 4 | 6): RData {
    const key = `${family} ${text}`;
    let rd = this.#rdata.get(key);
    if (!rd) this.#rdata.set(key, (rd = addressData(text, family)));
    return rd;
  }

  /** Rdata that holds no name, one object per value; anything else as it is. */
  rdata(rd: RData): RData {
    if (rdataNames(rd).length > 0) return rd;
    const key = rdataKey(rd);
    const known = this.#rdata.get(key);
    if (known) return known;
    this.#rdata.set(key, rd);
    return rd;
  }
}
