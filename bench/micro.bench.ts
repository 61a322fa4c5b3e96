// Per-operation cost of the query path, in-process (vitest bench): parse, answer-cache lookup,
// response assembly, and the slow path for names that do not exist.
import { bench, describe } from 'vitest';
import { handleMessage } from '../src/server/handler.js';
import { handlerOptions } from '../src/server/identity.js';
import { answerFor } from '../src/server/snapshot.js';
import { newStats } from '../src/server/stats.js';
import { parseQuery } from '../src/wire/query.js';
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
