// A whole zone as RFC 1035 master-file text, as `discodns export` prints it: loadable unchanged
// by Knot (kzonecheck), BIND (named-checkzone) and ldns. SOA first, then by owner and type.

import { nameToText, nameToUnicode, type Name } from './name.js';
import { formatRecord } from './presentation.js';
import { rdataNames } from './rdata/index.js';
import type { ResourceRecord } from './records.js';
import { RRType } from './types.js';

/** Orders owners by canonical DNS order (RFC 4034 §6.1): labels compared from the root down. */
function canonicalCompare(a: Name, b: Name): number {
  const la = labelsReversed(a.key);
  const lb = labelsReversed(b.key);
  for (let i = 0; i < Math.min(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return la[i]! < lb[i]! ? -1 : 1;
  }
  return la.length - lb.length;
}

function labelsReversed(key: string): string[] {
  const labels: string[] = [];
  for (let at = 0; key.charCodeAt(at) !== 0; at += key.charCodeAt(at) + 1) {
    labels.push(key.slice(at + 1, at + 1 + key.charCodeAt(at)));
  }
  return labels.reverse();
}

export function formatZone(origin: Name, records: readonly ResourceRecord[], header?: string): string {
  const soa = records.filter((r) => r.type === RRType.SOA);
  const rest = records
    .filter((r) => r.type !== RRType.SOA)
    .map((r, i) => ({ r, i }))
    .sort((x, y) => canonicalCompare(x.r.owner, y.r.owner) || x.r.type - y.r.type || x.i - y.i)
    .map((x) => x.r);
  const idn = nameToUnicode(origin) !== nameToText(origin) ? ` (${nameToUnicode(origin)})` : '';
  const lines = [`; zone ${nameToText(origin)}${idn}${header ? ` — ${header}` : ''}`, `$ORIGIN ${nameToText(origin)}`];
  for (const r of [...soa, ...rest]) lines.push(formatRecord(r) + unicodeComment(r));
  return lines.join('\n') + '\n';
}

/** The names of a record that hold A-labels, as people read them: a comment after the line. */
function unicodeComment(rr: ResourceRecord): string {
  const shown = [rr.owner, ...rdataNames(rr.rdata)].map((n) => [nameToText(n), nameToUnicode(n)]).filter(([a, u]) => a !== u);
  return shown.length ? `\t; ${shown.map(([, u]) => u).join(' ')}` : '';
}
