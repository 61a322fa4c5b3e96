// When signatures are valid. Inception an hour and a half back (clocks that run behind still
// accept them), expiration 14 days on, made again when a day and a half is left. Windows are
// quantized to the hour, so everything signed in the same hour shares them, and each zone's
// expirations are pushed back by its own fraction of a day, so that 100,000 zones signed
// together do not all come due together.

import type { ValidityWindow } from './sign.js';

export const HOUR = 3600;
export const DAY = 86400;
export const INCEPTION_BACK = 1.5 * HOUR;
export const LIFETIME = 14 * DAY;
/** Signatures with less than this left are made again before they are served. */
export const REFRESH_BEFORE = 1.5 * DAY;
/** How far apart zones' expirations are spread. */
export const JITTER_SPAN = DAY;

export interface SigningWindow extends ValidityWindow {
  /** When signatures made in this window are to be made again. */
  readonly refreshAt: number;
}

/** A zone's jitter: its own point of a day (seconds), the same in every run. */
export function zoneJitter(originKey: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < originKey.length; i++) h = Math.imul(h ^ originKey.charCodeAt(i), 0x01000193);
  return (h >>> 0) % JITTER_SPAN;
}

/** The window of a signature made at `now` (seconds) for a zone with jitter `jitter`. */
export function signingWindow(now: number, jitter: number): SigningWindow {
  const hour = Math.floor(now / HOUR) * HOUR;
  const expiration = hour + LIFETIME + jitter;
  return { inception: hour - INCEPTION_BACK, expiration, refreshAt: expiration - REFRESH_BEFORE };
}

// Secondaries hold the signatures they were sent until the serial changes (RFC 1996 NOTIFY,
// RFC 1995 IXFR), not until they expire: a signed zone's serial moves on once per signing
// epoch, and a transfer carries only signatures that outlive the epoch it is made in by
// EPOCH_MARGIN. Epochs are a week, each zone's phase its own (the jitter spread over the
// week, in 4-hour steps), so 100,000 zones come due a few thousand at a time, six times a day.

/** How long a signed zone keeps its serial for its signatures' sake. */
export const SIGNING_EPOCH = 7 * DAY;
/** How long a transferred signature outlives its epoch: time for NOTIFY, retries and a refresh. */
export const EPOCH_MARGIN = 3 * DAY;
const EPOCH_STEP = 4 * HOUR;

/** A zone's phase within the epoch (seconds): the same in every run. */
function epochPhase(originKey: string): number {
  const steps = SIGNING_EPOCH / EPOCH_STEP;
  return (Math.floor((zoneJitter(originKey) / JITTER_SPAN) * steps) % steps) * EPOCH_STEP;
}

/** The signing epoch of the zone at `now`: part of what its serial stands for. */
export function signingEpoch(now: number, originKey: string): number {
  return Math.floor((now - epochPhase(originKey)) / SIGNING_EPOCH);
}

/**
 * The step of the clock at `now`: every zone's epoch begins on a multiple of EPOCH_STEP (its
 * phase is one, and SIGNING_EPOCH too), so no zone's epoch moves while the step stays the same.
 */
export function epochStepOf(now: number): number {
  return Math.floor(now / EPOCH_STEP);
}

/** When the zone's signing epoch at `now` ends (seconds). */
export function epochEnd(now: number, originKey: string): number {
  return (signingEpoch(now, originKey) + 1) * SIGNING_EPOCH + epochPhase(originKey);
}

/** The earliest expiration a signature sent in a transfer at `now` may have. */
export function transferExpiresAfter(now: number, originKey: string): number {
  return epochEnd(now, originKey) + EPOCH_MARGIN;
}
