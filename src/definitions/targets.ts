// Checks across every zone defined here: where NS, MX, SRV and alias targets lead. A target in a
// zone served here must have addresses and must not be an alias (RFC 2782, RFC 2181 §10.3); one
// outside can only be flagged as unchecked.

import { nameToText, parentName, type Name } from '../dns/name.js';
import { RRType, typeToText } from '../dns/types.js';
import { error, warning, where, type Diagnostic } from './diagnostics.js';
import type { Sourced } from './expand.js';
import type { Definition } from './schema.js';
import type { Checked } from './validate.js';

/** A zone defined here: its checked content, or none when its YAML did not parse. */
export interface Defined {
  readonly origin: Name;
  readonly def: Definition;
  readonly content?: Checked;
}

/** Diagnostics by the zone (origin key) whose record they are about. */
export function checkTargets(defined: ReadonlyMap<string, Defined>): Map<string, Diagnostic[]> {
  const out = new Map<string, Diagnostic[]>();
  for (const { content } of defined.values()) {
    if (!content) continue;
    const diagnostics: Diagnostic[] = [];
    out.set(content.origin.key, diagnostics);
    const t = new TargetCheck(defined, content, diagnostics);
    for (const s of content.served) t.check(s);
  }
  return out;
}

const WHY: Record<number, string> = {
  [RRType.SRV]: 'SRV targets must be names with addresses, never aliases (RFC 2782)',
  [RRType.MX]: 'MX targets must be names with addresses, never aliases (RFC 2181 §10.3)',
  [RRType.NS]: 'NS targets must be names with addresses, never aliases (RFC 2181 §10.3)',
};

class TargetCheck {
  constructor(
    private readonly defined: ReadonlyMap<string, Defined>,
    private readonly zone: Checked,
    private readonly diagnostics: Diagnostic[],
  ) {}

  /** The deepest zone defined here that holds `n`. */
  private zoneOf(n: Name): Defined | undefined {
    for (let up: Name | undefined = n; up; up = parentName(up)) {
      const z = this.defined.get(up.key);
      if (z) return z;
    }
    return undefined;
  }

  check(s: Sourced): void {
    const home = this.zoneOf(s.rr.owner);
    if (home && home.origin.key !== this.zone.origin.key) {
      const msg = `${nameToText(s.rr.owner)} is in zone ${nameToText(home.origin)}, also served here (${home.def.file}): move it to that zone's definition`;
      this.diagnostics.push(error(s.at, msg));
      return;
    }
    const rd = s.rr.rdata;
    const at = s.targetAt ?? s.at;
    if (rd.kind === 'CNAME') return this.alias(s, rd.target);
    const target = rd.kind === 'SRV' || rd.kind === 'NS' ? rd.target : rd.kind === 'MX' ? rd.exchange : undefined;
    // '.' is "not offered" for SRV (RFC 2782) and "no mail" for MX (RFC 7505).
    if (!target || target.labelCount === 0) return;
    const shown = nameToText(target);
    const there = this.zoneOf(target);
    if (!there) {
      this.diagnostics.push(warning(at, `${shown} is not in a zone served here, so its addresses cannot be checked: make sure it has A or AAAA records`));
      return;
    }
    if (!there.content) return; // that zone's file did not parse: nothing to check against
    const node = there.content.index.get(target.key);
    const cname = node?.types.get(RRType.CNAME)?.[0];
    if (cname) {
      const next = cname.rr.rdata.kind === 'CNAME' ? nameToText(cname.rr.rdata.target) : '';
      const msg = `${shown} is an alias (${where(cname.at, at)}): ${WHY[s.rr.type]}; point at ${next} instead`;
      this.diagnostics.push(error(at, msg));
      return;
    }
    if (node?.types.has(RRType.A) || node?.types.has(RRType.AAAA) || there.content.declared.has(target.key)) return;
    const hint = there.content === this.zone ? 'add it under hosts:' : `add it under hosts: of zone ${nameToText(there.origin)} (${there.def.file})`;
    this.diagnostics.push(error(at, `${typeToText(s.rr.type)} target ${shown} has no A or AAAA record: ${hint}`));
  }

  /** An alias's target must exist when it is in a zone served here, and chains must end. */
  private alias(s: Sourced, target: Name): void {
    const at = s.targetAt ?? s.at;
    const there = this.zoneOf(target)?.content;
    if (!there) return;
    if (!there.index.has(target.key) && !there.declared.has(target.key)) {
      const msg = `alias target ${nameToText(target)} does not exist in zone ${nameToText(there.origin)}: add it under hosts:, or end the name with '.' if it is elsewhere`;
      this.diagnostics.push(error(at, msg));
      return;
    }
    const chain = [s.rr.owner];
    for (let next: Name | undefined = target; next; next = this.aliasOf(next)) {
      const loops = chain.some((n) => n.key === next!.key);
      chain.push(next);
      if (loops) {
        this.diagnostics.push(error(s.at, `aliases loop: ${chain.map(nameToText).join(' → ')}: end the chain at a name with addresses`));
        return;
      }
    }
  }

  private aliasOf(n: Name): Name | undefined {
    const rd = this.zoneOf(n)?.content?.index.get(n.key)?.types.get(RRType.CNAME)?.[0]?.rr.rdata;
    return rd?.kind === 'CNAME' ? rd.target : undefined;
  }
}
