/**
 * Scores the reply classifier (src/sightings/classify.ts, after mail/reply-text.ts takes the
 * quote off) on our table of members' replies, fixtures/sightings/replies.json, or a table given
 * as an argument: accuracy, and precision and recall per verdict. `-- --verbose` shows misses.
 * Part of `npm run eval`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ownText } from '../src/mail/reply-text.ts';
import type { SightingVerdict } from '../src/model.ts';
import { classifyReply } from '../src/sightings/classify.ts';

export interface Reply {
  id: string;
  lang: 'en' | 'ja';
  label: SightingVerdict;
  text: string;
}

export const VERDICTS: SightingVerdict[] = ['confirm', 'deny', 'question', 'other'];

export function scoreReplies(rows: Reply[]) {
  const got = rows.map((r) => classifyReply(ownText(r.text)));
  const per = VERDICTS.map((v) => {
    const said = got.filter((g) => g === v).length;
    const truly = rows.filter((r) => r.label === v).length;
    const right = rows.filter((r, i) => r.label === v && got[i] === v).length;
    return { verdict: v, precision: said ? right / said : 1, recall: truly ? right / truly : 1, n: truly };
  });
  const misses = rows.flatMap((r, i) => (got[i] === r.label ? [] : [{ ...r, got: got[i]! }]));
  return { accuracy: (rows.length - misses.length) / rows.length, per, misses };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path =
    process.argv.slice(2).find((a) => !a.startsWith('--')) ??
    resolve(import.meta.dirname, '../fixtures/sightings/replies.json');
  const rows = JSON.parse(readFileSync(path, 'utf8')) as Reply[];
  const { accuracy, per, misses } = scoreReplies(rows);
  console.log(`replies: ${path} (${rows.length})`);
  for (const p of per)
    console.log(
      `  ${p.verdict.padEnd(9)} precision ${(p.precision * 100).toFixed(1).padStart(5)}%  ` +
        `recall ${(p.recall * 100).toFixed(1).padStart(5)}%  (${p.n} replies)`,
    );
  console.log(`  accuracy ${(accuracy * 100).toFixed(1)}%`);
  if (process.argv.includes('--verbose'))
    for (const m of misses)
      console.log(`  ${m.id}: ${m.label}, read as ${m.got}: ${JSON.stringify(m.text).slice(0, 120)}`);
}
