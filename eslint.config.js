// Lint: typescript-eslint's recommended rules, and DESIGN.md's layering as import rules, so
// that a layer cannot reach past its place by accident:
// - dns/ and definitions/ are pure: of node's modules only node:buffer (and node:crypto in
//   dns/, for DNSSEC); nothing from wire/ or server/; dns/ does not import definitions/.
// - wire/ turns results into bytes: it may use dns/, never server/, and no module that does I/O.
// - only server/ and cli.ts touch sockets, files, signals and clocks.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const LAYERS = 'DESIGN.md, "Rules that keep the house livable"';
const NO_SERVER = { group: ['**/server/*'], message: `server/ owns sockets, files and state; lower layers never import it (${LAYERS}).` };
const NO_WIRE = { group: ['**/wire/*'], message: `wire/ is the layer above: move the shared piece down into dns/ (${LAYERS}).` };
const NO_DEFINITIONS = { group: ['**/definitions/*'], message: `dns/ is the DNS model; the definition language builds on it, not the reverse (${LAYERS}).` };

/** Node's modules, by both their names, except `allowed`, each with `why`. */
function nodeModulesExcept(allowed, why) {
  const names = builtinModules.filter((m) => !m.startsWith('_')).flatMap((m) => [m, `node:${m}`]);
  return names.filter((n) => !allowed.includes(n.replace(/^node:/, ''))).map((name) => ({ name, message: why }));
}

/** Modules that do I/O or read the clock: what wire/ stays free of. */
const IO = ['fs', 'fs/promises', 'net', 'dgram', 'http', 'https', 'http2', 'tls', 'child_process', 'cluster', 'worker_threads', 'os', 'process', 'readline', 'dns', 'dns/promises', 'timers', 'timers/promises', 'perf_hooks', 'v8'];

const restrict = (paths, ...patterns) => ({ 'no-restricted-imports': ['error', { paths, patterns }] });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/dns/**/*.ts'],
    rules: restrict(nodeModulesExcept(['buffer', 'crypto'], `dns/ does no I/O: of node's modules it imports node:buffer and node:crypto only (${LAYERS}).`), NO_SERVER, NO_WIRE, NO_DEFINITIONS),
  },
  {
    files: ['src/definitions/**/*.ts'],
    rules: restrict(nodeModulesExcept(['buffer'], `definitions/ does no I/O: of node's modules it imports node:buffer only; server/ reads the files (${LAYERS}).`), NO_SERVER, NO_WIRE),
  },
  {
    files: ['src/wire/**/*.ts'],
    rules: restrict(
      IO.flatMap((m) => [m, `node:${m}`]).map((name) => ({ name, message: `wire/ does no I/O: sockets, files and clocks belong to server/ (${LAYERS}).` })),
      NO_SERVER,
    ),
  },
  {
    files: ['bench/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', performance: 'readonly', URL: 'readonly' } },
  },
);
