// The ingest bench's baselines, each a whole process that counts the lines of FILE and prints the
// count. Plain JavaScript: under a TypeScript loader the baseline would carry its start-up cost.
//   node bench/line-count.js chunks FILE   the fair baseline: 4 MB Buffer chunks, newlines found
//                                          with indexOf(10), no string made
//   node bench/line-count.js split FILE    the baseline of earlier figures: the whole file as one
//                                          latin1 string, split into a string per line
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

const [mode, file] = process.argv.slice(2);
let lines = 0;
if (mode === 'split') {
  lines = readFileSync(file, 'latin1').split('\n').length - 1;
} else {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 22);
  for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) {
    const part = n === buf.length ? buf : buf.subarray(0, n);
    for (let i = part.indexOf(10); i >= 0; i = part.indexOf(10, i + 1)) lines++;
  }
  closeSync(fd);
}
console.log(lines);
