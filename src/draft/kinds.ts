import { digest } from '../digest/render.ts';
import { note, review } from '../review/mail.ts';
import { advisory } from './advisory.ts';
import { alert } from './alert.ts';
import { followup } from './followup.ts';
import { reply } from './reply.ts';

/**
 * Every kind of message kansoku writes. A new kind is one module (its data builder, renderer and
 * templates), its templates in templates/, and one entry here saying what the pipeline does with
 * it: `draft`, a person decides on it and it is kept (false for mail about drafts); `toList`, it
 * may go to a list (false: to the operator's own people only, without review); `autoSend`,
 * send.autoSend may let it go without a person. The config's send.autoSend choices and the
 * DraftKind type come from here. A test fails when a kind lacks its templates or a test that
 * renders it, and when a template belongs to no kind.
 */
export const kinds = {
  reply: { ...reply, draft: true, toList: true, autoSend: true },
  followup: { ...followup, draft: true, toList: true, autoSend: true },
  digest: { ...digest, draft: true, toList: true, autoSend: true },
  advisory: { ...advisory, draft: true, toList: true, autoSend: true },
  alert: { ...alert, draft: true, toList: false, autoSend: false },
  review: { ...review, draft: false, toList: false, autoSend: false },
  note: { ...note, draft: false, toList: false, autoSend: false },
} as const;

type Kinds = typeof kinds;
export type Kind = keyof Kinds;
/** The kinds that are drafts a person decides on, kept in the store. */
export type DraftKind = { [K in Kind]: Kinds[K]['draft'] extends true ? K : never }[Kind];
export type AutoSendKind = { [K in Kind]: Kinds[K]['autoSend'] extends true ? K : never }[Kind];

/** What send.autoSend may name. */
export const AUTO_SEND_KINDS = (Object.keys(kinds) as Kind[]).filter((k) => kinds[k].autoSend) as [
  AutoSendKind,
  ...AutoSendKind[],
];
