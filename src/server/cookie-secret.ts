// Where the cookie secret comes from and when it changes (RFC 9018 §5). A configured secret
// (cookies.secret, shared by every server behind one address) is used as it is, with
// cookies.previousSecret accepted beside it while a new one is rolled out. Without one, a
// secret is generated into the state directory, so that cookies survive a restart, and
// replaced every cookies.secretLifetime seconds, the previous one still accepted: a cookie
// lives an hour at most, so clients never see their cookie refused across a rotation.
//
// Nothing here is fatal: a state file that cannot be read or written is reported, and the
// server runs on with a secret kept in memory (clients then learn a new cookie after a restart).

import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { CookieJar, parseSecret } from './cookies.js';
import { writeFileAtomic } from './state.js';

export interface CookieConfig {
  /** 32 hex digits, or '' to generate one into the state directory. */
  readonly secret: string;
  /** 32 hex digits still accepted (a secret being retired), or ''. */
  readonly previousSecret: string;
  /** Seconds a generated secret is used before the next replaces it. */
  readonly secretLifetime: number;
}

/** The file in the state directory. */
export const SECRET_FILE = 'cookie-secret';

const HEADER = `# discodns: DNS Cookie secrets (RFC 7873, RFC 9018), written by discodns. Keep private.
# current: makes and checks server cookies; previous: still checks them after a rotation.
# name hex-secret created-unix-seconds
`;

interface Stored {
  readonly current: string;
  readonly created: number;
  readonly previous: string | undefined;
}

export interface CookieSecretKeeper {
  readonly jar: CookieJar;
  /** Stops the rotation timer. */
  stop(): void;
}

/** The jar for a configuration; resolves once the secret is read, or generated and (if it can be) saved. */
export async function startCookieSecrets(config: CookieConfig, stateDir: string, log: Logger, nowSeconds: () => number = () => Math.floor(Date.now() / 1000)): Promise<CookieSecretKeeper> {
  if (config.secret !== '') {
    // The configuration was checked at load (config.ts): these parse.
    const jar = new CookieJar(parseSecret(config.secret)!, config.previousSecret ? parseSecret(config.previousSecret) : undefined, nowSeconds);
    return { jar, stop: () => undefined };
  }
  const file = path.join(stateDir, SECRET_FILE);
  let stored = await readStored(file, log);
  const lifetime = config.secretLifetime;
  if (!stored || nowSeconds() - stored.created >= lifetime) {
    stored = { current: randomBytes(16).toString('hex'), created: nowSeconds(), previous: stored?.current };
    await writeStored(file, stored, log);
  }
  const jar = new CookieJar(parseSecret(stored.current)!, stored.previous ? parseSecret(stored.previous) : undefined, nowSeconds);
  let timer: NodeJS.Timeout | undefined;
  let current = stored;
  const schedule = (): void => {
    const due = Math.max(0, current.created + lifetime - nowSeconds());
    // setTimeout holds at most 2^31-1 ms (24.8 days); a longer wait is taken in steps.
    timer = setTimeout(() => void rotate(), Math.min(due * 1000, 2 ** 31 - 1));
    timer.unref();
  };
  const rotate = async (): Promise<void> => {
    if (nowSeconds() - current.created >= lifetime) {
      current = { current: randomBytes(16).toString('hex'), created: nowSeconds(), previous: current.current };
      jar.rotate(parseSecret(current.current)!);
      await writeStored(file, current, log);
      log.info({ file }, 'cookie secret rotated; the previous one is still accepted');
    }
    schedule();
  };
  schedule();
  return { jar, stop: () => clearTimeout(timer) };
}

async function readStored(file: string, log: Logger): Promise<Stored | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log.warn({ file, err: (e as Error).message }, 'cookie secret file cannot be read; a new secret is made');
    return undefined;
  }
  let current: string | undefined;
  let created = 0;
  let previous: string | undefined;
  for (const line of text.split('\n')) {
    const [name, hex, when] = line.trim().split(/\s+/);
    if (name === 'current' && hex && parseSecret(hex)) {
      current = hex;
      created = Number(when);
    } else if (name === 'previous' && hex && parseSecret(hex)) {
      previous = hex;
    }
  }
  if (!current || !Number.isFinite(created)) {
    log.warn({ file }, 'cookie secret file holds no valid "current" line; a new secret is made');
    return undefined;
  }
  return { current, created, previous };
}

/** Whole or not at all (state.ts's writeFileAtomic, mode 0600): the secret is what makes cookies unforgeable. */
async function writeStored(file: string, stored: Stored, log: Logger): Promise<void> {
  const text = `${HEADER}current ${stored.current} ${stored.created}\n${stored.previous ? `previous ${stored.previous}\n` : ''}`;
  try {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await writeFileAtomic(file, text);
  } catch (e) {
    log.warn({ file, err: (e as Error).message }, 'cookie secret cannot be saved; it is kept in memory, and clients learn a new cookie after a restart');
  }
}

