// The one table of discovery services: YAML key → SRV owner label, default port and priority.
// Everything else (schema checks, expansion, docs, tests) reads it from here.

export interface ServiceInfo {
  /** The key under `services:`. */
  readonly name: string;
  /** SRV owner label, relative to the zone (RFC 6186, RFC 6764, RFC 8314). */
  readonly label: string;
  readonly port: number;
  /**
   * Default SRV priority: 10 for the cleartext/STARTTLS twins, 0 for the rest, so clients try
   * implicit TLS first (RFC 8314 §3.3, lower priority is preferred).
   */
  readonly priority: number;
  /** Implicit TLS on connect (RFC 8314); false for cleartext/STARTTLS services. */
  readonly tls: boolean;
  /** Whether a `path:` (RFC 6764 `path=` TXT) is meaningful: CalDAV and CardDAV only. */
  readonly path: boolean;
}

/** SRV weight when a target gives none (RFC 2782: 0 is for "no load balancing"; 1 spreads). */
export const DEFAULT_WEIGHT = 1;

const table: readonly ServiceInfo[] = [
  { name: 'submission', label: '_submission._tcp', port: 587, priority: 10, tls: false, path: false },
  { name: 'submissions', label: '_submissions._tcp', port: 465, priority: 0, tls: true, path: false },
  { name: 'imap', label: '_imap._tcp', port: 143, priority: 10, tls: false, path: false },
  { name: 'imaps', label: '_imaps._tcp', port: 993, priority: 0, tls: true, path: false },
  { name: 'pop3', label: '_pop3._tcp', port: 110, priority: 10, tls: false, path: false },
  { name: 'pop3s', label: '_pop3s._tcp', port: 995, priority: 0, tls: true, path: false },
  { name: 'caldav', label: '_caldav._tcp', port: 80, priority: 10, tls: false, path: true },
  { name: 'caldavs', label: '_caldavs._tcp', port: 443, priority: 0, tls: true, path: true },
  { name: 'carddav', label: '_carddav._tcp', port: 80, priority: 10, tls: false, path: true },
  { name: 'carddavs', label: '_carddavs._tcp', port: 443, priority: 0, tls: true, path: true },
  { name: 'autodiscover', label: '_autodiscover._tcp', port: 443, priority: 0, tls: true, path: false },
  { name: 'jmap', label: '_jmap._tcp', port: 443, priority: 0, tls: true, path: false },
  // ManageSieve negotiates TLS with STARTTLS (RFC 5804), yet it has no implicit-TLS twin to prefer.
  { name: 'sieve', label: '_sieve._tcp', port: 4190, priority: 0, tls: false, path: false },
];

/** Services by their key under `services:`, in the order of the table above. */
export const SERVICES: ReadonlyMap<string, ServiceInfo> = new Map(table.map((s) => [s.name, Object.freeze(s)]));
