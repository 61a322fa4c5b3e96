// Resource records and RRsets: the data a zone holds. The data of each type is its codec's
// (rdata/); a record adds the owner, type and TTL.

import type { Name } from './name.js';
import type { RData } from './rdata/index.js';

export type { RData, RDataOf } from './rdata/index.js';
export { rdataTarget, rdataType } from './rdata/index.js';

export interface ResourceRecord {
  readonly owner: Name;
  readonly type: number;
  readonly ttl: number;
  readonly rdata: RData;
}

/** All records of one owner and type. One TTL for the set (RFC 2181 §5.2). */
export interface RRset {
  readonly owner: Name;
  readonly type: number;
  readonly ttl: number;
  readonly rdatas: readonly RData[];
  /**
   * Set on an RRset synthesized from a wildcard (RFC 4592): the wildcard's own RRset, owned by
   * `*.<closest encloser>`, whose signature it carries (RFC 4035 §3.1.3.3). Never in a zone.
   */
  readonly wildcard?: RRset;
}

export const MAX_TTL = 0x7fffffff; // RFC 2181 §8
