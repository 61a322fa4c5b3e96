// Per-operation cost, in-process (vitest bench): the query path (parse, answer-cache lookup,
// response assembly, the slow path for names that do not exist), and the hand-written pieces
// against the libraries they replaced (docs/performance.md).
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { LRUCache } from 'lru-cache';
import { bench, describe } from 'vitest';
import { LineCounter, parseAllDocuments } from 'yaml';
import { parseDefinitionFile } from '../src/definitions/index.js';
import { parseSimpleYaml } from '../src/definitions/simple-yaml.js';
import { AnswerCache } from '../src/server/answer-cache.js';
import { compiledAnswer, type CompiledAnswer } from '../src/wire/compile.js';
import { handleMessage } from '../src/server/handler.js';
import { handlerOptions } from '../src/server/identity.js';
import { answerFor } from '../src/server/snapshot.js';
import { newStats } from '../src/server/stats.js';
import { parseQuery, queryKey } from '../src/wire/query.js';
import { assemble } from '../src/wire/respond.js';
import { buildQuery } from '../test/support/query.js';
import { EXAMPLE_ZONE, snapshotFromText } from '../test/support/zonetext.js';

const snapshot = snapshotFromText({ 'example.com.': EXAMPLE_ZONE }, 10_000);
const options = handlerOptions({ udpSize: 1232, nsid: '', id: '', version: '' });
const stats = newStats();
const srv = buildQuery({ id: 1, qname: '_imaps._tcp.Example.com', qtype: 33, edns: { udpSize: 1232 } });
const parsed = parseQuery(srv);
if (parsed.kind !== 'query') throw new Error('bench query did not parse');
const compiled = answerFor(snapshot, srv, parsed);
let n = 0;

describe('query path', () => {
  bench('parseQuery (SRV, EDNS)', () => {
    parseQuery(srv);
  });
  bench('answerFor (existing name)', () => {
    answerFor(snapshot, srv, parsed);
  });
  bench('assemble (SRV + additionals + OPT)', () => {
    assemble(srv, parsed, compiled.bytes, compiled.at, 1232, options.edns);
  });
  bench('handleMessage, existing name', () => {
    handleMessage(snapshot, srv, 'udp', options, stats);
  });
  bench('handleMessage, random nonexistent name (slow path: zone search, one NXDOMAIN per zone)', () => {
    handleMessage(snapshot, buildQuery({ id: 2, qname: `r${n++}.example.com`, qtype: 1 }), 'udp', options, stats);
  });
});

// The answer cache against lru-cache, the library it replaced (docs/performance.md): a hit
// among 100,000 cached answers (a server's default), in an order that defeats the CPU caches,
// found by the query as parsed. The lru-cache rows hold the same compiled answers as objects.
const CACHED = 100_000;
const cacheQueries = Array.from({ length: CACHED }, (_, i) => {
  const msg = buildQuery({ id: i, qname: `n${i}.example.com`, qtype: 1 });
  const q = parseQuery(msg);
  if (q.kind !== 'query') throw new Error('bench query did not parse');
  return { msg, q, key: queryKey(msg, q) };
});
const answerCache = new AnswerCache(CACHED);
const byHash = new LRUCache<number, CompiledAnswer>({ max: CACHED });
const byKey = new LRUCache<string, CompiledAnswer>({ max: CACHED });
for (const { q, key } of cacheQueries) {
  const answer = compiledAnswer(0, true, 1, 0, 0, 16, key, Buffer.alloc(16));
  answerCache.add(q.hash, answer);
  byHash.set(q.hash, answer);
  byKey.set(key, answer);
}
let hit = 0;
/** A stride coprime with CACHED: successive hits land far apart in memory. */
const next = () => cacheQueries[(hit = (hit + 7919) % CACHED)]!;

describe('answer cache: a hit', () => {
  bench('AnswerCache.find (table slot, key checked in place)', () => {
    const { msg, q } = next();
    answerCache.find(msg, q);
  });
  bench('lru-cache get by query hash (key not checked)', () => {
    byHash.get(next().q.hash);
  });
  bench('lru-cache get by query key (key string made per query)', () => {
    const { msg, q } = next();
    byKey.get(queryKey(msg, q));
  });
});

// The plain-YAML reader against the yaml package, on the example definition (docs/performance.md).
const exampleYaml = readFileSync(new URL('../zones/example.com.yaml', import.meta.url), 'utf8');

describe('definition file: parse', () => {
  bench('parseSimpleYaml (example.com.yaml)', () => {
    parseSimpleYaml(exampleYaml);
  });
  bench('yaml parseAllDocuments (example.com.yaml)', () => {
    parseAllDocuments(exampleYaml, { lineCounter: new LineCounter() });
  });
  bench('parseDefinitionFile, simple reader', () => {
    parseDefinitionFile('example.com.yaml', exampleYaml, 0);
  });
  bench('parseDefinitionFile, yaml only', () => {
    parseDefinitionFile('example.com.yaml', exampleYaml, 0, { simple: false });
  });
});
