// Readiness for systemd (Type=notify, see systemd/discodns.service).
//
// The protocol is one datagram on the AF_UNIX socket named by $NOTIFY_SOCKET, and Node cannot send
// unix datagrams, so we run systemd-notify(1). That child is not the main PID, hence the unit's
// NotifyAccess=all. systemd-notify (systemd >= 246) follows each message with a barrier and exits
// only once the manager has read it, so a message is never lost because its sender had already
// exited, and running the calls one after another keeps them in order (RELOADING=1 before READY=1).
// Without $NOTIFY_SOCKET (not under systemd, tests, `npm start`) nothing is sent.

import { execFile } from 'node:child_process';

/**
 * Called once, later: null when the message was delivered or there was nothing to send
 * (no $NOTIFY_SOCKET), else why it failed. Log it; a failed notification never throws.
 */
export type NotifyDone = (error: Error | null) => void;

let queue: Promise<void> = Promise.resolve();

function send(assignments: readonly string[], done?: NotifyDone): void {
  if (!process.env.NOTIFY_SOCKET) {
    if (done) process.nextTick(done, null);
    return;
  }
  queue = queue.then(
    () =>
      new Promise<void>((resolve) => {
        const finish = (error: Error | null): void => {
          resolve();
          done?.(error);
        };
        try {
          // 10 s: the barrier itself gives up after 5 s if the manager does not answer.
          execFile('systemd-notify', assignments, { timeout: 10_000 }, (error, _stdout, stderr) => {
            const why = String(stderr).trim() || error?.message;
            finish(error ? new Error(`systemd-notify ${assignments.join(' ')}: ${why}`) : null);
          });
        } catch (e) {
          finish(e instanceof Error ? e : new Error(String(e)));
        }
      }),
  );
}

/** Zones are loaded and every socket is bound (or a reload finished, whatever its outcome). */
export function notifyReady(done?: NotifyDone): void {
  send(['READY=1'], done);
}

/** A reload started; follow it with notifyReady() when it ends, or systemd waits for it. */
export function notifyReloading(done?: NotifyDone): void {
  // systemd >= 253 wants the CLOCK_MONOTONIC time with RELOADING=1; older ones ignore it.
  // process.hrtime reads CLOCK_MONOTONIC on Linux.
  send(['RELOADING=1', `MONOTONIC_USEC=${process.hrtime.bigint() / 1000n}`], done);
}

/** Shutdown started (SIGTERM/SIGINT); systemd shows "deactivating" instead of a crash. */
export function notifyStopping(done?: NotifyDone): void {
  send(['STOPPING=1'], done);
}
