// How the server describes itself when asked: NSID (RFC 5001) and CHAOS TXT names (RFC 4892).
// Off unless configured: an authoritative server need not advertise its software.

import { Buffer } from 'node:buffer';
import { name } from '../dns/name.js';
import { compileChaosAnswer, type CompiledAnswer } from '../wire/compile.js';
import { MessageWriter } from '../wire/writer.js';
import type { HandlerOptions } from './handler.js';

export interface IdentityConfig {
  readonly udpSize: number;
  readonly nsid: string;
  readonly id: string;
  readonly version: string;
}

export function handlerOptions(c: IdentityConfig): HandlerOptions {
  const chaos = new Map<string, CompiledAnswer>();
  const w = new MessageWriter();
  const add = (qname: string, text: string): void => {
    if (!text) return;
    const n = name(qname);
    chaos.set(n.key, compileChaosAnswer(w, n, text));
  };
  add('id.server.', c.id);
  add('hostname.bind.', c.id);
  add('version.bind.', c.version);
  add('version.server.', c.version);
  return { edns: { udpSize: c.udpSize, nsid: c.nsid ? Buffer.from(c.nsid, 'utf8') : undefined }, chaos };
}
