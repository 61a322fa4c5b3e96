// TSIG keys as BIND writes them, the format `tsig-keygen` and Knot's `keymgr -t` print:
//   key "xfr" { algorithm hmac-sha256; secret "base64…"; };
// Read from text (the caller reads the file); problems are values with the line they are on.
// Secrets never appear in a message.

import { Buffer } from 'node:buffer';
import { ALGORITHMS, isTsigAlgorithm, keyName, WEAK_ALGORITHMS, type TsigAlgorithm, type TsigKey } from './tsig.js';

export interface KeyProblem {
  readonly line: number;
  readonly message: string;
}

/** A base64 secret, or why it is not one. */
export function decodeSecret(text: string): Buffer | string {
  const clean = text.replace(/\s+/g, '');
  if (clean === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(clean) || clean.length % 4 !== 0) return 'is not base64 (as tsig-keygen prints it)';
  return Buffer.from(clean, 'base64');
}

/** A key from its three configured parts, or why it cannot be one (the secret is never quoted back). */
export function makeKey(nameText: string, algorithm: string, secret: string, allowWeak: boolean): TsigKey | string {
  const n = keyName(nameText);
  if (typeof n === 'string') return `name '${nameText}': ${n}`;
  const alg = algorithm.toLowerCase();
  if (!isTsigAlgorithm(alg)) return `algorithm '${algorithm}' is not one of ${Object.keys(ALGORITHMS).join(', ')}`;
  if (WEAK_ALGORITHMS.includes(alg) && !allowWeak) return `algorithm ${alg} is refused: use hmac-sha256 (or set tsig.allowWeak to accept ${WEAK_ALGORITHMS.join(' and ')})`;
  const bytes = decodeSecret(secret);
  if (typeof bytes === 'string') return `secret ${bytes}`;
  if (bytes.length < 16) return `secret is ${bytes.length} bytes: use at least 16 (tsig-keygen makes 32)`;
  return Object.freeze({ name: n, algorithm: alg as TsigAlgorithm, secret: bytes });
}

type Token = { readonly text: string; readonly line: number; readonly quoted: boolean };

function tokenize(text: string): Token[] | KeyProblem {
  const out: Token[] = [];
  let line = 1;
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return { line, message: 'a /* comment is not closed' };
      for (let j = i; j < end; j++) if (text[j] === '\n') line++;
      i = end + 2;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) return { line, message: 'a quoted string is not closed' };
      out.push({ text: text.slice(i + 1, end), line, quoted: true });
      i = end + 1;
    } else if (c === '{' || c === '}' || c === ';') {
      out.push({ text: c, line, quoted: false });
      i++;
    } else {
      let j = i;
      while (j < text.length && !/[\s{};"]/.test(text[j]!)) j++;
      out.push({ text: text.slice(i, j), line, quoted: false });
      i = j;
    }
  }
  return out;
}

/**
 * Every key of a file: BIND's `key` clauses (tsig-keygen), or the `key:` section that Knot's
 * `keymgr -t` prints; the keys, and the problems (with their lines) that stopped others.
 */
export function parseKeyFile(text: string, allowWeak: boolean): { keys: TsigKey[]; problems: KeyProblem[] } {
  if (/^key:\s*$/m.test(text)) return parseKnotKeys(text, allowWeak);
  const tokens = tokenize(text);
  if (!Array.isArray(tokens)) return { keys: [], problems: [tokens] };
  const keys: TsigKey[] = [];
  const problems: KeyProblem[] = [];
  let i = 0;
  const next = (): Token | undefined => tokens[i++];
  while (i < tokens.length) {
    const start = next()!;
    if (start.text !== 'key' || start.quoted) {
      problems.push({ line: start.line, message: `expected 'key "name" { algorithm …; secret "…"; };', found '${start.text}'` });
      return { keys, problems };
    }
    const nameToken = next();
    if (!nameToken || nameToken.text === '{') {
      problems.push({ line: start.line, message: 'key: the name is missing, as in key "xfr" { … };' });
      return { keys, problems };
    }
    if (next()?.text !== '{') {
      problems.push({ line: nameToken.line, message: `key "${nameToken.text}": expected '{'` });
      return { keys, problems };
    }
    let algorithm: string | undefined;
    let secret: string | undefined;
    for (;;) {
      const t = next();
      if (!t) {
        problems.push({ line: nameToken.line, message: `key "${nameToken.text}": the clause is not closed with '};'` });
        return { keys, problems };
      }
      if (t.text === '}' && !t.quoted) break;
      const value = next();
      const end = next();
      if (!value || end?.text !== ';') {
        problems.push({ line: t.line, message: `key "${nameToken.text}": expected '${t.text} VALUE;'` });
        return { keys, problems };
      }
      if (t.text === 'algorithm') algorithm = value.text;
      else if (t.text === 'secret') secret = value.text;
      else problems.push({ line: t.line, message: `key "${nameToken.text}": unknown statement '${t.text}' (a key has algorithm and secret)` });
    }
    if (next()?.text !== ';') problems.push({ line: nameToken.line, message: `key "${nameToken.text}": expected ';' after '}'` });
    if (algorithm === undefined || secret === undefined) {
      problems.push({ line: nameToken.line, message: `key "${nameToken.text}": needs both algorithm and secret` });
      continue;
    }
    const key = makeKey(nameToken.text, algorithm, secret, allowWeak);
    if (typeof key === 'string') problems.push({ line: nameToken.line, message: `key "${nameToken.text}": ${key}` });
    else keys.push(key);
  }
  return { keys, problems };
}

/** Knot's form: `key:` then items of `- id: NAME`, `algorithm: ALG`, `secret: BASE64` (comments with #). */
function parseKnotKeys(text: string, allowWeak: boolean): { keys: TsigKey[]; problems: KeyProblem[] } {
  const keys: TsigKey[] = [];
  const problems: KeyProblem[] = [];
  let current: { line: number; id?: string; algorithm?: string; secret?: string } | undefined;
  const finish = (): void => {
    if (!current) return;
    const { id, algorithm, secret, line } = current;
    if (id === undefined || algorithm === undefined || secret === undefined) problems.push({ line, message: 'a key needs id, algorithm and secret' });
    else {
      const key = makeKey(id, algorithm, secret, allowWeak);
      if (typeof key === 'string') problems.push({ line, message: `key ${id}: ${key}` });
      else keys.push(key);
    }
    current = undefined;
  };
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trimEnd();
    if (line.trim() === '' || /^key:$/.test(line)) return;
    const m = /^\s*(-\s+)?([a-z-]+):\s*"?([^"]*)"?$/.exec(line);
    if (!m) {
      problems.push({ line: i + 1, message: `cannot read '${line.trim().replace(/secret:.*/, 'secret: …')}'` });
      return;
    }
    if (m[1]) {
      finish();
      current = { line: i + 1 };
    }
    if (!current) {
      problems.push({ line: i + 1, message: "expected '- id: NAME' to start a key" });
      return;
    }
    if (m[2] === 'id') current.id = m[3]!;
    else if (m[2] === 'algorithm') current.algorithm = m[3]!;
    else if (m[2] === 'secret') current.secret = m[3]!;
    else problems.push({ line: i + 1, message: `unknown key setting '${m[2]}' (a key has id, algorithm, secret)` });
  });
  finish();
  return { keys, problems };
}

/** A key as BIND's `key` clause, the format keyFiles read and `discodns keygen` prints. */
export function formatKeyClause(nameText: string, algorithm: TsigAlgorithm, secret: Buffer): string {
  return `key "${nameText}" {\n\talgorithm ${algorithm};\n\tsecret "${secret.toString('base64')}";\n};\n`;
}
