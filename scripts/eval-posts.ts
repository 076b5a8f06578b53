/**
 * Scores what the extractor reads from whole posts, on our tables of posts in the styles of public
 * security lists (fixtures/posts-eval/*.yaml: posts.yaml, which the extractor was built against,
 * and the held-out tables, each written without reading the extractor and scored before any
 * change it led to), or the tables given as arguments. Each post is
 * made into raw mail bytes (in its charset, with its attachments) and read the way the pipeline
 * reads it: parsePost, then extractReport with the default config. Per source kind and overall:
 * port precision, recall and F1 (port and protocol must match; an expected port without a
 * protocol matches any), log lines read / present, stated counts read right, implied ports and
 * ranges found. `-- --verbose` lists each post's misses and false ports. Prints numbers, asserts
 * nothing. Part of `npm run eval`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Encoding from 'encoding-japanese';
import { load as parseYaml } from 'js-yaml';
import { validateConfig } from '../src/config/load.ts';
import { extractOptions, extractReport } from '../src/extract/report.ts';
import { parsePost } from '../src/mail/parse.ts';
import type { CountKind, Proto, Report } from '../src/model.ts';

export interface PostCase {
  id: string;
  kind: string;
  subject: string;
  body: string;
  from?: string;
  date?: string;
  charset?: 'utf-8' | 'iso-2022-jp' | 'shift_jis';
  /** The body is HTML, the message's only text: as some archives and vendors send posts. */
  html?: boolean;
  attachments?: Array<{ filename: string; text: string }>;
  expect: {
    ports: Array<string | number>;
    logLines: number;
    counts?: Partial<Record<CountKind, number>>;
    implied?: string[];
    ranges?: string[];
  };
}

interface PortRef {
  port: number;
  proto: Proto | null;
}

/** "tcp/445" or a bare 445 (no protocol said). */
export function portRef(s: string | number): PortRef {
  const m = /^(?:(tcp|udp|icmp)\/)?(\d+)$/.exec(String(s));
  if (!m) throw new Error(`not a port: ${s}`);
  return { port: Number(m[2]), proto: (m[1] as Proto | undefined) ?? null };
}

const show = (p: PortRef) => `${p.proto ?? 'port'}/${p.port}`;
const matches = (want: PortRef, got: PortRef) => want.port === got.port && (!want.proto || want.proto === got.proto);

/** Bytes of the body in the post's charset; JIS and Shift_JIS as a Japanese mailer writes them. */
function encodeBody(text: string, charset: string): Buffer {
  const crlf = text.replace(/\r?\n/g, '\r\n');
  if (charset === 'utf-8') return Buffer.from(crlf, 'utf8');
  const to = charset === 'iso-2022-jp' ? 'JIS' : 'SJIS';
  return Buffer.from(Encoding.convert(Encoding.stringToCode(crlf), { to, from: 'UNICODE' }));
}

/** The post as RFC 5322 bytes: a plain text message, or multipart/mixed when it has attachments. */
export function rawMessage(c: PostCase): Buffer {
  const charset = c.charset ?? 'utf-8';
  const head = [
    `From: ${c.from ?? 'Member <member@example.org>'}`,
    'To: list@example.net',
    `Subject: =?UTF-8?B?${Buffer.from(c.subject).toString('base64')}?=`,
    `Date: ${c.date ?? 'Fri, 20 Nov 2026 10:00:00 +0000'}`,
    `Message-ID: <${c.id}@posts-eval.kansoku.invalid>`,
    'List-Id: <nsp.example.net>',
    'MIME-Version: 1.0',
  ].join('\r\n');
  const cte = charset === 'iso-2022-jp' ? '7bit' : '8bit';
  const type = c.html ? 'text/html' : 'text/plain';
  const textHead = `Content-Type: ${type}; charset=${charset}\r\nContent-Transfer-Encoding: ${cte}`;
  const body = encodeBody(c.body, charset);
  if (!c.attachments?.length) return Buffer.concat([Buffer.from(`${head}\r\n${textHead}\r\n\r\n`), body]);
  const b = `=_${c.id}_boundary`;
  const parts: Buffer[] = [
    Buffer.from(`${head}\r\nContent-Type: multipart/mixed; boundary="${b}"\r\n\r\n--${b}\r\n${textHead}\r\n\r\n`),
    body,
  ];
  for (const a of c.attachments) {
    const data = Buffer.from(a.text.replace(/\r?\n/g, '\r\n')).toString('base64').replace(/.{76}/g, '$&\r\n');
    parts.push(
      Buffer.from(
        `\r\n--${b}\r\nContent-Type: text/plain; charset=utf-8; name="${a.filename}"\r\n` +
          `Content-Disposition: attachment; filename="${a.filename}"\r\nContent-Transfer-Encoding: base64\r\n\r\n` +
          `${data}\r\n`,
      ),
    );
  }
  parts.push(Buffer.from(`\r\n--${b}--\r\n`));
  return Buffer.concat(parts);
}

export interface PostScore {
  id: string;
  kind: string;
  /** Port claims read, and whether each is one the reader takes from the post. */
  got: Array<PortRef & { right: boolean }>;
  missed: PortRef[];
  expected: number;
  /** Log records read, those of them with a destination port, and the records the post holds. */
  logLines: { got: number; withPort: number; want: number };
  counts: Array<{ kind: string; want: number | null; got: number | null }>;
  implied: { want: number; found: number; extra: string[] };
  ranges: { want: number; found: number };
}

export function scorePost(c: PostCase, r: Report): PostScore {
  const want = c.expect.ports.map(portRef);
  const got = r.ports.map((p) => ({ port: p.port, proto: p.proto, right: want.some((w) => matches(w, p)) }));
  const counts: PostScore['counts'] = [];
  const stated = c.expect.counts ?? {};
  for (const k of new Set([...Object.keys(stated), ...Object.keys(r.counts)]) as Set<CountKind>)
    counts.push({ kind: k, want: stated[k] ?? null, got: r.counts[k] ?? null });
  const implied = (c.expect.implied ?? []).map(portRef);
  const ranges = (c.expect.ranges ?? []).map((s) => {
    const m = /^(?:(tcp|udp)\/)?(\d+)-(\d+)$/.exec(s);
    if (!m) throw new Error(`${c.id}: not a range: ${s}`);
    return { proto: (m[1] as Proto | undefined) ?? null, from: Number(m[2]), to: Number(m[3]) };
  });
  return {
    id: c.id,
    kind: c.kind,
    got,
    missed: want.filter((w) => !r.ports.some((p) => matches(w, p))),
    expected: want.length,
    logLines: {
      got: r.logLines.length,
      withPort: r.logLines.filter((e) => e.dpt !== null).length,
      want: c.expect.logLines,
    },
    counts,
    implied: {
      want: implied.length,
      found: implied.filter((w) => r.impliedPorts.some((p) => matches(w, p))).length,
      // A service named beside its own number ("RDP on 3389") implies that port rightly.
      extra: r.impliedPorts
        .filter((p) => !implied.some((w) => matches(w, p)) && !want.some((w) => w.port === p.port))
        .map(show),
    },
    ranges: {
      want: ranges.length,
      found: ranges.filter((w) =>
        r.portRanges.some((p) => p.from === w.from && p.to === w.to && (!w.proto || w.proto === p.proto)),
      ).length,
    },
  };
}

/** Sums over a set of posts; precision and recall are of port claims, over all posts together. */
export function summarize(scores: PostScore[]) {
  const got = scores.reduce((n, s) => n + s.got.length, 0);
  const right = scores.reduce((n, s) => n + s.got.filter((g) => g.right).length, 0);
  const expected = scores.reduce((n, s) => n + s.expected, 0);
  const found = expected - scores.reduce((n, s) => n + s.missed.length, 0);
  const precision = got ? right / got : 1;
  const recall = expected ? found / expected : 1;
  const allCounts = scores.flatMap((s) => s.counts);
  return {
    posts: scores.length,
    precision,
    recall,
    f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    falsePorts: got - right,
    missedPorts: expected - found,
    // A post's lines read beyond what it holds are not "read": they are counted apart as extra.
    linesRead: scores.reduce((n, s) => n + Math.min(s.logLines.got, s.logLines.want), 0),
    // A record read without its destination port cannot be compared with our counters.
    linesWithPort: scores.reduce((n, s) => n + Math.min(s.logLines.withPort, s.logLines.want), 0),
    linesPresent: scores.reduce((n, s) => n + s.logLines.want, 0),
    linesExtra: scores.reduce((n, s) => n + Math.max(0, s.logLines.got - s.logLines.want), 0),
    countsStated: allCounts.filter((c) => c.want !== null).length,
    countsRight: allCounts.filter((c) => c.want !== null && c.want === c.got).length,
    countsFalse: allCounts.filter((c) => c.want === null).length,
    impliedWant: scores.reduce((n, s) => n + s.implied.want, 0),
    impliedFound: scores.reduce((n, s) => n + s.implied.found, 0),
    impliedExtra: scores.reduce((n, s) => n + s.implied.extra.length, 0),
    rangesWant: scores.reduce((n, s) => n + s.ranges.want, 0),
    rangesFound: scores.reduce((n, s) => n + s.ranges.found, 0),
  };
}

export async function scorePosts(cases: PostCase[]): Promise<PostScore[]> {
  const opts = extractOptions(validateConfig({}));
  const out: PostScore[] = [];
  for (const c of cases) out.push(scorePost(c, extractReport(await parsePost(rawMessage(c)), opts)));
  return out;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The table's columns: a heading and its width. */
const COLUMNS: Array<[string, number]> = [
  ['kind', -16],
  ['n', 3],
  ['prec', 7],
  ['recall', 7],
  ['F1', 7],
  ['false', 6],
  ['missed', 7],
  ['lines', 8],
  ['w/dpt', 6],
  ['extra', 6],
  ['counts', 7],
  ['false', 6],
  ['impl', 6],
  ['range', 6],
];

const row = (cells: Array<string | number>) =>
  cells.map((c, i) => (COLUMNS[i]![1] < 0 ? String(c).padEnd(16) : String(c).padStart(COLUMNS[i]![1]))).join(' ');

function line(label: string, s: ReturnType<typeof summarize>): string {
  return row([
    label,
    s.posts,
    pct(s.precision),
    pct(s.recall),
    pct(s.f1),
    s.falsePorts,
    s.missedPorts,
    `${s.linesRead}/${s.linesPresent}`,
    s.linesWithPort,
    s.linesExtra,
    `${s.countsRight}/${s.countsStated}`,
    s.countsFalse,
    `${s.impliedFound}/${s.impliedWant}`,
    `${s.rangesFound}/${s.rangesWant}`,
  ]);
}

/** One table scored and printed: per kind, then all. */
async function report(path: string, verbose: boolean): Promise<void> {
  const cases = parseYaml(readFileSync(path, 'utf8')) as PostCase[];
  const scores = await scorePosts(cases);
  console.log(`posts: ${path} (${cases.length})`);
  console.log(row(COLUMNS.map(([h]) => h)));
  const kinds = [...new Set(cases.map((c) => c.kind))];
  for (const k of kinds) console.log(line(k, summarize(scores.filter((s) => s.kind === k))));
  console.log(line('all', summarize(scores)));
  console.log(
    '(port claims: precision, recall, F1, false and missed; log records read / present, those with a destination ' +
      'port, extra; stated counts read right, counts read that the post does not state; implied ports; ranges)',
  );
  if (verbose)
    for (const s of scores) {
      const bad = s.got.filter((g) => !g.right).map(show);
      const counts = s.counts.filter((c) => c.want !== c.got).map((c) => `${c.kind} ${c.got} want ${c.want}`);
      const notes = [
        s.missed.length ? `missed ${s.missed.map(show).join(' ')}` : '',
        bad.length ? `false ${bad.join(' ')}` : '',
        s.logLines.got !== s.logLines.want ? `lines ${s.logLines.got} of ${s.logLines.want}` : '',
        s.logLines.withPort < Math.min(s.logLines.got, s.logLines.want)
          ? `${s.logLines.got - s.logLines.withPort} lines read without a destination port`
          : '',
        counts.length ? `counts: ${counts.join(', ')}` : '',
        s.implied.found < s.implied.want ? `implied ${s.implied.found} of ${s.implied.want}` : '',
        s.implied.extra.length ? `implied extra ${s.implied.extra.join(' ')}` : '',
        s.ranges.found < s.ranges.want ? `ranges ${s.ranges.found} of ${s.ranges.want}` : '',
      ].filter(Boolean);
      if (notes.length) console.log(`  ${s.id.padEnd(12)} ${notes.join('; ')}`);
    }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = resolve(import.meta.dirname, '../fixtures/posts-eval');
  const given = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  // Every table by default: posts.yaml first, then the held-out ones in the order they were written.
  const paths = given.length
    ? given
    : readdirSync(dir)
        .filter((f) => f.endsWith('.yaml'))
        .sort((a, b) => (a === 'posts.yaml' ? -1 : b === 'posts.yaml' ? 1 : a.localeCompare(b)))
        .map((f) => resolve(dir, f));
  for (const path of paths) await report(path, process.argv.includes('--verbose'));
}
