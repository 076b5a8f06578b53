import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createPatch } from 'diff';
import addressparser from 'nodemailer/lib/addressparser';
import type { Config } from '../config/schema.ts';
import type { Context } from '../context.ts';
import { kinds } from '../draft/kinds.ts';
import { mayGoToList } from '../extract/tlp.ts';
import type { DraftMessage } from '../model.ts';
import { OutboundGate } from '../outbound/gate.ts';
import type { Outgoing } from '../outbound/compose.ts';
import { reviewRequest } from '../draft/review.ts';
import { newReviewToken, reviewRequestId } from '../review/mail.ts';
import { decide, revise } from '../review/transitions.ts';
import type { StoredDraft } from '../store/index.ts';

/** The one outbound gate of this pipeline: every message it writes or sends is built there. */
export function gateOf(p: Context): OutboundGate {
  return new OutboundGate(p.config, p.store.placeholders);
}

export function ownAddress(config: Config): string {
  const a = addressparser(config.identity.from, { flatten: true })[0];
  return (a && 'address' in a ? a.address : config.identity.from).toLowerCase();
}

/** Writes a draft's .eml whole or not at all: a reader of the outbox folder never sees half a file. */
export function writeEml(path: string, data: Buffer): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.tmp`);
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export interface PreparedDraft {
  /** The draft as the gate built it: our own networks redacted for a list. */
  draft: DraftMessage;
  eml: Buffer;
  path: string | null;
  reviewToken: string | null;
  request: { messageId: string; raw: Buffer } | null;
  /** Sent without a person: send.autoSend allows its kind, or it goes to our own people only (an alert). */
  automatic: boolean;
  heldReason: string | null;
  /** Why the outbound gate refused the message; it is then held, and no file is written. */
  refused: string | null;
}

/**
 * Whether a draft goes without a person: one for the operator's own people (an alert) whenever it
 * has an address, one for a list when send.autoSend names its kind and its label lets it go to a
 * list; never one that waits held.
 */
export function isAutomatic(draft: DraftMessage, p: Context, hold: string | null = null): boolean {
  if (hold) return false;
  if (!kinds[draft.kind].toList) return Boolean(draft.to);
  return p.config.send.autoSend.some((k) => k === draft.kind) && mayGoToList(draft.tlp);
}

/** The Outgoing form of a draft, for the gate. */
export function outgoing(d: DraftMessage, p: Context, automatic: boolean): Outgoing {
  return { ...d, draftMessageId: d.messageId, automatic, charset: p.config.send.charset };
}

/**
 * Builds a draft through the outbound gate, writes its .eml to the outbox folder when the gate
 * lets it, and builds its review request; all before the transaction that stores it.
 */
export async function prepareDraft(
  p: Context,
  draft: DraftMessage,
  fileName: string,
  opts: {
    hold?: string | null;
    gate?: OutboundGate;
    html?: string;
    attachments?: Outgoing['attachments'];
    /** false: the caller writes the .eml (writeEml) once the draft is stored. */
    write?: boolean;
  } = {},
): Promise<PreparedDraft> {
  const gate = opts.gate ?? gateOf(p);
  const automatic = isAutomatic(draft, p, opts.hold);
  const built = await gate.build({ ...outgoing(draft, p, automatic), html: opts.html, attachments: opts.attachments });
  const built_draft: DraftMessage = {
    ...draft,
    subject: built.subject,
    text: built.text,
    inReplyTo: built.inReplyTo,
    references: built.references,
  };
  const refused = built.problems.length ? built.problems.join('; ') : null;
  // The outbox folder holds what may go to a list, and a held draft waits apart in held/, so that
  // nothing that mails out the folder's .eml files can take it; private mail stays in the store.
  const heldReason = opts.hold ?? null;
  const dir = heldReason ? join(p.config.draft.outbox, 'held') : p.config.draft.outbox;
  const path = refused || built.audience === 'private' ? null : join(dir, fileName);
  if (path && opts.write !== false) writeEml(path, built.raw);
  const reviewToken = p.config.review.address && !automatic && kinds[draft.kind].toList ? newReviewToken() : null;
  let request: PreparedDraft['request'] = null;
  if (reviewToken && !heldReason && !refused) {
    const r = await gate.build(reviewRequest(built_draft, reviewToken, p.config));
    if (r.problems.length)
      p.log.error(
        { messageId: draft.messageId, problems: r.problems },
        'outbound gate refused a review request; the draft waits for the CLI',
      );
    else request = { messageId: reviewRequestId(reviewToken, p.config), raw: r.raw };
  }
  return {
    draft: built_draft,
    eml: built.raw,
    path,
    reviewToken,
    request,
    automatic: automatic && !refused,
    heldReason,
    refused,
  };
}

/**
 * Stores a prepared draft, inside the caller's transaction, and puts it on its way (afterStore).
 */
export function insertDraft(p: Context, d: PreparedDraft): number {
  const id = p.store.drafts.add(
    {
      ...d.draft,
      envelopeFrom: ownAddress(p.config),
      eml: d.eml,
      emlPath: d.path,
      reviewToken: d.reviewToken,
      heldReason: d.heldReason,
    },
    p.actor,
  );
  afterStore(p, id, d);
  return id;
}

/**
 * Puts a stored draft (new, or a new revision) on its way, inside the caller's transaction:
 * approved at once when it goes without a person (unless `mayApprove` is false: a person rejected
 * its earlier revision), otherwise with its review request queued for the moderators. A refusal
 * of the outbound gate is recorded with the draft, which is then held.
 */
export function afterStore(p: Context, id: number, d: PreparedDraft, mayApprove = true): void {
  const { store, config } = p;
  if (d.refused) {
    store.drafts.refuse({ draftId: id, messageId: d.draft.messageId, stage: 'build', reason: d.refused });
    p.log.error(
      { draft: id, messageId: d.draft.messageId, kind: d.draft.kind, reason: d.refused },
      'outbound gate refused a draft; held for review, not written',
    );
  } else if (d.automatic && mayApprove) {
    decide(
      store,
      id,
      'approve',
      'auto-send',
      kinds[d.draft.kind].toList ? `send.autoSend allows ${d.draft.kind}` : `private ${d.draft.kind}`,
    );
  } else if (d.request) {
    store.outbox.enqueue({
      draftId: id,
      kind: 'review',
      messageId: d.request.messageId,
      envelopeFrom: ownAddress(config),
      envelopeTo: config.review.address!,
      raw: d.request.raw,
    });
  }
}

/** The audit note of a revision: why, in its first line, and the unified diff of the text below it. */
export function revisionNote(d: StoredDraft, text: string, why: string): string {
  const patch = createPatch(`#${d.id}`, d.text, text, `revision ${d.revision}`, '', { context: 0 });
  return `revision ${d.revision + 1} ${why}\n${patch.split('\n').slice(2).join('\n')}`;
}

/**
 * Stores a prepared draft as the next revision of `d`, with its file. The files change first and
 * are put back when the store does not take the revision (`d` moved since it was read, or `guard`
 * says the revision is no longer due): a process that dies in between leaves the old revision in
 * the store and the caller's claim, if any, pending. `then` runs in the revision's transaction.
 * Null when the revision was not taken.
 */
export function storeRevision(
  p: Context,
  d: StoredDraft,
  prepared: PreparedDraft,
  note: string,
  opts: { mayApprove: boolean; guard?: () => boolean; then?: (r: StoredDraft) => void },
): StoredDraft | null {
  const { store } = p;
  const moved = d.emlPath && d.emlPath !== prepared.path;
  if (prepared.path) writeEml(prepared.path, prepared.eml);
  if (moved) rmSync(d.emlPath!, { force: true });
  const revised = store.transaction(() => {
    store.lock('kansoku-pipeline');
    if (opts.guard && !opts.guard()) return null;
    const r = revise(
      store,
      d,
      { ...prepared.draft, eml: prepared.eml, emlPath: prepared.path, reviewToken: prepared.reviewToken },
      p.actor,
      note,
    );
    if (!r) return null;
    afterStore(p, r.id, prepared, opts.mayApprove);
    opts.then?.(r);
    return r;
  });
  if (!revised) {
    if (prepared.path && prepared.path !== d.emlPath) rmSync(prepared.path, { force: true });
    if (d.emlPath) writeEml(d.emlPath, d.eml);
  }
  return revised;
}
