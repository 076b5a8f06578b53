/**
 * The desk's HTML: the project's handlebars, in an instance of their own that escapes everything
 * (the pages show posts from strangers), with the templates in assets/desk/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { packageRoot } from '../package-root.ts';

export const DESK_ASSETS = join(packageRoot, 'assets', 'desk');

export type Page = 'queue' | 'draft' | 'events' | 'event' | 'message';

export interface Views {
  render(page: Page, view: { title: string; [k: string]: unknown }): string;
}

/** Compiles every template once; `layout` wraps each page. */
export function loadViews(): Views {
  const hbs = Handlebars.create();
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('json', (v: unknown) => JSON.stringify(v, null, 2));
  const pages = new Map<string, Handlebars.TemplateDelegate>();
  for (const f of readdirSync(DESK_ASSETS).filter((n) => n.endsWith('.hbs'))) {
    const name = f.slice(0, -'.hbs'.length);
    pages.set(name, hbs.compile(readFileSync(join(DESK_ASSETS, f), 'utf8'), { strict: false }));
  }
  const layout = pages.get('layout')!;
  return {
    render(page, view) {
      return layout({ ...view, body: new hbs.SafeString(pages.get(page)!(view)) });
    },
  };
}
