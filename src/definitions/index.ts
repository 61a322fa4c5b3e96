// The definition language: YAML text → checked definitions → the zones to serve. Pure functions;
// the caller reads the files (definitions/ imports nothing from node:).

export { parseDefinitionFile, type BaseResolver, type ParseOptions } from './load.js';
export { buildZones, buildZonesSteps, expandAhead, type BuildOptions, type BuiltZones, type ZoneContent } from './build.js';
export { collapse, formatCollapsed, formatDiagnostic, type Collapsed, type Diagnostic } from './diagnostics.js';
export type { Definition, SerialPolicy } from './schema.js';
export { SERVICES, DEFAULT_WEIGHT, type ServiceInfo } from './services.js';
export { Shared } from './shared.js';
export { readZoneFile, originFromFileName, ZONE_FILE, type ReadZoneFile, type ZoneFileOptions } from './zone-file.js';
export { importZone, verifyImport, type Imported, type ImportCheck } from './import.js';
export type { NotifyTargetSpec, ReplicationSpec } from './replication.js';
