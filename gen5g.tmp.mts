import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
const out = createWriteStream('/tmp/fw5g.log');
const n = 20000000, start = Date.UTC(2026, 10, 20); let seed = 42;
const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const scanners = Array.from({ length: 200_000 }, () => `${1 + Math.floor(rnd() * 222)}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.${1 + Math.floor(rnd() * 254)}`);
let chunk = '';
for (let i = 0; i < n; i++) {
  const t = new Date(start + Math.floor((i / n) * 86_400_000)).toISOString().replace('Z', '+00:00');
  const src = scanners[Math.floor(rnd() ** 3 * scanners.length)]!;
  const dpt = [23, 22, 445, 3389, 80, 443, 5000, 8080, 2323, 5060][Math.floor(rnd() ** 2 * 10)]!;
  chunk += `${t} sensor1 kernel: [DARKNET] IN=eth1 OUT= MAC=00:16:3e:00:00:01:00:16:3e:00:00:02:08:00 SRC=${src} DST=198.51.100.${1 + Math.floor(rnd() * 254)} LEN=44 TOS=0x00 PREC=0x00 TTL=${40 + Math.floor(rnd() * 200)} ID=${Math.floor(rnd() * 65535)} PROTO=TCP SPT=${1024 + Math.floor(rnd() * 60000)} DPT=${dpt} WINDOW=1024 RES=0x00 SYN URGP=0\n`;
  if (chunk.length > 1 << 20) { if (!out.write(chunk)) await once(out, 'drain'); chunk = ''; }
}
out.end(chunk); await once(out, 'finish');
