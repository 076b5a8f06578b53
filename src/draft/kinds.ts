import { digest } from './digest.ts';
import { overview } from './overview.ts';
import { note, review } from './review.ts';
import { advisory } from './advisory.ts';
import { alert } from './alert.ts';
import { followup } from './followup.ts';
import { reply } from './reply.ts';

import { KIND_RULES } from '../model.ts';

export type { AutoSendKind, DraftKind, Kind } from '../model.ts';
export { AUTO_SEND_KINDS } from '../model.ts';

/**
 * Every kind of message kansoku writes: its module (data builder, renderer, templates in
 * templates/) with the rules of KIND_RULES in src/model.ts (draft, toList, autoSend). A new kind is
 * one module, its templates, its rules and one entry here. A test fails when a kind lacks its
 * templates or a test that renders it, and when a template belongs to no kind.
 */
export const kinds = {
  reply: { ...reply, ...KIND_RULES.reply },
  followup: { ...followup, ...KIND_RULES.followup },
  digest: { ...digest, ...KIND_RULES.digest },
  overview: { ...overview, ...KIND_RULES.overview },
  advisory: { ...advisory, ...KIND_RULES.advisory },
  alert: { ...alert, ...KIND_RULES.alert },
  review: { ...review, ...KIND_RULES.review },
  note: { ...note, ...KIND_RULES.note },
} as const satisfies Record<keyof typeof KIND_RULES, unknown>;
