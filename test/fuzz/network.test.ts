// `npm run fuzz` in a short pass: mutated packets to the built server over UDP and TCP on
// 127.0.0.1, a known query checked after each batch (bench/fuzz.mjs). The script starts the
// server and stops it by PID; this test waits for the script's exit code.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discodnsBuilt, repoRoot } from '../support/discodns.js';

describe.skipIf(!discodnsBuilt())('npm run fuzz, short pass over the network', () => {
  it('500 inputs in process, then 5,000 packets over UDP and TCP: every response decodes, the known answer never changes', async () => {
    const child = spawn(process.execPath, [join(repoRoot, 'bench/fuzz.mjs'), '--iterations', '5000', '--in-process', '500', '--batch', '500', '--seed', '7'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const killer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearTimeout(killer);
    expect(out).toContain('fuzz: no problem found');
    expect(code).toBe(0);
  }, 90_000);
});
