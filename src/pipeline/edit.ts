/**
 * A person's own words in place of a draft's: the edited text goes through the outbound gate like
 * anything the bot writes, and is stored as the draft's next revision, with the diff in the audit
 * trail. `kansoku edit` and the desk both edit through here.
 */
import { basename } from 'node:path';
import { simpleParser } from 'mailparser';
import type { Context } from '../context.ts';
import { kinds } from '../draft/kinds.ts';
import { joinParts, splitParts } from '../draft/render.ts';
import { subjectWithTlp, strictest, tlpLabels, TLP_ORDER } from '../extract/tlp.ts';
import type { StoredDraft } from '../store/index.ts';
import { PARSER_OPTIONS } from '../mail/parse.ts';
import type { DraftMessage } from '../model.ts';
import { oneLine } from '../review/transitions.ts';
import { gateOf, prepareDraft, revisionNote, storeRevision } from './drafts.ts';

export interface Edit {
  /** The revision the person edited: a draft revised since is not overwritten. */
  revision: number;
  ja: string;
  en: string;
  note: string | null;
}

export type EditOutcome =
  | { status: 'revised'; draft: StoredDraft }
  | { status: 'unchanged'; draft: StoredDraft }
  /** Why the edit was not stored; the draft is as it was. */
  | { status: 'refused'; draft: StoredDraft; reasons: string[] };

/** The thread a stored draft answers in, as its message carries it. */
async function threadOf(d: StoredDraft): Promise<Pick<DraftMessage, 'inReplyTo' | 'references'>> {
  const m = await simpleParser(d.eml, PARSER_OPTIONS);
  const refs = m.references ?? [];
  return { inReplyTo: m.inReplyTo ?? null, references: Array.isArray(refs) ? refs : [refs] };
}

/** Characters that reorder what a reader sees: an address can be written backwards behind them. */
const BIDI = /[\u202a-\u202e\u2066-\u2069]/;

const below = (a: string, b: string) =>
  TLP_ORDER.indexOf(a as (typeof TLP_ORDER)[number]) < TLP_ORDER.indexOf(b as (typeof TLP_ORDER)[number]);

/** Why no edit of this draft can be stored, before anyone writes one; null when it can. */
export function notEditable(p: Pick<Context, 'store'>, d: StoredDraft): string | null {
  if (!kinds[d.kind].editable)
    return `#${d.id} is the ${d.kind}, drawn from the counters with its charts: render it again ("kansoku ${d.kind}")`;
  // A send that was tried may be out, whatever became of the draft since (a rejection after it).
  if (d.status === 'sent' || p.store.outbox.attempted(d.id))
    return `#${d.id} has gone out (or its sending was tried): its words stay as they went`;
  return null;
}

/**
 * Stores `edit` as the next revision of draft `id`, or says why not. Refused: a draft that went
 * out or whose send was tried, one of a kind that is rendered again rather than edited, one
 * revised since the person read it, text that names our own networks in a message for a list
 * (the gate would hide it, but the person meant to write it), text that labels the message below
 * its TLP, and anything the outbound gate refuses. A label above the draft's TLP raises it.
 */
export async function editDraft(p: Context, id: number, change: Edit): Promise<EditOutcome> {
  const { store } = p;
  // A browser sends a textarea's lines with CRLF: the draft's own are LF, and a diff of every line is no diff.
  const edit = {
    ...change,
    ja: change.ja.replace(/\r\n?/g, '\n'),
    en: change.en.replace(/\r\n?/g, '\n'),
    note: oneLine(change.note),
  };
  const d = store.drafts.get(id);
  const refused = (...reasons: string[]): EditOutcome => ({ status: 'refused', draft: d, reasons });
  const not = notEditable(p, d);
  if (not) return refused(not);
  if (d.revision !== edit.revision)
    return refused(`#${d.id} is at revision ${d.revision}, not ${edit.revision}: read it again, then edit`);
  const text = joinParts(edit.ja, edit.en);
  if (!edit.ja.trim() || !edit.en.trim()) return refused('both the Japanese and the English part need text');
  if (text === d.text) return { status: 'unchanged', draft: d };

  const gate = gateOf(p);
  const reasons: string[] = [];
  if (gate.audience([d.to]) === 'list')
    for (const m of gate.networks.find(text))
      reasons.push(`the text names our own address ${m.value}, which a list must not read`);
  if (BIDI.test(text))
    reasons.push('the text carries bidirectional control characters, which make it read other than it is');
  const labels = tlpLabels(text);
  // Every label against the TLP the edit leaves: one raised in a part raises the whole message.
  const tlp = strictest([d.tlp, ...labels])!;
  for (const l of new Set(labels))
    if (below(l, tlp)) reasons.push(`the text labels the message TLP:${l}, below its TLP:${tlp}`);
  // A reader takes a message without a label at the list's default: a label taken out lowers it too.
  const before = splitParts(d.text);
  for (const [part, name] of [
    ['ja', 'Japanese'],
    ['en', 'English'],
  ] as const)
    if (before && tlpLabels(before[part]).length && !tlpLabels(edit[part]).length)
      reasons.push(`the ${name} part no longer says its TLP (TLP:${d.tlp})`);
  if (reasons.length) return refused(...reasons);

  const prepared = await prepareDraft(
    p,
    {
      kind: d.kind,
      messageId: d.messageId,
      sourceMessageId: d.sourceMessageId,
      to: d.to,
      tlp,
      subject: tlp === d.tlp ? d.subject : subjectWithTlp(d.subject, tlp),
      from: p.config.identity.from,
      text,
      ...(await threadOf(d)),
    },
    d.emlPath ? basename(d.emlPath) : `${d.kind}-${d.id}.eml`,
    { hold: d.heldReason, gate, write: false },
  );
  if (prepared.refused) return refused(...prepared.refused.split('; '));
  const note = revisionNote(d, prepared.draft.text, `edited${edit.note ? `: ${edit.note}` : ''}`);
  // A person wrote these words: they are reviewed like any, never sent on send.autoSend's word.
  const r = storeRevision(p, d, prepared, note, { mayApprove: false });
  if (!r) return refused(`#${d.id} changed while it was edited: read it again, then edit`);
  p.log.info({ draft: d.id, revision: r.revision, actor: p.actor }, 'draft edited');
  return { status: 'revised', draft: r };
}
