// Preloaded (`node --import`) into every process the counters benches time, so that each reports
// its own peak RSS: getrusage's ru_maxrss, written to the file BENCH_PEAK_RSS_FILE names (in KB)
// when the process exits, however it exits short of a signal. Plain JavaScript, so that it loads
// no TypeScript loader into the process it measures.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_PEAK_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
