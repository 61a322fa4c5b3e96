// `extends: provider.yaml`: a definition that starts from another and overrides it key by key.
// A host, service or alias written here replaces the one of the same name there; `records` are
// added to the base's; `ttl`, `nameservers`, `mx` and each `soa` field, when written, replace
// the base's (load.ts reads those with the base's values as defaults). The base's zones are not
// taken: a definition names its own. Every item keeps the place it was written, so a problem
// in something taken from the base points into the base's file.

import type { Definition } from './schema.js';

/** Items of `own` replace the base's item of the same key, in the base's place; new ones follow. */
function overlay<T>(base: readonly T[], own: readonly T[], key: (item: T) => string): T[] {
  const mine = new Map(own.map((item) => [key(item), item]));
  const out = base.map((item) => mine.get(key(item)) ?? item);
  const taken = new Set(base.map(key));
  for (const item of own) if (!taken.has(key(item))) out.push(item);
  return out;
}

/** The definition `own` (already read with the base's ttl, nameservers and soa as defaults) over `base`. */
export function extend(base: Definition, own: Omit<Definition, 'broken'>, written: { readonly mx: boolean }): Omit<Definition, 'broken'> {
  const name = (text: string): string => text.toLowerCase();
  return {
    ...own,
    hosts: overlay(base.hosts, own.hosts, (h) => name(h.name.text)),
    mx: written.mx ? own.mx : base.mx,
    services: overlay(base.services, own.services, (s) => s.service.name),
    aliases: overlay(base.aliases, own.aliases, (a) => name(a.name.text)),
    records: [...base.records, ...own.records],
  };
}
