// The node flags discodns runs with: those on the #! line of dist/cli.js (src/cli.ts says why),
// which `npm start` and systemd/discodns.service repeat. Benchmarks start the server with them,
// so that they measure what users run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** ['--max-semi-space-size=4', …]; [] when the #! line carries none. */
export function serverNodeFlags(root) {
  const shebang = readFileSync(join(root, 'dist/cli.js'), 'utf8').split('\n', 1)[0];
  const flags = /^#!\/usr\/bin\/env -S node (.+)$/.exec(shebang)?.[1] ?? '';
  return flags.split(/\s+/).filter(Boolean);
}
