#!/usr/bin/env node
// The ceiling for one Node process (ANCHORS.md): a node:dgram responder that copies the
// question and appends one fixed A record. No parsing beyond the question's end, no lookup.
//   node bench/ceiling.mjs PORT   — prints "ready PORT" once bound; stops on SIGTERM.
import dgram from 'node:dgram';

const port = Number(process.argv[2] ?? 0);
const answer = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 192, 0, 2, 1]);
const socket = dgram.createSocket('udp4');
socket.on('message', (msg, rinfo) => {
  if (msg.length < 17) return;
  let at = 12;
  while (at < msg.length && msg[at] !== 0) at += msg[at] + 1;
  const qend = at + 5;
  if (qend > msg.length) return;
  const out = Buffer.allocUnsafe(qend + answer.length);
  msg.copy(out, 0, 0, qend);
  out[2] = 0x84 | (msg[2] & 1);
  out[3] = 0;
  out.writeUInt16BE(1, 6);
  out.writeUInt16BE(0, 8);
  out.writeUInt16BE(0, 10);
  answer.copy(out, qend);
  socket.send(out, rinfo.port, rinfo.address);
});
socket.bind(port, '127.0.0.1', () => console.log(`ready ${socket.address().port}`));
process.on('SIGTERM', () => socket.close(() => process.exit(0)));
