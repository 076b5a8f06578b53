/**
 * Messages per second for reading a post as the pipeline does (parsePost, then, unless it is automatic
 * mail, extractReport with the default config: src/pipeline/steps/{admit,extract}.ts), against
 * bare mailparser `simpleParser` with its conversions skipped (skipHtmlToText, skipTextToHtml,
 * skipTextLinks, skipImageLinks) on the same messages in the same process. The messages are the
 * public mail corpus (../shared/corpus/mail, skipped when absent) and the demo posts
 * (fixtures/demo/maildir), held in memory; a second set is our eval posts (fixtures/posts-eval),
 * which carry the claims and log lines that extraction works on.
 *
 * Both sides get the same warm-up, then run in turn, round after round, the first side
 * alternating; a pass goes over the set as many times as makes mailparser's pass last at least
 * MIN_PASS_MS (a pass of a few ms is mostly timer and GC noise). The median of the per-round
 * ratios is printed against the target (at least 0.8 of mailparser's messages/s), in wall time
 * and in this process's CPU time: on a shared machine other processes stretch wall time, not CPU
 * time. parsePost alone is timed in the same rounds, to show which half the gap is in. Prints numbers;
 * asserts nothing.
 *   npm run bench:extract          ROUNDS=15 CORPUS=/path/to/mail npm run bench:extract
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load as parseYaml } from 'js-yaml';
import { simpleParser } from 'mailparser';
import { validateConfig } from '../src/config/load.ts';
import { extractOptions, extractReport } from '../src/extract/report.ts';
import { automaticReason } from '../src/mail/automatic.ts';
import { parsePost } from '../src/mail/parse.ts';
import { ownAddress } from '../src/pipeline/drafts.ts';
import { rawMessage, type PostCase } from '../scripts/eval-posts.ts';

const root = resolve(import.meta.dirname, '..');
const ROUNDS = Number(process.env.ROUNDS ?? 9);
const WARMUP = 2;
const MIN_PASS_MS = Number(process.env.MIN_PASS_MS ?? 300);
const corpusDir = process.env.CORPUS ?? resolve(root, '../shared/corpus/mail');
const config = validateConfig({});
const opts = extractOptions(config);
const own = ownAddress(config);
const BARE = { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true };

interface Message {
  name: string;
  raw: Buffer;
}

function files(dir: string, keep: (f: string) => boolean): Message[] {
  return readdirSync(dir)
    .filter(keep)
    .sort()
    .map((f) => ({ name: f, raw: readFileSync(join(dir, f)) }));
}

/** One pass over the messages; a message a side cannot read counts as handled, as the pipeline quarantines it. */
type Side = (m: Message) => Promise<unknown>;

const bare: Side = (m) => simpleParser(m.raw, BARE).catch(() => null);
const parseOnly: Side = (m) => parsePost(m.raw).catch(() => null);
const ours: Side = async (m) => {
  try {
    const post = await parsePost(m.raw);
    // The pipeline reads no claims in a bounce or an out-of-office reply.
    return automaticReason(post, own) ? post : extractReport(post, opts);
  } catch {
    return null;
  }
};

interface Took {
  wall: number;
  cpu: number;
}

async function pass(side: Side, msgs: Message[], perMessage: Float64Array, reps = 1): Promise<Took> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let r = 0; r < reps; r++)
    for (let i = 0; i < msgs.length; i++) {
      const t = performance.now();
      await side(msgs[i]!);
      perMessage[i]! += performance.now() - t;
    }
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000).toLocaleString('en-US');

async function measure(label: string, msgs: Message[]): Promise<void> {
  const bytes = msgs.reduce((n, m) => n + m.raw.length, 0);
  const tb = new Float64Array(msgs.length);
  const to = new Float64Array(msgs.length);
  // A cold pass each, then one warm pass sizes the passes; the warm-up passes are full size, so that a small set
  // warms up as much as a big one.
  await pass(bare, msgs, new Float64Array(msgs.length));
  await pass(ours, msgs, new Float64Array(msgs.length));
  const once = (await pass(bare, msgs, new Float64Array(msgs.length))).wall;
  const reps = Math.max(1, Math.ceil(MIN_PASS_MS / once));
  for (let i = 0; i < WARMUP; i++) {
    await pass(bare, msgs, new Float64Array(msgs.length), reps);
    await pass(ours, msgs, new Float64Array(msgs.length), reps);
  }
  const n = msgs.length * reps;
  console.log(
    `${label}: ${msgs.length} messages, ${(bytes / 1024).toFixed(0)} KB; ${ROUNDS} rounds of ${reps} x the set`,
  );
  const runs = { bare: [] as Took[], ours: [] as Took[], parse: [] as Took[] };
  const scratch = new Float64Array(msgs.length);
  for (let r = 0; r < ROUNDS; r++) {
    // Whichever runs second may find the other's garbage to collect: each goes first in turn.
    if (r % 2) {
      runs.ours.push(await pass(ours, msgs, to, reps));
      runs.bare.push(await pass(bare, msgs, tb, reps));
    } else {
      runs.bare.push(await pass(bare, msgs, tb, reps));
      runs.ours.push(await pass(ours, msgs, to, reps));
    }
    runs.parse.push(await pass(parseOnly, msgs, scratch, reps));
  }
  for (const k of ['wall', 'cpu'] as const) {
    // messages/s of ours over messages/s of mailparser, round by round
    const ratios = runs.bare.map((b, i) => b[k] / runs.ours[i]![k]);
    const ratio = median(ratios);
    console.log(
      `  ${k.padEnd(4)}  mailparser ${rate(n, median(runs.bare.map((x) => x[k]))).padStart(6)} msg/s, ` +
        `parsePost + extractReport ${rate(n, median(runs.ours.map((x) => x[k]))).padStart(6)} msg/s ` +
        `(parsePost alone ${rate(n, median(runs.parse.map((x) => x[k])))}), ` +
        `ratio ${ratio.toFixed(2)} (rounds ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}; ` +
        `target >= 0.8 ${ratio >= 0.8 ? 'met' : 'NOT met'})`,
    );
  }
  // Where the time beyond mailparser's goes: the messages that cost the most extra, per reading.
  const k = ROUNDS * reps;
  const extra = msgs
    .map((m, i) => ({ name: m.name, kb: m.raw.length / 1024, ms: (to[i]! - tb[i]!) / k, base: tb[i]! / k }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5);
  for (const e of extra)
    console.log(
      `    +${e.ms.toFixed(2)} ms over mailparser's ${e.base.toFixed(2)} ms  ${e.name} (${e.kb.toFixed(1)} KB)`,
    );
}

const demo = files(resolve(root, 'fixtures', 'demo', 'maildir', 'cur'), () => true);
let corpus: Message[] = [];
if (existsSync(corpusDir)) corpus = files(corpusDir, (f) => f.endsWith('.eml'));
else console.log(`no mail corpus at ${corpusDir}: the demo posts only`);
const all = [...corpus, ...demo];
await measure(corpus.length ? 'corpus + demo posts' : 'demo posts', all);
// A limit that cuts a message (a 135 KB To: field) spares us work that mailparser does in full, and
// flatters the ratio: the same set again without those messages, where both sides read it all.
const cut: string[] = [];
for (const m of all) {
  const p = await parsePost(m.raw).catch(() => null);
  if (p?.warnings.some((w) => /limits\.max\w+/.test(w))) cut.push(m.name);
}
if (cut.length)
  await measure(
    `the same without the ${cut.length} a limit cut (${cut.join(', ')})`,
    all.filter((m) => !cut.includes(m.name)),
  );

const cases = parseYaml(readFileSync(resolve(root, 'fixtures', 'posts-eval', 'posts.yaml'), 'utf8')) as PostCase[];
await measure(
  'eval posts (fixtures/posts-eval)',
  cases.map((c) => ({ name: c.id, raw: rawMessage(c) })),
);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
