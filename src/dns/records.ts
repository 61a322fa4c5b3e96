// Resource records and RRsets: the data a zone holds, typed per record type.

import type { Name } from './name.js';
import { RRType } from './types.js';

export type RData =
  | { readonly kind: 'A'; readonly address: string; readonly bytes: Buffer }
  | { readonly kind: 'AAAA'; readonly address: string; readonly bytes: Buffer }
  | { readonly kind: 'NS'; readonly target: Name }
  | { readonly kind: 'CNAME'; readonly target: Name }
  | { readonly kind: 'PTR'; readonly target: Name }
  | { readonly kind: 'MX'; readonly preference: number; readonly exchange: Name }
  | {
      readonly kind: 'SRV';
      readonly priority: number;
      readonly weight: number;
      readonly port: number;
      readonly target: Name;
    }
  | { readonly kind: 'TXT'; readonly strings: readonly Buffer[] }
  | {
      readonly kind: 'SOA';
      readonly mname: Name;
      readonly rname: Name;
      readonly serial: number;
      readonly refresh: number;
      readonly retry: number;
      readonly expire: number;
      readonly minimum: number;
    }
  | { readonly kind: 'CAA'; readonly flags: number; readonly tag: string; readonly value: Buffer }
  | {
      readonly kind: 'TLSA';
      readonly usage: number;
      readonly selector: number;
      readonly matchingType: number;
      readonly data: Buffer;
    }
  /** Any other type, kept as opaque bytes (RFC 3597). */
  | { readonly kind: 'generic'; readonly data: Buffer };

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
}

/** The type number an RData belongs to, for the kinds that fix it. */
export function kindType(rdata: RData): number | undefined {
  return rdata.kind === 'generic' ? undefined : RRType[rdata.kind];
}

/** The name an RData points at, for the types whose target must resolve to addresses. */
export function rdataTarget(rdata: RData): Name | undefined {
  switch (rdata.kind) {
    case 'NS':
    case 'CNAME':
    case 'PTR':
    case 'SRV':
      return rdata.target;
    case 'MX':
      return rdata.exchange;
    default:
      return undefined;
  }
}

export const MAX_TTL = 0x7fffffff; // RFC 2181 §8
