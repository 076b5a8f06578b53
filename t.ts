import { readFileSync } from 'node:fs';
import { report } from './test/helpers/post.ts';
const r = report(readFileSync(process.argv[2]!, 'utf8'));
console.log(r.ports.map(p => `${p.proto}/${p.port}[${p.spans.join(' | ')}]`).join('\n'));
console.log(JSON.stringify(r.countMentions), r.logLines.length, r.languages, r.tlp);
