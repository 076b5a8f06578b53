import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { root } from './helpers/paths.ts';

/**
 * The layers of src/, bottom first. A file may import from its own layer and from the layers
 * below it, never from one above: the store knows no stage, a stage knows no pipeline, and only
 * the CLI and the composition root see everything. `context.ts` names the store's type, so it
 * sits just above the store, under every stage that receives a context.
 */
const layers: string[][] = [
  ['model.ts', 'errors.ts', 'time.ts', 'log.ts', 'files.ts', 'package-root.ts', 'net/'],
  ['config/'],
  ['store/'],
  ['context.ts'],
  ['extract/', 'counters/', 'outbound/', 'mail/'],
  ['events/', 'sightings/', 'correlate/', 'review/', 'detect/'],
  ['draft/', 'digest/'],
  ['pipeline/'],
  ['desk/'],
  ['cli/'],
  ['app.ts'],
];

/** Arrows that go up on purpose: the CLI starts the composition root, which builds what the CLI runs. */
const allowedUp: Array<[from: string, to: string]> = [['cli/', 'app.ts']];

const src = join(root, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

interface Import {
  specifier: string;
  /** Names types only (`import type`, or every name marked `type`): gone once compiled. */
  typeOnly: boolean;
}

function typeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node))
    return (
      node.isTypeOnly ||
      (!!node.exportClause &&
        ts.isNamedExports(node.exportClause) &&
        node.exportClause.elements.every((e) => e.isTypeOnly))
    );
  const clause = node.importClause;
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return !clause.name && !!named && ts.isNamedImports(named) && named.elements.every((e) => e.isTypeOnly);
}

/**
 * The relative modules a file imports, read from its syntax tree: static imports and re-exports
 * (type-only ones too: they are arrows in the design as much as any other) and dynamic `import()`.
 */
function importsOf(file: string): Import[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: Import[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    )
      out.push({ specifier: node.moduleSpecifier.text, typeOnly: typeOnly(node) });
    else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    )
      out.push({ specifier: node.arguments[0].text, typeOnly: false });
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out.filter((i) => i.specifier.startsWith('.'));
}

/** The files of src/ (relative to src/), each with what it imports. */
function imports(): Map<string, Array<{ to: string; typeOnly: boolean }>> {
  const out = new Map<string, Array<{ to: string; typeOnly: boolean }>>();
  for (const file of sources(src))
    out.set(
      relative(src, file),
      importsOf(file).map((i) => ({ to: relative(src, resolve(dirname(file), i.specifier)), typeOnly: i.typeOnly })),
    );
  return out;
}

/** The graph of src/: each file and the files it imports. */
function graph(all: ReturnType<typeof imports>): Map<string, string[]> {
  return new Map([...all].map(([from, list]) => [from, list.map((i) => i.to)]));
}

/** The unit a file belongs to in `layers`: its top-level folder (with a slash) or its own name. */
function unit(file: string): string {
  const slash = file.indexOf('/');
  return slash < 0 ? file : file.slice(0, slash + 1);
}

function layerOf(file: string): number {
  return layers.findIndex((l) => l.includes(unit(file)));
}

/** Every import that climbs a layer, as a line naming the file and what it imports. */
function upward(g: Map<string, string[]>): string[] {
  const up: string[] = [];
  for (const [from, tos] of g)
    for (const to of tos) {
      if (allowedUp.some(([a, b]) => unit(from) === a && unit(to) === b)) continue;
      if (layerOf(to) > layerOf(from)) up.push(`src/${from} imports src/${to}`);
    }
  return up;
}

/** Strongly connected components with more than one file, or a file that imports itself (Tarjan). */
function cycles(g: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (g.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of g.keys()) if (!index.has(v)) strong(v);
  return out;
}

describe('architecture', () => {
  const all = imports();
  const g = graph(all);

  it('reads the imports of every file in src/', () => {
    // The parser must see real arrows, or an empty graph would pass every check below.
    expect(g.get('store/index.ts')).toContain('store/db.ts');
    expect(g.get('draft/digest.ts')).toContain('digest/chart.ts');
    expect(g.size).toBeGreaterThan(100);
    expect(all.get('app.ts')).toContainEqual({ to: 'store/index.ts', typeOnly: false });
    expect(all.get('context.ts')).toContainEqual({ to: 'store/index.ts', typeOnly: true });
  });

  it('places every file of src/ in a layer', () => {
    const unplaced = [...g.keys()].filter((f) => layerOf(f) < 0);
    expect(unplaced).toEqual([]);
  });

  it('has no import from a lower layer up into a higher one', () => {
    expect(upward(g)).toEqual([]);
  });

  it('has no import cycle', () => {
    const found = cycles(g).map((scc) => scc.map((f) => `src/${f}`).join(' <-> '));
    expect(found).toEqual([]);
  });

  it('opens the store in the composition root only: every other file takes its types', () => {
    const values = [...all].flatMap(([from, list]) =>
      list
        .filter((i) => unit(i.to) === 'store/' && unit(from) !== 'store/' && from !== 'app.ts' && !i.typeOnly)
        .map((i) => `src/${from} imports src/${i.to}`),
    );
    expect(values).toEqual([]);
  });

  it('finds an upward import and a cycle when there is one', () => {
    const planted = new Map(g);
    planted.set('store/db.ts', [...(g.get('store/db.ts') ?? []), 'pipeline/release.ts', 'model.ts']);
    planted.set('model.ts', ['store/db.ts']);
    expect(upward(planted)).toEqual(
      expect.arrayContaining([
        'src/store/db.ts imports src/pipeline/release.ts',
        'src/model.ts imports src/store/db.ts',
      ]),
    );
    expect(cycles(planted)).toContainEqual(expect.arrayContaining(['model.ts', 'store/db.ts']));
  });
});
