// The definition language: YAML text → checked definitions → the zones to serve. Pure functions;
// the caller reads the files (definitions/ imports nothing from node:).

export { parseDefinitionFile, type ParseOptions } from './load.js';
export { buildZones, buildZonesSteps, expandAhead, type BuildOptions, type BuiltZones, type ZoneContent } from './build.js';
export { formatDiagnostic, type Diagnostic } from './diagnostics.js';
export type { Definition } from './schema.js';
export { SERVICES, DEFAULT_WEIGHT, type ServiceInfo } from './services.js';
export { Shared } from './shared.js';
export type { NotifyTargetSpec, ReplicationSpec } from './replication.js';
