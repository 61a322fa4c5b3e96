// Checks within one zone's records: aliases (RFC 1034 §3.6.2), duplicate records, one TTL per
// RRset (RFC 2181 §5.2). Returns the records as they will be served.

import { isAtOrBelow, nameToText, type Name } from '../dns/name.js';
import { formatRdata, rdataKey } from '../dns/rdata/index.js';
import { RRType, typeToText } from '../dns/types.js';
import { error, warning, where, type Diagnostic } from './diagnostics.js';
import type { Expanded, Sourced } from './expand.js';
import { lintMail } from './mail-lint.js';

/** A zone's names: owner key → its name and records by type, in the order they were written. */
export type ZoneIndex = Map<string, { readonly name: Name; readonly types: Map<number, Sourced[]> }>;

export interface Checked extends Expanded {
  /** Deduplicated, with one TTL per RRset, in the order written (SOA first). */
  readonly served: Sourced[];
  readonly index: ZoneIndex;
}

export function checkZone(x: Expanded): Checked {
  const diagnostics = x.diagnostics;
  const served = dedupe(x.records, diagnostics);
  const index = indexOf(served);
  const ttls = oneTtlPerSet(index, diagnostics);
  checkAliases(x.origin, index, diagnostics);
  checkCuts(x.origin, index, diagnostics);
  lintMail(x.origin, index, diagnostics);
  if (!x.def.signed) warnUnsignedTlsa(served, diagnostics);
  return {
    ...x,
    served: served.map((s) => {
      const ttl = ttls.get(`${s.rr.owner.key}/${s.rr.type}`)!;
      return ttl === s.rr.ttl ? s : { ...s, rr: { ...s.rr, ttl } };
    }),
    index,
  };
}

/** DANE (RFC 7672 §2.2): a TLSA record counts only when a validating resolver can trust it. */
function warnUnsignedTlsa(records: readonly Sourced[], diagnostics: Diagnostic[]): void {
  for (const s of records) {
    if (s.rr.type !== RRType.TLSA) continue;
    diagnostics.push(warning(s.at, 'TLSA (DANE) is used only from a signed zone (RFC 7672 §2.2): senders ignore DANE in an unsigned one; sign it with dnssec: on, or set dnssec.enabled in the configuration'));
  }
}

function dedupe(records: readonly Sourced[], diagnostics: Diagnostic[]): Sourced[] {
  const first = new Map<string, Sourced>();
  const out: Sourced[] = [];
  for (const s of records) {
    const key = `${s.rr.owner.key}/${s.rr.type}/${rdataKey(s.rr.rdata)}`;
    const seen = first.get(key);
    if (seen) {
      const shown = `${nameToText(s.rr.owner)} ${typeToText(s.rr.type)} ${formatRdata(s.rr.rdata)}`;
      diagnostics.push(warning(s.at, `same record as ${where(seen.at, s.at)} (${shown}): it is served once; remove the copy`));
      continue;
    }
    first.set(key, s);
    out.push(s);
  }
  return out;
}

function indexOf(records: readonly Sourced[]): ZoneIndex {
  const index: ZoneIndex = new Map();
  for (const s of records) {
    let node = index.get(s.rr.owner.key);
    if (!node) index.set(s.rr.owner.key, (node = { name: s.rr.owner, types: new Map() }));
    const set = node.types.get(s.rr.type);
    if (set) set.push(s);
    else node.types.set(s.rr.type, [s]);
  }
  return index;
}

/** The TTL each RRset is served with (`owner/type` → TTL): the lowest one written. */
function oneTtlPerSet(index: ZoneIndex, diagnostics: Diagnostic[]): Map<string, number> {
  const ttls = new Map<string, number>();
  for (const [key, node] of index) {
    for (const [type, set] of node.types) {
      const min = Math.min(...set.map((s) => s.rr.ttl));
      ttls.set(`${key}/${type}`, min);
      const head = set[0]!;
      const odd = set.find((s) => s.rr.ttl !== head.rr.ttl);
      if (odd) {
        diagnostics.push(
          warning(
            odd.at,
            `TTL ${odd.rr.ttl} differs from TTL ${head.rr.ttl} of the ${typeToText(type)} record at ${where(head.at, odd.at)}; ` +
              `all ${typeToText(type)} records of ${nameToText(node.name)} are served with TTL ${min} (RFC 2181 §5.2): give them one TTL`,
          ),
        );
      }
    }
  }
  return ttls;
}

function checkAliases(origin: Name, index: ZoneIndex, diagnostics: Diagnostic[]): void {
  for (const node of index.values()) {
    const cnames = node.types.get(RRType.CNAME);
    if (!cnames) continue;
    const head = cnames[0]!;
    const shown = nameToText(node.name);
    if (node.name.key === origin.key) {
      diagnostics.push(error(head.at, `an alias cannot be at the zone's apex (RFC 1034 §3.6.2): give '@' its addresses under hosts: instead`));
      continue;
    }
    for (const again of cnames.slice(1)) {
      diagnostics.push(error(again.at, `${shown} is already an alias (${where(head.at, again.at)}): a name has one alias target`));
    }
    const others = [...node.types].filter(([type]) => type !== RRType.CNAME);
    if (others.length > 0) {
      const other = others[0]![1][0]!;
      const types = others.map(([type]) => typeToText(type)).join(', ');
      diagnostics.push(
        error(
          head.at,
          `${shown} is an alias and also has ${types} data (${where(other.at, head.at)}): an alias has no other data (RFC 1034 §3.6.2); remove one of them`,
        ),
      );
    }
  }
}

/**
 * Zone cuts (NS below the apex, RFC 1034 §4.2.1): DS only at a cut (RFC 4035 §2.4), and data at
 * or below a cut is not authoritative here, so it is not served (occluded) unless it is glue,
 * the address of one of the cut's nameservers.
 */
function checkCuts(origin: Name, index: ZoneIndex, diagnostics: Diagnostic[]): void {
  const cuts = [...index.values()].filter((n) => n.name.key !== origin.key && n.types.has(RRType.NS));
  for (const node of index.values()) {
    const ds = node.types.get(RRType.DS)?.[0];
    if (ds && (!node.types.has(RRType.NS) || node.name.key === origin.key)) {
      const fix = node.name.key === origin.key ? "the zone's own DS goes in the parent zone, at the registrar" : `add the NS records of the delegation of ${nameToText(node.name)}, or remove it`;
      diagnostics.push(error(ds.at, `DS records sit at a delegation, beside its NS records (RFC 4035 §2.4): ${fix}`));
    }
  }
  if (cuts.length === 0) return;
  for (const node of index.values()) {
    // The cut above the name if there is one (a lower cut's own NS are occluded too), or its own.
    const cut = cuts.find((c) => c !== node && isAtOrBelow(node.name, c.name)) ?? (cuts.includes(node) ? node : undefined);
    if (!cut) continue;
    const glue = (cut.types.get(RRType.NS) ?? []).some((s) => s.rr.rdata.kind === 'NS' && s.rr.rdata.target.key === node.name.key);
    for (const [type, set] of node.types) {
      if (node === cut && (type === RRType.NS || type === RRType.DS)) continue;
      if (glue && (type === RRType.A || type === RRType.AAAA)) continue;
      const head = set[0]!;
      const where0 = where(cut.types.get(RRType.NS)![0]!.at, head.at);
      diagnostics.push(
        warning(
          head.at,
          `${nameToText(node.name)} ${typeToText(type)} is not served: ${node === cut ? 'it is at' : 'it is below'} the delegation of ${nameToText(cut.name)} (${where0}), whose data the child zone serves (RFC 1034 §4.2.1); move it there, or remove it`,
        ),
      );
    }
  }
}
