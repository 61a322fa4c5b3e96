// What a definition file holds once read: the YAML's content as typed values, each with the place
// it was written. Names stay text here because a relative name means something different in
// each zone of a `zones:` list; expand.ts resolves them per zone.

import type { Name } from '../dns/name.js';
import type { AutoconfigSpec } from './autoconfig.js';
import type { ReplicationSpec } from './replication.js';
import type { At } from './diagnostics.js';
import type { ServiceInfo } from './services.js';

export const TOP_KEYS = ['zone', 'zones', 'extends', 'ttl', 'nameservers', 'soa', 'hosts', 'mx', 'services', 'aliases', 'records', 'autoconfig', 'external', 'dnssec', 'denial', 'transfer', 'notify', 'group'] as const;
export const SOA_KEYS = ['contact', 'serial', 'refresh', 'retry', 'expire', 'negative-ttl', 'primary', 'ttl'] as const;
export const MX_KEYS = ['host', 'preference'] as const;
export const TARGET_KEYS = ['host', 'port', 'priority', 'weight', 'path'] as const;

export const DEFAULT_TTL = 3600;
export const SOA_DEFAULTS = { refresh: 7200, retry: 3600, expire: 1209600, negativeTtl: 300 } as const;
export const MAX_SERIAL = 0xffffffff;

/** A value as written, with its place. */
export interface Written {
  readonly text: string;
  readonly at: At;
}

export interface Address {
  readonly text: string;
  readonly family: 4 | 6;
  readonly at: At;
}

export interface HostSpec {
  readonly name: Written;
  /** Only the valid ones; the name still counts as "has addresses" for target checks. */
  readonly addresses: readonly Address[];
}

export interface MxSpec {
  readonly host: Written;
  readonly preference: number;
}

export interface SrvTargetSpec {
  readonly host: Written;
  readonly port: number;
  readonly priority: number;
  readonly weight: number;
  /** The target as a whole, and where its port is written (its start when the port is the default). */
  readonly at: At;
  readonly portAt: At;
}

export interface ServiceSpec {
  readonly service: ServiceInfo;
  readonly at: At;
  /** `off`: published as `0 0 0 .` (RFC 2782, RFC 6186 §3.4). */
  readonly off: boolean;
  readonly targets: readonly SrvTargetSpec[];
  /** RFC 6764 `path=` TXT at the SRV owner. */
  readonly path?: Written;
}

export interface AliasSpec {
  readonly name: Written;
  readonly target: Written;
}

export interface RecordLine {
  readonly text: string;
  readonly at: At;
  /** Where column `col` (0-based, in `text`) of the line is in the file. */
  readonly atCol: (col: number) => At;
  /** Where its target name is, when known apart from `atCol` (a zone file's record). */
  readonly targetAt?: At;
}

/**
 * How the served serial is chosen (as Knot's serial-policy): `auto` the time of the content's
 * last change in seconds, `dateserial` YYYYMMDDnn, `fixed` the number written. The server picks
 * it from the zone's content digest and the serial it served last (server/serials.ts), so it
 * never goes back; `serial` below is what a load without that history uses.
 */
export type SerialPolicy = 'auto' | 'dateserial' | 'fixed';

export interface SoaSpec {
  readonly at: At;
  /** RNAME from `contact:`; undefined for the default hostmaster@<zone>. */
  readonly rname?: Name;
  readonly serial: number;
  readonly serialPolicy: SerialPolicy;
  /** Where `serial:` is written, or the `soa:` key (or the definition) when it is not. */
  readonly serialAt: At;
  readonly refresh: number;
  readonly retry: number;
  readonly expire: number;
  readonly negativeTtl: number;
  /** MNAME from `primary:` (a hidden primary, say); undefined for the first nameserver. */
  readonly primary?: Written;
  /** The SOA record's own TTL from `ttl:`; undefined for the definition's ttl. */
  readonly ttl?: number;
}

export interface Definition {
  readonly file: string;
  readonly zones: readonly Name[];
  /** Where each zone is named, parallel to `zones`. */
  readonly zoneAt: readonly At[];
  /** Written as a `zones:` list: a zone with a file of its own (`zone:`) takes precedence. */
  readonly listed: boolean;
  /** The files `extends:` took content from, nearest first: the definition changes when they do. */
  readonly bases: readonly string[];
  /** The definition as a whole (its first key), for problems with no better place. */
  readonly at: At;
  /** Load found errors: none of its zones is served (they still count as defined here). */
  readonly broken: boolean;
  /** False when the YAML itself did not parse: only the zone names are known. */
  readonly hasContent: boolean;
  readonly ttl: number;
  readonly nameservers: readonly Written[];
  readonly soa: SoaSpec;
  readonly hosts: readonly HostSpec[];
  readonly mx: readonly MxSpec[];
  readonly services: readonly ServiceSpec[];
  readonly aliases: readonly AliasSpec[];
  readonly records: readonly RecordLine[];
  /** `autoconfig:`, when on: the HTTP documents and the names that lead to them (autoconfig.ts). */
  readonly autoconfig?: AutoconfigSpec;
  /** Domains trusted outside the zones served here (`external:` and the configuration's list). */
  readonly external?: readonly Name[];
  /** Read from an RFC 1035 zone file (zone-file.ts), not from YAML. */
  readonly zoneFile?: boolean;
  /** `transfer:`, `notify:` and `group:`: how the zones reach their secondaries (replication.ts). */
  readonly replication?: ReplicationSpec;
  /** `dnssec: on` or `off`; absent: the configuration's dnssec.enabled decides. */
  readonly dnssec?: boolean;
  /** Whether the zones are signed: `dnssec:`, or else the configuration's dnssec.enabled as read with it. */
  readonly signed: boolean;
  /** `denial: nsec` or `compact` (RFC 9824); absent: the configuration's dnssec.denial. */
  readonly denial?: 'nsec' | 'compact';
  /** For a `zones:` definition: the name of the key set its zones share (`@` and the file's name). */
  readonly keyset?: string;
}
