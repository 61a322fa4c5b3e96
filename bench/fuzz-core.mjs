// The mutation fuzzer shared by `npm run fuzz` (bench/fuzz.mjs) and the test suite
// (test/fuzz/): seeds that are real queries, mutations that know the DNS message layout, an
// oracle, and an in-process loop. Jazzer.js, the coverage-guided fuzzer for Node, does not load
// here (see docs/fuzzing.md), so the loop is guided by outcomes instead of coverage: an input
// whose outcome (parse verdict and reason, rcode, flags, sections, EDNS options answered) was
// not seen before joins the corpus and is mutated further.
//
// The code under test is passed in (the TypeScript sources from the tests, dist/ from the
// script), so this file imports nothing of the server.

/** xorshift32: reproducible from --seed. */
export function rng(seed) {
  let s = seed >>> 0 || 0x9e3779b9;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  return { next, below: (n) => next() % n, chance: (p) => next() / 0x100000000 < p };
}

function name(text) {
  const parts = [];
  for (const label of text.split('.').filter((l) => l !== '')) parts.push(Buffer.from([label.length]), Buffer.from(label, 'latin1'));
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

function opt({ udpSize = 1232, version = 0, dnssecOk = false, options = [] } = {}) {
  const data = Buffer.concat(options.map(([code, value]) => Buffer.concat([Buffer.from([code >> 8, code & 0xff, value.length >> 8, value.length & 0xff]), value])));
  return Buffer.concat([Buffer.from([0, 0, 41, udpSize >> 8, udpSize & 0xff, 0, version, dnssecOk ? 0x80 : 0, 0, data.length >> 8, data.length & 0xff]), data]);
}

/** A query as a resolver sends it. */
export function query({ id = 0x1234, qname, qtype, qclass = 1, rd = false, opcode = 0, edns } = {}) {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0);
  h[2] = (opcode << 3) | (rd ? 1 : 0);
  h.writeUInt16BE(1, 4);
  h.writeUInt16BE(edns ? 1 : 0, 10);
  return Buffer.concat([h, name(qname), Buffer.from([qtype >> 8, qtype & 0xff, qclass >> 8, qclass & 0xff]), edns ? opt(edns) : Buffer.alloc(0)]);
}

const COOKIE = 10;
const NSID = 3;

/** Real queries for the example zones, and each class of crafted packet the malformed tests keep. */
export function seeds() {
  const names = ['example.com', '_imaps._tcp.example.com', '_submissions._tcp.Example.COM', 'mail.example.com', '_tcp.example.com', 'nope.example.com', 'autoconfig.example.com', 'example.org', 'version.bind'];
  const types = [1, 2, 6, 15, 16, 28, 33, 255, 252, 65, 0xffff];
  const out = [];
  for (const qname of names) {
    for (const qtype of types) out.push(query({ qname, qtype }));
    out.push(query({ qname, qtype: 33, edns: { udpSize: 512 } }));
    out.push(query({ qname, qtype: 1, edns: { udpSize: 4096, dnssecOk: true, options: [[NSID, Buffer.alloc(0)]] } }));
    out.push(query({ qname, qtype: 33, edns: { options: [[COOKIE, Buffer.from('0102030405060708', 'hex')]] } }));
    out.push(query({ qname, qtype: 33, edns: { options: [[COOKIE, Buffer.alloc(24, 0x5a)]] } }));
  }
  out.push(query({ qname: 'version.bind', qtype: 16, qclass: 3 }));
  out.push(query({ qname: 'example.com', qtype: 6, edns: { version: 1 } }));
  out.push(query({ qname: 'example.com', qtype: 6, opcode: 4 }));
  // The malformed classes of test/e2e/server.test.ts: short, QR=1, no question, two questions,
  // a truncated question, a pointer in the question, two OPTs.
  const q = query({ qname: 'example.com', qtype: 6 });
  out.push(Buffer.alloc(5));
  out.push(Buffer.concat([Buffer.from([0x42, 0x42, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0]), q.subarray(12)]));
  out.push(Buffer.from([0x42, 0x42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  out.push(Buffer.concat([Buffer.from([0x42, 0x42, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0]), q.subarray(12), q.subarray(12)]));
  out.push(q.subarray(0, 18));
  out.push(Buffer.from([0x42, 0x42, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]));
  out.push(Buffer.concat([Buffer.from([0x42, 0x42, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2]), q.subarray(12), opt(), opt()]));
  // A cookie-only query (RFC 7873 §5.4) and a pointer chain in the additional section.
  out.push(Buffer.concat([Buffer.from([0x42, 0x42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), opt({ options: [[COOKIE, Buffer.alloc(8, 1)]] })]));
  out.push(Buffer.concat([Buffer.from([0x42, 0x42, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]), q.subarray(12), Buffer.from([0xc0, 30, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0])]));
  return out;
}

const INTERESTING = [0, 1, 0x3f, 0x40, 0x7f, 0x80, 0xc0, 0xc1, 0xfe, 0xff];

/** One to four mutations of `input`; `corpus` gives splice partners. */
export function mutate(r, input, corpus) {
  let b = Buffer.from(input);
  const rounds = 1 + r.below(4);
  for (let k = 0; k < rounds; k++) {
    const op = r.below(12);
    const at = b.length ? r.below(b.length) : 0;
    switch (op) {
      case 0: // flip a bit
        if (b.length) b[at] ^= 1 << r.below(8);
        break;
      case 1: // an interesting byte
        if (b.length) b[at] = INTERESTING[r.below(INTERESTING.length)];
        break;
      case 2: // a random byte
        if (b.length) b[at] = r.below(256);
        break;
      case 3: {
        // insert random bytes
        const n = 1 + r.below(8);
        const ins = Buffer.from(Array.from({ length: n }, () => r.below(256)));
        b = Buffer.concat([b.subarray(0, at), ins, b.subarray(at)]);
        break;
      }
      case 4: // delete a range
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + r.below(8)))]);
        break;
      case 5: // truncate
        b = b.subarray(0, at);
        break;
      case 6: {
        // a count field (QDCOUNT … ARCOUNT) to an interesting value
        if (b.length >= 12) {
          const field = 4 + 2 * r.below(4);
          b.writeUInt16BE([0, 1, 2, 3, 0xff, 0xffff][r.below(6)], field);
        }
        break;
      }
      case 7: // a compression pointer somewhere
        if (b.length >= 2) {
          const p = r.below(b.length - 1);
          b[p] = 0xc0 | r.below(0x40);
          b[p + 1] = r.below(b.length + 16);
        }
        break;
      case 8: {
        // splice with another input
        const other = corpus[r.below(corpus.length)];
        const from = other.length ? r.below(other.length) : 0;
        b = Buffer.concat([b.subarray(0, at), other.subarray(from, from + 1 + r.below(32))]);
        break;
      }
      case 9: // append an OPT record, possibly with options
        b = Buffer.concat([b, opt({ udpSize: r.below(0x10000), version: r.chance(0.8) ? 0 : r.below(256), options: r.chance(0.5) ? [[r.chance(0.5) ? COOKIE : r.below(0x10000), Buffer.alloc(r.below(48), r.below(256))]] : [] })]);
        if (b.length >= 12) b.writeUInt16BE((b.readUInt16BE(10) + 1) & 0xffff, 10);
        break;
      case 10: // duplicate a range
        b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + 1 + r.below(24)), b.subarray(at)]);
        break;
      default: // header flags and opcode
        if (b.length >= 4) b[2 + r.below(2)] = r.below(256);
    }
  }
  return b.length > 4096 ? b.subarray(0, 4096) : b;
}

/**
 * What is wrong with the response to `msg`, or undefined: no response at all is fine (a drop);
 * a response must be one our decoder and dns2 both read, with the same header, for the query's
 * ID, with QR set, and with the question exactly as sent when it echoes one. Without `msg`
 * (a response whose query is not known) only the first two are checked.
 */
export function problemWith(msg, response, { parseQuery, decodeMessage, Packet }) {
  if (response === undefined) return undefined;
  if (response.length < 12) return `response of ${response.length} bytes`;
  const ours = decodeMessage(response);
  if (ours instanceof Error) return `our decoder refuses the response: ${ours.message}`;
  let theirs;
  try {
    theirs = Packet.parse(response);
  } catch (e) {
    return `dns2 refuses the response: ${e.message}`;
  }
  if (theirs.header.id !== ours.id || !ours.qr || !theirs.header.qr) return 'response header: ID or QR wrong';
  if ((theirs.header.rcode & 0x0f) !== (ours.rcode & 0x0f)) return 'dns2 and our decoder read different rcodes';
  if (theirs.answers.length !== ours.answer.length || theirs.authorities.length !== ours.authority.length) return 'dns2 and our decoder read different sections';
  if (msg === undefined) return undefined;
  if (msg.length >= 2 && ours.id !== msg.readUInt16BE(0)) return 'response ID is not the query ID';
  if (ours.questions.length > 0) {
    const parsed = parseQuery(msg);
    const end = parsed.questionEnd;
    if (end === undefined) return 'a question is echoed for a query whose question was not sound';
    const qlen = end - 12;
    if (!response.subarray(12, 12 + qlen).equals(msg.subarray(12, end))) return 'the question is not echoed byte for byte';
  }
  return undefined;
}

/** The outcome an input had, as a short string: new ones grow the corpus. */
export function outcome(msg, response, parseQuery) {
  const p = parseQuery(msg);
  // Coarse where the value space is large: a class or type is known or not, a version 0 or not.
  const cls = (c) => ([1, 3, 254, 255].includes(c) ? c : 'x');
  const head = p.kind === 'formerr' ? `formerr:${p.reason}` : p.kind === 'drop' ? `drop:${p.reason}` : p.kind === 'query' ? `q:${p.qtype > 255 ? 'hi' : p.qtype}:${cls(p.qclass)}:${p.edns ? `e${p.edns.version ? 'v' : 0}${p.edns.cookieAt >= 0 ? `c${p.edns.cookieLength}` : ''}` : ''}` : p.kind;
  if (!response) return `${head}|none`;
  return `${head}|${response[2] & 0x7f}|${response[3]}|${response.readUInt16BE(6) > 0}|${response.readUInt16BE(8) > 0}|${response.readUInt16BE(10)}`;
}

/**
 * Runs `iterations` inputs through `handle` (bytes → response bytes or undefined), `parseQuery`
 * and `decodeMessage`, each checked by problemWith. Never stops at a problem: it collects them.
 */
export function fuzzInProcess({ iterations, seed = 1, handle, parseQuery, decodeMessage, Packet, maxCorpus = 4000, onProgress }) {
  const r = rng(seed);
  const corpus = seeds();
  const seen = new Set();
  const problems = [];
  let slowest = { ms: 0, input: '' };
  for (let i = 0; i < iterations; i++) {
    const parent = corpus[r.below(corpus.length)];
    const input = r.chance(0.02) ? Buffer.from(Array.from({ length: r.below(64) }, () => r.below(256))) : mutate(r, parent, corpus);
    const start = performance.now();
    let response;
    let problem;
    try {
      parseQuery(input);
      decodeMessage(input);
      response = handle(input, i);
      problem = problemWith(input, response, { parseQuery, decodeMessage, Packet });
    } catch (e) {
      problem = `threw: ${e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e}`;
    }
    const ms = performance.now() - start;
    // A slow first run is often a collection or a compilation that happened to fall there:
    // the input's cost is the fastest of three more runs.
    if (ms > slowest.ms && !problem) {
      let best = ms;
      for (let k = 0; k < 3; k++) {
        const again = performance.now();
        parseQuery(input);
        decodeMessage(input);
        handle(input, i);
        best = Math.min(best, performance.now() - again);
      }
      if (best > slowest.ms) slowest = { ms: best, input: input.toString('hex') };
    }
    if (problem) {
      if (problems.length < 100) problems.push({ input: input.toString('hex'), problem });
      continue;
    }
    const o = outcome(input, response, parseQuery);
    if (!seen.has(o) && seen.size < 1_000_000) {
      seen.add(o);
      if (corpus.length < maxCorpus) corpus.push(input);
    }
    if (onProgress && (i + 1) % 100_000 === 0) onProgress(i + 1, problems.length, seen.size);
  }
  return { inputs: iterations, problems, slowest, outcomes: seen.size, corpus: corpus.length };
}
