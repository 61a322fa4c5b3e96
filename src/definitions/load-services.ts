// The `services:` section: service name → off | host[:port] | {host, port, priority, weight, path}
// | a list of targets. Ports, priorities and weights get the service's defaults here.

import { Buffer } from 'node:buffer';
import { isScalar, type Scalar } from 'yaml';
import { isIP } from '../dns/ip.js';
import { nearest, type At } from './diagnostics.js';
import type { Entry, Item, FieldReader, YNode } from './fields.js';
import { TARGET_KEYS, type ServiceSpec, type SrvTargetSpec, type Written } from './schema.js';
import { DEFAULT_WEIGHT, SERVICES, type ServiceInfo } from './services.js';

const U16 = 0xffff;

/** `off` or YAML `false`: the service is published as not offered. */
function isOff(node: YNode | null): boolean {
  return isScalar(node) && (node.value === false || (typeof node.value === 'string' && node.value.toLowerCase() === 'off'));
}

export function readServices(r: FieldReader, node: YNode | null, at: At): ServiceSpec[] {
  const out: ServiceSpec[] = [];
  for (const e of r.entries(node, at, 'a mapping of service names to targets, e.g. imaps: mail') ?? []) {
    const service = SERVICES.get(e.key);
    if (!service) {
      const near = nearest(e.key, SERVICES.keys());
      const known = `known services: ${[...SERVICES.keys()].join(', ')}`;
      r.error(e.keyAt, near ? `unknown service '${e.key}': did you mean '${near}'? (${known})` : `unknown service '${e.key}': ${known}`);
      continue;
    }
    const spec = readService(r, service, e);
    if (spec) out.push(spec);
  }
  return out;
}

function readService(r: FieldReader, service: ServiceInfo, e: Entry): ServiceSpec | undefined {
  if (isOff(e.node)) return { service, at: e.at, off: true, targets: [] };
  const items = r.items(e.node, e.at);
  if (items.length === 0) {
    r.error(e.at, `the list is empty: give at least one target, or write '${service.name}: off'`);
    return undefined;
  }
  const targets: SrvTargetSpec[] = [];
  let path: Written | undefined;
  for (const item of items) {
    if (isOff(item.node)) {
      r.error(item.at, `'off' cannot be mixed with targets: write '${service.name}: off' alone, or remove it`);
      continue;
    }
    const read = isScalar(item.node) && typeof item.node.value === 'string' ? hostPort(r, service, item.node, item.at) : targetObject(r, service, item);
    if (!read) continue;
    targets.push(read.target);
    if (read.path) {
      if (path && path.text !== read.path.text) {
        r.error(read.path.at, `a service has one path (RFC 6764 §4): '${path.text}' is already given at line ${path.at.line}`);
      } else {
        path ??= read.path;
      }
    }
  }
  for (const t of targets) tlsHint(r, service, t);
  return path ? { service, at: e.at, off: false, targets, path } : { service, at: e.at, off: false, targets };
}

interface ReadTarget {
  readonly target: SrvTargetSpec;
  readonly path?: Written;
}

/** `host` or `host:port`. */
function hostPort(r: FieldReader, service: ServiceInfo, node: Scalar, at: At): ReadTarget | undefined {
  const text = String(node.value);
  const colon = text.lastIndexOf(':');
  // An IPv6 address has colons but no port; expand.ts explains that a target must be a name.
  if (isIP(text) !== 0 || colon < 0) return { target: defaults(service, { text, at }, at) };
  const host = text.slice(0, colon);
  const portText = text.slice(colon + 1);
  const portAt = r.src.inScalar(node, colon + 1, at.path);
  if (host === '') {
    r.error(at, `'${text}' has no host before the ':': write host:port, e.g. mail:${service.port}`);
    return undefined;
  }
  if (!/^[0-9]+$/.test(portText) || Number(portText) > U16) {
    r.error(portAt, `port must be a whole number from 0 to ${U16}, not '${portText}'`);
    return undefined;
  }
  const port = Number(portText);
  if (port === 0) {
    r.error(portAt, portZero(service));
    return undefined;
  }
  return { target: { ...defaults(service, { text: host, at }, at), port, portAt } };
}

function targetObject(r: FieldReader, service: ServiceInfo, item: Item): ReadTarget | undefined {
  const what = 'a target: a host name, host:port, or { host, port, priority, weight }';
  const entries = r.entries(item.node, item.at, what, TARGET_KEYS);
  if (!entries) return undefined;
  const get = (k: string): Entry | undefined => entries.find((e) => e.key === k);
  let ok = true;
  const num = (k: string, fallback: number): number => {
    const e = get(k);
    if (!e) return fallback;
    const v = r.integer(e.node, e.at, 0, U16);
    if (v === undefined) ok = false;
    return v ?? fallback;
  };
  const port = num('port', service.port);
  const priority = num('priority', service.priority);
  const weight = num('weight', DEFAULT_WEIGHT);
  const portEntry = get('port');
  if (portEntry && port === 0 && ok) {
    r.error(portEntry.at, portZero(service));
    ok = false;
  }
  const path = readPath(r, service, get('path'));
  const hostEntry = get('host');
  if (!hostEntry) r.error(item.at, `missing 'host:': name the server, e.g. { host: mail }`);
  const host = hostEntry && r.text(hostEntry.node, hostEntry.at, 'a host name');
  if (!host || !ok || path === null) return undefined;
  const target = { host, port, priority, weight, at: item.at, portAt: portEntry?.at ?? item.at };
  return path ? { target, path } : { target };
}

/** The path, undefined when none was given, null when it is wrong (already reported). */
function readPath(r: FieldReader, service: ServiceInfo, e: Entry | undefined): Written | undefined | null {
  if (!e) return undefined;
  const path = r.text(e.node, e.at, 'a path starting with /');
  if (!path) return null;
  if (!service.path) {
    r.error(e.keyAt, `'path' is only for caldav, caldavs, carddav and carddavs (RFC 6764); remove it here`);
    return null;
  }
  if (!path.text.startsWith('/')) {
    r.error(e.at, `path must start with '/', e.g. /dav/calendars/`);
    return null;
  }
  // The TXT string is "path=" + path and holds at most 255 bytes.
  if (Buffer.byteLength(path.text) > 250) {
    r.error(e.at, `path is ${Buffer.byteLength(path.text)} bytes long; a path= TXT string allows at most 250`);
    return null;
  }
  return path;
}

function defaults(service: ServiceInfo, host: Written, at: At): SrvTargetSpec {
  return { host, port: service.port, priority: service.priority, weight: DEFAULT_WEIGHT, at, portAt: at };
}

function portZero(service: ServiceInfo): string {
  return `port 0 means 'not offered': write '${service.name}: off' instead`;
}

/** RFC 8314: 465 is implicit TLS (submissions), 587 STARTTLS (submission); a swap is a typo. */
function tlsHint(r: FieldReader, service: ServiceInfo, t: SrvTargetSpec): void {
  if (service.name === 'submission' && t.port === 465) r.warning(t.portAt, `465 is implicit TLS: did you mean 'submissions'?`);
  if (service.name === 'submissions' && t.port === 587) r.warning(t.portAt, `587 is STARTTLS: did you mean 'submission'?`);
}
