import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'acorn';
import { simple } from 'acorn-walk';
import { transformSync } from 'esbuild';
import { check } from 'recheck';
import { describe, expect, it } from 'vitest';
import { root } from './helpers/paths.ts';

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

/**
 * Patterns built at run time with `new RegExp`: recorded while the whole pipeline reads the demo
 * mailbox, the format fixtures and the public corpus.
 */
async function dynamic(): Promise<Map<string, { source: string; flags: string; where: string }>> {
  const out = new Map<string, { source: string; flags: string; where: string }>();
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
    // Modules outside the reading path that build long patterns from pieces when they load.
    await import('../src/review/words.ts');
    await import('../src/sightings/classify.ts');
    const { parsePost } = await import('../src/mail/parse.ts');
    const { extractReport } = await import('../src/extract/report.ts');
    const { formats } = await import('../src/extract/formats/registry.ts');
    const { findLogRecords } = await import('../src/extract/loglines.ts');
    const { blocks, unquote } = await import('../src/extract/quoting.ts');
    const opts = { zone: 'UTC', maxScanChars: 1e6, maxLineChars: 65536 };
    const dir = join(root, 'fixtures', 'demo', 'maildir', 'cur');
    for (const f of readdirSync(dir)) extractReport(await parsePost(readFileSync(join(dir, f))), opts);
    const time = { reference: new Date('2026-11-21T00:00:00Z'), zone: 'UTC' };
    for (const f of formats) {
      for (const c of JSON.parse(readFileSync(join(root, 'fixtures', 'formats', f.id, 'cases.json'), 'utf8')) as Array<{
        text: string;
      }>) {
        findLogRecords(blocks(unquote(c.text)), time, 65536);
      }
    }
    for (const s of JSON.parse(readFileSync(join(root, '..', 'shared', 'corpus', 'logformats.json'), 'utf8')) as Array<{
      line: string;
    }>) {
      findLogRecords(blocks(unquote(s.line)), time, 65536);
    }
  } finally {
    globalThis.RegExp = Original;
  }
  return out;
}

describe('regular expressions', () => {
  it('are all safe from catastrophic backtracking (recheck)', async () => {
    const all = new Map([...literals(), ...(await dynamic())]);
    expect(all.size).toBeGreaterThan(100);
    const unsafe: string[] = [];
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
        unsafe.push(
          `${r.where}: ${key} (${d.complexity.type}, attack: ${JSON.stringify(d.attack.pattern).slice(0, 80)})`,
        );
    }
    expect(unsafe).toEqual([]);
  }, 300_000);
});
