import { KansokuError } from '../../errors.ts';
import { automaticReason } from '../../mail/automatic.ts';
import { parsePost, syntheticMessageId } from '../../mail/parse.ts';
import { ownAddress } from '../drafts.ts';
import type { Step } from '../message.ts';

/**
 * Takes a message in, or not: within the size cap, parseable, new, and not automatic mail (an
 * out-of-office reply, a bounce). What is not taken in is recorded, so it is never read again.
 */
export const admit: Step = async (s, ctx) => {
  const { config, store, log } = ctx;
  const m = s.message;
  const size = m.size ?? m.raw.length;
  if (size > config.limits.maxMessageBytes) {
    s.reason = `larger than limits.maxMessageBytes (${size} bytes)`;
    s.decision.stop('admit', 'too-large', s.reason, { bytes: size, limit: config.limits.maxMessageBytes });
    return 'quarantined';
  }
  try {
    s.post = await parsePost(m.raw, config.limits, config.auth.pgpKeyring);
  } catch (err) {
    s.reason = err instanceof KansokuError ? err.message : String(err);
    s.decision.stop('admit', 'unreadable', s.reason, { messageId: syntheticMessageId(m.raw) });
    return 'quarantined';
  }
  const post = s.post;
  for (const w of post.warnings) {
    log.warn({ messageId: post.messageId, origin: m.origin }, w);
    s.decision.note('admit', 'warning', w);
  }
  if (store.messages.has(post.messageId)) {
    s.decision.stop('admit', 'duplicate', 'already processed');
    return 'duplicate';
  }
  s.claimed = post.messageId;
  const auto = automaticReason(post, ownAddress(config));
  if (auto) {
    log.info({ messageId: post.messageId, reason: auto }, 'not answering automatic mail');
    s.status = 'skipped';
    s.reason = auto;
    s.decision.stop('admit', 'automatic', auto);
    return 'automatic';
  }
  s.decision.pass('admit', 'new', 'a new message from a person', { messageId: post.messageId });
  return undefined;
};
