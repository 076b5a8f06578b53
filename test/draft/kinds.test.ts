import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { packagedTemplates, validateConfig } from '../../src/config/load.ts';
import { AUTO_SEND_KINDS, kinds, type Kind } from '../../src/draft/kinds.ts';
import { TLP_ORDER } from '../../src/extract/tlp.ts';
import { scratch } from '../helpers/cli.ts';
import { post, report } from '../helpers/post.ts';
import { root } from '../helpers/paths.ts';

const names = Object.keys(kinds) as Kind[];
const templatesOf = (k: Kind) => [`${kinds[k].body}.ja`, `${kinds[k].body}.en`, ...kinds[k].parts];

/** Every test file under test/draft/, read once. */
const draftTests = readdirSync(join(root, 'test', 'draft'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => readFileSync(join(root, 'test', 'draft', f), 'utf8'));

describe('the draft kind registry', () => {
  it.each(names)('%s: has both language templates, and every template of it compiles', (k) => {
    expect(templatesOf(k).filter((t) => t.endsWith('.ja')).length).toBe(1);
    expect(templatesOf(k).filter((t) => t.endsWith('.en')).length).toBe(1);
    for (const t of templatesOf(k)) {
      const path = join(packagedTemplates, `${t}.hbs`);
      expect(existsSync(path), `${path} is missing`).toBe(true);
      expect(() => Handlebars.precompile(readFileSync(path, 'utf8')), `${t}.hbs does not compile`).not.toThrow();
    }
  });

  it('has a kind for every template in templates/', () => {
    const claimed = new Set(names.flatMap((k) => templatesOf(k).map((t) => `${t}.hbs`)));
    const orphans = readdirSync(packagedTemplates).filter((f) => !claimed.has(f));
    expect(orphans, 'templates that belong to no kind').toEqual([]);
  });

  it.each(names)('%s: is rendered through the registry by a test under test/draft/', (k) => {
    const renders = new RegExp(`\\bkinds\\.${k}\\.render\\(`);
    expect(
      draftTests.some((t) => renders.test(t)),
      `no test renders kinds.${k}`,
    ).toBe(true);
  });

  it('gives the config its send.autoSend choices: drafts for a list, and only those', () => {
    expect(AUTO_SEND_KINDS).toEqual(['reply', 'followup', 'digest', 'overview', 'advisory']);
    for (const k of AUTO_SEND_KINDS) expect(kinds[k].toList && kinds[k].draft).toBe(true);
    expect(validateConfig({ send: { autoSend: ['advisory', 'digest'] } }).send.autoSend).toEqual([
      'advisory',
      'digest',
    ]);
    for (const k of ['alert', 'review', 'note'])
      expect(() => validateConfig({ send: { autoSend: [k] } })).toThrow(/send\.autoSend\.0/);
  });

  it('gives the config its TLP labels from the one list', () => {
    for (const tlp of TLP_ORDER) expect(validateConfig({ operator: { tlp } }).operator.tlp).toBe(tlp);
    expect(() => validateConfig({ operator: { tlp: 'WHITE' } })).toThrow(/operator\.tlp/);
  });
});

describe('the template folder', () => {
  it('is kansoku’s own unless the config names another, which the drafts are then written with', () => {
    expect(validateConfig({}).draft.templates).toBe(packagedTemplates);
    const dir = join(scratch(), 'site-templates');
    cpSync(packagedTemplates, dir, { recursive: true });
    writeFileSync(join(dir, 'reply.ja.hbs'), '{{nameJa}}です。当社の文面で返信します。\n');
    const config = validateConfig({ draft: { templates: dir } });
    const p = post('tcp/5000 scanning is up here', { subject: 'tcp/5000' });
    const d = kinds.reply.render({ post: p, report: report(p.text, p), findings: [], config });
    expect(d.text.startsWith('Example ISP セキュリティ運用チームです。当社の文面で返信します。')).toBe(true);
    expect(d.text).toContain('Hi all,');
  });
});
