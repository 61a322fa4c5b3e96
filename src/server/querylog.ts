// Optional query log: one pino line per sampled query, built from the response (which echoes
// the question), and only for the queries sampled, so the unsampled path costs one random().

import type { Logger } from 'pino';
import { nameFromWire, nameToText } from '../dns/name.js';
import { typeToText } from '../dns/types.js';
import type { Transport } from './stats.js';

export type QueryLog = (response: Buffer, client: string, transport: Transport) => void;

export function queryLogger(log: Logger, enabled: boolean, sampleRate: number): QueryLog | undefined {
  if (!enabled || sampleRate <= 0) return undefined;
  const child = log.child({ kind: 'query' });
  return (response, client, transport) => {
    if (sampleRate < 1 && Math.random() >= sampleRate) return;
    const rcode = response[3]! & 0x0f;
    if (response.readUInt16BE(4) !== 1) {
      child.info({ client, transport, rcode }, 'query');
      return;
    }
    let end = 12;
    while (end < response.length && response[end] !== 0) end += response[end]! + 1;
    const qname = nameToText(nameFromWire(response.subarray(12, end + 1)));
    const qtype = typeToText(response.readUInt16BE(end + 1));
    child.info({ client, transport, qname, qtype, rcode, size: response.length }, 'query');
  };
}
