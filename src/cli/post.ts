import type { Limits } from '../config/schema.ts';
import type { Post, Report } from '../model.ts';
import { KansokuError } from '../errors.ts';
import { extractOptions, extractReport } from '../extract/report.ts';
import { parsePost } from '../mail/parse.ts';
import { detectSourceType, openSource } from '../mail/sources.ts';
import type { Cli } from './context.ts';

/**
 * The first message of an .eml file, an mbox or stdin, with what it claims, read within the
 * configured limits; what they left unread is logged.
 */
export async function postAndReport(ctx: Cli, file: string): Promise<{ post: Post; report: Report }> {
  const { config } = ctx.loaded;
  const post = await firstPost(file, config.limits, config.auth.pgpKeyring);
  const report = extractReport(post, extractOptions(config));
  for (const w of [...post.warnings, ...report.warnings]) ctx.log.warn({ file, messageId: post.messageId }, w);
  return { post, report };
}

async function firstPost(file: string, limits: Limits, keyring: string | null): Promise<Post> {
  const src = openSource(detectSourceType(file), file);
  for await (const m of src.messages()) return parsePost(m.raw, limits, keyring);
  throw new KansokuError('INPUT_UNREADABLE', 'mail', `${file}: no message in it`);
}
