import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type * as Fflate from 'fflate';
import type * as HtmlToText from 'html-to-text';
import type * as Luxon from 'luxon';
import ts from 'typescript';
import type * as Iconv from 'iconv-lite';
import type * as EncodingJapanese from 'encoding-japanese';
import { describe, expect, it } from 'vitest';
import { LAZY_DEPS, standIn } from '../scripts/lazy-deps.ts';
import { kansoku, scratch } from './helpers/cli.ts';
import { fixture, root } from './helpers/paths.ts';

const requireHere = createRequire(join(root, 'package.json'));

/** Runs a stand-in's source as the bundle does, with Node's require. */
function standInOf(name: string): unknown {
  const module = { exports: {} as unknown };
  new Function('module', 'require', standIn(name))(module, requireHere);
  return module.exports;
}

describe('lazy dependencies in the build', () => {
  it('stands in only for functions the real packages have', () => {
    for (const [name, spec] of Object.entries(LAZY_DEPS)) {
      const real = requireHere(name) as Record<string, unknown>;
      if (spec === 'linkify') expect(typeof real).toBe('function');
      else for (const fn of spec) expect([name, fn, typeof real[fn]]).toEqual([name, fn, 'function']);
    }
  });

  it('answers as the real package does, through the functions and through anything else asked of it', () => {
    const html = standInOf('html-to-text') as typeof HtmlToText;
    expect(html.convert('<p>tcp/5000 <b>rise</b></p>')).toBe('tcp/5000 rise');
    const iconv = standInOf('iconv-lite') as typeof Iconv;
    const sjis = Buffer.from([0x82, 0xa0, 0x93, 0xfa]);
    expect(iconv.decode(sjis, 'shift_jis')).toBe('あ日');
    expect(iconv.encodingExists('x-no-such-charset')).toBe(false);
    const jis = standInOf('encoding-japanese') as typeof EncodingJapanese;
    const real = requireHere('encoding-japanese') as typeof EncodingJapanese;
    expect(jis.detect([0x1b, 0x24, 0x42, 0x24, 0x22, 0x1b, 0x28, 0x42])).toBe('JIS');
    expect((jis as unknown as Record<string, unknown>).version).toBe(
      (real as unknown as Record<string, unknown>).version,
    );
  });

  it("a class stands in too: fflate's Gunzip, made with new, inflates as the real one does", () => {
    const { Gunzip } = standInOf('fflate') as typeof Fflate;
    const out: Uint8Array[] = [];
    const g = new Gunzip((chunk) => out.push(chunk));
    g.push(gzipSync(Buffer.from('tcp/5000 SYN')), true);
    expect(Buffer.concat(out).toString()).toBe('tcp/5000 SYN');
  });

  it("a class's static functions and its instances work through the stand-in (luxon's DateTime)", () => {
    const { DateTime } = standInOf('luxon') as typeof Luxon;
    const d = DateTime.fromISO('2026-11-19T18:00:00Z', { zone: 'utc' }).setZone('Asia/Tokyo');
    expect(d.toFormat('M/d HH:mm')).toBe('11/20 03:00');
    expect(d instanceof DateTime).toBe(true);
  });

  it('lists every name that src/ imports by name from a lazy package (the bundle reads only those)', () => {
    const unlisted: string[] = [];
    for (const file of readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts')) continue;
      const source = ts.createSourceFile(file, readFileSync(join(root, 'src', file), 'utf8'), ts.ScriptTarget.Latest);
      for (const node of source.statements) {
        if (!ts.isImportDeclaration(node) || !ts.isStringLiteral(node.moduleSpecifier)) continue;
        const spec = LAZY_DEPS[node.moduleSpecifier.text];
        const bindings = node.importClause?.namedBindings;
        if (!spec || node.importClause?.isTypeOnly || !bindings || !ts.isNamedImports(bindings)) continue;
        for (const el of bindings.elements) {
          const name = (el.propertyName ?? el.name).text;
          if (!el.isTypeOnly && (spec === 'linkify' || !spec.includes(name)))
            unlisted.push(`${file}: ${name} from ${node.moduleSpecifier.text}`);
        }
      }
    }
    expect(unlisted).toEqual([]);
  });

  it('linkify-it: the configuration made before first use (as mailparser makes it) is there when used', () => {
    type Linkify = { tlds(l: string | string[], keep?: boolean): Linkify; match(s: string): unknown };
    const tlds = requireHere('tlds') as string[];
    const configure = (factory: () => Linkify) => factory().tlds(tlds).tlds('onion', true);
    const lazy = configure(standInOf('linkify-it') as () => Linkify);
    const real = configure(requireHere('linkify-it') as () => Linkify);
    const text = 'see http://example.onion/x and www.example.museum, mail a@b.example';
    expect(lazy.match(text)).toEqual(real.match(text));
    expect(lazy.match(text)).not.toBeNull();
  });

  it('a plain-text post in UTF-8 loads none of the HTML, link or charset packages', () => {
    const r = kansoku(['extract', fixture('mail', 'wild', 'autoreply-rfc3834.eml'), '--json'], scratch(), undefined, {
      NODE_DEBUG: 'module',
    });
    expect(r.code).toBe(0);
    const loaded = new Set([...r.stderr.matchAll(/load "[^"]*\/node_modules\/([^/"]+)/g)].map((m) => m[1]));
    const lazy = [...Object.keys(LAZY_DEPS), 'htmlparser2', 'entities'];
    expect(lazy.filter((p) => loaded.has(p))).toEqual([]);
  });

  it("a crash's stack trace names the TypeScript sources, not the bundle", () => {
    // JSON.stringify fails on the Report inside `extract --json`, as an unforeseen bug would.
    const cwd = scratch();
    const planted = join(cwd, 'break-json.mjs');
    writeFileSync(
      planted,
      'const real = JSON.stringify;\n' +
        'JSON.stringify = (v, ...rest) => {\n' +
        "  if (v?.messageId) throw new Error('planted');\n" +
        '  return real(v, ...rest);\n' +
        '};\n',
    );
    const post = fixture('demo', 'maildir', 'cur', '1763601300.M1P100.demo:2,S');
    const r = kansoku(['extract', post, '--json'], cwd, undefined, { NODE_OPTIONS: `--import=${planted}` });
    expect(r.code).toBe(70);
    expect(r.stderr).toContain('Error: planted');
    expect(r.stderr).toMatch(/src\/cli\/commands\/extract\.ts:\d+:\d+/);
    expect(r.stderr).not.toMatch(/dist\/(chunks|cli)\//);
  });
});
