// Values that zones can share, made once per build. Zones of a per-domain layout name the same
// outside hosts and carry the same addresses and texts, and every zone's records are held as
// long as the zones are served: one object for each such value, not one per zone.

import { ipv4Bytes, ipv6Bytes, ipv6Text } from '../dns/ip.js';
import { ROOT, wireText, type Name } from '../dns/name.js';
import { formatRdata } from '../dns/presentation.js';
import type { RData } from '../dns/records.js';

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
    if (!rd) {
      if (family === 4) {
        rd = { kind: 'A', address: text, bytes: ipv4Bytes(text) };
      } else {
        const bytes = ipv6Bytes(text);
        rd = { kind: 'AAAA', address: ipv6Text(bytes), bytes };
      }
      this.#rdata.set(key, rd);
    }
    return rd;
  }

  /** Rdata that holds no name, by kind and presentation; anything else as it is. */
  rdata(rd: RData): RData {
    switch (rd.kind) {
      case 'A':
      case 'AAAA':
      case 'TXT':
      case 'CAA':
      case 'TLSA':
      case 'generic': {
        const key = `${rd.kind} ${formatRdata(rd)}`;
        const known = this.#rdata.get(key);
        if (known) return known;
        this.#rdata.set(key, rd);
        return rd;
      }
      default:
        return rd;
    }
  }
}
