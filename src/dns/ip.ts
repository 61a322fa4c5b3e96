// IPv4 and IPv6 address text -> bytes, without node:net (dns/ stays free of I/O modules).

import { Buffer } from 'node:buffer';

/** Four octets 0-255 without leading zeros, in one test: most texts asked about are names. */
const V4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$/;

function v4(text: string): number[] | undefined {
  if (!V4.test(text)) return undefined;
  return text.split('.').map(Number);
}

function v6(text: string): number[] | undefined {
  if (!text.includes(':')) return undefined; // a name, most often: no group separator at all
  if (text.includes('%')) return undefined; // zone ids are not addresses a record can hold
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes('.')) {
        const b = v4(p);
        if (!b) return undefined;
        out.push((b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) {
        out.push(parseInt(p, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

/** 4, 6, or 0 for text that is not an address (like node:net's isIP). */
export function isIP(text: string): 0 | 4 | 6 {
  if (v4(text)) return 4;
  if (v6(text)) return 6;
  return 0;
}

export function ipv4Bytes(text: string): Buffer {
  const b = v4(text);
  if (!b) throw new Error(`bug: ipv4Bytes on ${text}`);
  return Buffer.from(b);
}

export function ipv6Bytes(text: string): Buffer {
  const b = v6(text);
  if (!b) throw new Error(`bug: ipv6Bytes on ${text}`);
  return Buffer.from(b);
}

/** RFC 5952 text for 16 address bytes, so exports and logs print one form. */
export function ipv6Text(bytes: Buffer): string {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((bytes[i]! << 8) | bytes[i + 1]!);
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestAt < 0) return hex.join(':');
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLen).join(':')}`;
}
