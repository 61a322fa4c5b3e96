// Types for bench/fuzz-core.mjs, for the tests that import it.
export interface Rng {
  next(): number;
  below(n: number): number;
  chance(p: number): boolean;
}
export function rng(seed: number): Rng;
export function seeds(): Buffer[];
export function mutate(r: Rng, input: Buffer, corpus: Buffer[]): Buffer;
export interface CodeUnderTest {
  parseQuery(msg: Buffer): { kind: string; questionEnd?: number | undefined };
  decodeMessage(msg: Uint8Array): unknown;
  Packet: { parse(buf: Buffer): unknown };
}
export function query(q: { id?: number; qname: string; qtype: number; qclass?: number; rd?: boolean; opcode?: number; edns?: object }): Buffer;
export function problemWith(msg: Buffer | undefined, response: Buffer | undefined, code: CodeUnderTest): string | undefined;
export interface FuzzResult {
  inputs: number;
  problems: { input: string; problem: string }[];
  slowest: { ms: number; input: string };
  outcomes: number;
  corpus: number;
}
export function fuzzInProcess(options: CodeUnderTest & {
  iterations: number;
  seed?: number;
  handle(msg: Buffer, i: number): Buffer | undefined;
  maxCorpus?: number;
  onProgress?: (done: number, problems: number, outcomes: number) => void;
}): FuzzResult;
