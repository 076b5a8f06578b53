import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'acorn';
import { simple } from 'acorn-walk';
import { transformSync } from 'esbuild';
import { check } from 'recheck';
import { describe, expect, it } from 'vitest';
import type { Sample } from '../scripts/eval.ts';
import { describeShared, fixture, root, shared } from './helpers/paths.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every regular expression literal in src/, found in the syntax tree, not by a pattern. */
function literals(): Map<string, { source: string; flags: string; where: string }> {
  const out = new Map<string, { source: string; flags: string; where: string }>();
  for (const file of sources(join(root, 'src'))) {
    const js = transformSync(readFileSync(file, 'utf8'), { loader: 'ts', format: 'esm' }).code;
    simple(parse(js, { ecmaVersion: 'latest', sourceType: 'module' }), {
      Literal(node) {
        const r = (node as unknown as { regex?: { pattern: string; flags: string } }).regex;
        if (r)
          out.set(`/${r.pattern}/${r.flags}`, {
            source: r.pattern,
            flags: r.flags,
            where: file.slice(root.length + 1),
          });
      },
    });
  }
  return out;
}

type Found = Map<string, { source: string; flags: string; where: string }>;

/** Patterns built at run time with `new RegExp` in src/, recorded while `feed` runs the pipeline's readers. */
async function dynamic(feed: () => Promise<void>): Promise<Found> {
  const out: Found = new Map();
  const Original = RegExp;
  globalThis.RegExp = new Proxy(Original, {
    construct(target, args) {
      const r = Reflect.construct(target, args) as RegExp;
      // Ours only: the libraries we use are checked by their own projects.
      const caller = (new Error().stack ?? '')
        .split('\n')
        .slice(2)
        .find((l) => !l.includes('node:internal'));
      if (caller?.includes(`${root}/src/`))
        out.set(`/${r.source}/${r.flags}`, { source: r.source, flags: r.flags, where: caller.trim() });
      return r;
    },
  });
  try {
    await feed();
  } finally {
    globalThis.RegExp = Original;
  }
  return out;
}

const time = { reference: new Date('2026-11-21T00:00:00Z'), zone: 'UTC' };

/** Our own inputs: the demo mailbox, every mail and post fixture, the format cases and our log samples. */
async function ownInputs(): Promise<void> {
  // Every module of ours, loaded: some build their patterns from pieces when they load.
  for (const file of sources(join(root, 'src'))) await import(file);
  const { parsePost } = await import('../src/mail/parse.ts');
  const { extractReport } = await import('../src/extract/report.ts');
  const { formats } = await import('../src/extract/formats/registry.ts');
  const { findLogRecords } = await import('../src/extract/loglines.ts');
  const { blocks, unquote } = await import('../src/extract/quoting.ts');
  const { readSample } = await import('../scripts/eval.ts');
  const { post } = await import('./helpers/post.ts');
  const opts = { zone: 'UTC', maxScanChars: 1e6, maxLineChars: 65536 };
  const emls = (dir: string) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.eml'))
      .map((f) => join(dir, f));
  const demo = fixture('demo', 'maildir', 'cur');
  for (const file of [
    ...readdirSync(demo).map((f) => join(demo, f)),
    ...emls(fixture('mail')),
    ...emls(fixture('mail', 'wild')),
  ])
    extractReport(await parsePost(readFileSync(file)), opts);
  for (const f of readdirSync(fixture('posts'))) extractReport(post(readFileSync(fixture('posts', f), 'utf8')), opts);
  for (const f of formats) {
    for (const c of JSON.parse(readFileSync(fixture('formats', f.id, 'cases.json'), 'utf8')) as Array<{
      text: string;
    }>) {
      findLogRecords(
        blocks(unquote(c.text)).map((b) => b.lines),
        time,
        65536,
      );
    }
  }
  for (const s of JSON.parse(readFileSync(fixture('samples', 'logformats.json'), 'utf8')) as Sample[]) readSample(s);
}

/** The public corpus's log lines, as the pass read them before our own samples existed. */
async function corpusInputs(): Promise<void> {
  const { findLogRecords } = await import('../src/extract/loglines.ts');
  const { blocks, unquote } = await import('../src/extract/quoting.ts');
  for (const s of JSON.parse(readFileSync(shared('corpus', 'logformats.json'), 'utf8')) as Sample[])
    findLogRecords(
      blocks(unquote(s.line)).map((b) => b.lines),
      time,
      65536,
    );
}

/** The patterns recheck finds open to catastrophic backtracking, each with where it was made. */
async function unsafe(all: Found): Promise<string[]> {
  const out: string[] = [];
  for (const [key, r] of all) {
    // No time limits inside the analysis: with them its verdict moved with the machine's load
    // (the suite runs files in parallel), and a pattern passed or failed from run to run.
    const d = await check(r.source, r.flags, {
      timeout: 10_000,
      attackTimeout: null,
      incubationTimeout: null,
      recallTimeout: null,
      seedingTimeout: null,
    });
    if (d.status === 'vulnerable')
      out.push(`${r.where}: ${key} (${d.complexity.type}, attack: ${JSON.stringify(d.attack.pattern).slice(0, 80)})`);
  }
  return out;
}

describe('regular expressions', () => {
  it('are all safe from catastrophic backtracking (recheck)', async () => {
    const all = new Map([...literals(), ...(await dynamic(ownInputs))]);
    expect(all.size).toBeGreaterThan(100);
    expect(await unsafe(all)).toEqual([]);
    // About 720 s on a quiet two-core machine for some 800 patterns (a few dozen reach recheck's 10 s limit
    // and count as unknown, not unsafe), and the suite runs files side by side.
  }, 1_500_000);
});

describeShared('regular expressions built while reading the public corpus', () => {
  it('are safe too, where our own inputs did not already build them', async () => {
    const seen = new Map([...literals(), ...(await dynamic(ownInputs))]);
    const more = new Map([...(await dynamic(corpusInputs))].filter(([key]) => !seen.has(key)));
    expect(await unsafe(more)).toEqual([]);
  }, 300_000);
});
