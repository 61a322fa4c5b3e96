// The one mutable reference the transports read: which Snapshot answers the next query.

import type { Snapshot } from './snapshot.js';

export interface SnapshotHolder {
  current: Snapshot;
}
