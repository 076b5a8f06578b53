import { listById } from '../../draft/render.ts';
import type { Step } from '../message.ts';

/** Only posts of a configured list are read for claims: other mail in the box is not ours to answer. */
export const fromList: Step = (s, ctx) => {
  const post = s.post!;
  const list = listById(post.listId, ctx.config);
  if (!list) {
    ctx.log.info({ messageId: post.messageId, listId: post.listId }, 'not from a configured list; no draft');
    s.status = 'skipped';
    s.reason = `List-Id ${post.listId ?? '(none)'} is not a configured list`;
    s.decision.stop('list', 'not-list', s.reason, { listId: post.listId });
    return 'not-list';
  }
  s.decision.pass('list', 'list', `a post to ${list.listId}`, { listId: list.listId });
  return undefined;
};
