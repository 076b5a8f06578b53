import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Handlebars from 'handlebars';
import { addressDomain } from '../mail/address.ts';
import type { Config } from '../config/schema.ts';
import type { Tlp } from '../model.ts';
import { messageTlp as tlpOf, tlpFloor } from '../extract/tlp.ts';

/**
 * One kind of message the bot writes: its templates, its data builder and its renderer. The
 * registry (kinds.ts) adds what the pipeline needs to know about it.
 */
export interface KindSpec<Input, Message> {
  /** The two parts of its text: templates/BODY.ja.hbs (first) and templates/BODY.en.hbs. */
  body: string;
  /** Its other templates, templates/NAME.hbs (the digest's HTML part). */
  parts: readonly string[];
  /** The data builder: plain typed values in, the facts the templates render, formatted, out. */
  view(input: Input): object;
  /** The message, as the outbound gate takes it. */
  render(input: Input): Message;
  /** Its .eml file in the outbox folder; null for mail that never has one. */
  fileName: ((input: Input, message: Awaited<Message>) => string) | null;
}

const templates = new Map<string, Handlebars.TemplateDelegate>();

/** Renders DIR/NAME.hbs. Text templates are not escaped; templates named *.html are. */
export function renderTemplate(dir: string, name: string, view: object): string {
  const path = resolve(dir, `${name}.hbs`);
  let t = templates.get(path);
  if (!t) {
    t = Handlebars.compile(readFileSync(path, 'utf8'), { noEscape: !name.endsWith('.html'), strict: false });
    templates.set(path, t);
  }
  return t(view);
}

/**
 * One body from the two templates NAME.ja and NAME.en: the Japanese part first, then the English,
 * as the list's members write. (Our own networks are replaced by the outbound gate, in every part
 * of the message at once.)
 */
export function bilingualText(dir: string, name: string, view: object): string {
  return joinParts(renderTemplate(dir, `${name}.ja`, view), renderTemplate(dir, `${name}.en`, view));
}

/** The rule between the Japanese and the English part of a message. */
const PART_RULE = '-'.repeat(60);

/** One message of the two parts, Japanese first, the rule between them. */
export function joinParts(ja: string, en: string): string {
  return `${ja.trim()}\n\n${PART_RULE}\n\n${en.trim()}\n`.replace(/\n{3,}/g, '\n\n');
}

/** The Japanese and the English part of a message joinParts made; null for text without the rule. */
export function splitParts(text: string): { ja: string; en: string } | null {
  const lines = text.split(/\r?\n/);
  const at = lines.indexOf(PART_RULE);
  if (at < 0) return null;
  return {
    ja: lines.slice(0, at).join('\n').trim(),
    en: lines
      .slice(at + 1)
      .join('\n')
      .trim(),
  };
}

/**
 * A message's TLP: the strictest of everything in it, and never below the list's default (a post
 * labelled lower still gets an answer at the list's label) or our own figures' label.
 */
export function messageTlp(
  material: Array<Tlp | null | undefined>,
  list: Config['lists'][number] | null,
  config: Config,
): Tlp {
  return tlpOf(material, tlpFloor(list ? [list.defaultTlp] : [], config.operator.tlp));
}

/** A draft's Message-ID is stable: the same post always yields the same ID, so a resend is recognisable. */
export function draftMessageId(sourceMessageId: string, kind: string, from: string): string {
  const key = createHash('sha256').update(`${kind}\n${sourceMessageId}`).digest('hex').slice(0, 24);
  return `<kansoku.${kind}.${key}@${addressDomain(from)}>`;
}

/** Finds the configured list a message came through, by its List-Id. */
export function listById(listId: string | null, config: Config): Config['lists'][number] | null {
  return config.lists.find((l) => listId !== null && l.listId.toLowerCase() === listId) ?? null;
}
