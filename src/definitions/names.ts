// The name rules of the definition format. A name ending in '.' is absolute; a name ending in the
// zone's own name (at a label boundary, case-blind) is absolute too; any other name is relative
// to the zone; '@' is the apex.

import { isIP } from '../dns/ip.js';
import { idnToAscii, isAtOrBelow, isNameError, nameToText, parseName, type Name, type NameError } from '../dns/name.js';
import type { NameResolver } from '../dns/presentation.js';

function endsWithDot(text: string): boolean {
  // A final '\.' is an escaped dot inside a label, not the root.
  const m = /(\\*)\.$/.exec(text);
  return m !== null && m[1]!.length % 2 === 0;
}

/** True when `text` is read relative to the zone it is in. */
export function isRelative(text: string, origin: Name): boolean {
  if (text === '@' || endsWithDot(text)) return false;
  const absolute = parseName(text);
  return isNameError(absolute) || !isAtOrBelow(absolute, origin);
}

/** How a definition reads a name written in zone `origin`: resolveName, or a wrapper of it. */
export type Resolver = NameResolver;

/** Resolves a name as written in a definition (also used for `records:` lines). */
export function resolveName(text: string, origin: Name): Name | NameError {
  if (text === '@' || endsWithDot(text)) return parseName(text, origin);
  // isRelative, without parsing the text twice.
  const absolute = parseName(text);
  if (!isNameError(absolute) && isAtOrBelow(absolute, origin)) return absolute; // ends in the zone's name
  return parseName(text, origin);
}

/**
 * The warning for a relative name with a dot in it, which may have been meant as a host outside
 * the zone; undefined when the reading is not in doubt.
 */
export function dottedRelative(text: string, resolved: Name, origin: Name): string | undefined {
  if (!isRelative(text, origin) || !/[^\\]\./.test(text)) return undefined;
  return `'${text}' is read as ${nameToText(resolved)}; if you meant the host ${text}, write '${text}.'`;
}

export type NameRole = 'owner' | 'target' | 'zone';

/** Characters of a host name as the YAML keys take it; `records:` lines keep zone-file freedom. */
export function hostNameProblem(text: string, role: NameRole): string | undefined {
  if (text === '@' || text === '.') return undefined;
  if (isIP(text) !== 0) {
    if (role === 'target') return `'${text}' is an address; a target is a host name: list the address under hosts: and use that name here`;
    return `'${text}' is an address, not a ${role === 'zone' ? 'domain' : 'host'} name`;
  }
  // An IDN is written as people read it and served as its A-labels (RFC 5891).
  const ascii = /[^\x00-\x7f]/.test(text) ? idnToAscii(text) : text;
  if (typeof ascii !== 'string') return ascii.error;
  // An owner may be a wildcard: '*' as its first label only (RFC 4592).
  const allowed = role === 'owner' ? /^(\*\.)?[A-Za-z0-9_.-]+\.?$|^\*$/ : /^[A-Za-z0-9_.-]+\.?$/;
  if (!allowed.test(ascii)) {
    const star = role === 'owner' && ascii.includes('*') ? " ('*' only as the whole first label, as in '*.dev': RFC 4592)" : '';
    return `'${text}' is not a host name: use letters, digits, '-', '_' and '.'${star}`;
  }
  return undefined;
}
