// The built CLI run as a user runs it, and throw-away directories of definitions.

import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath } from './discodns.js';

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node dist/cli.js ARGS…`, within 30 s. */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath, ...args], { env: { ...process.env, ...env }, timeout: 30_000, maxBuffer: 64 * 1024 * 1024, ...(cwd ? { cwd } : {}) }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A new directory holding `files` (name → text). */
export function tempDir(files: Record<string, string> = {}, prefix = 'discodns-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [n, text] of Object.entries(files)) writeFileSync(join(dir, n), text);
  return dir;
}
