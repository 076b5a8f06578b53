/**
 * What each page of the desk shows, read from the store as plain values; views.ts turns them into
 * HTML. Lists are read a page at a time, so that a long history never holds the store for long.
 */
import type { Config } from '../config/schema.ts';
import { kinds } from '../draft/kinds.ts';
import { splitParts } from '../draft/render.ts';
import { signatureLine } from '../mail/signature-line.ts';
import { eventSummary } from '../events/summary.ts';
import { unquote } from '../extract/quoting.ts';
import type { DraftStatus, Finding, Proto } from '../model.ts';
import { PLACEHOLDER } from '../outbound/redact.ts';
import { notEditable } from '../pipeline/edit.ts';
import { nextStatus, type ReviewAction } from '../review/transitions.ts';
import type { Store, StoredDraft } from '../store/index.ts';
import { hourAt } from '../time.ts';

export interface Paging {
  page: number;
  size: number;
}

const offset = (p: Paging) => ({ limit: p.size + 1, offset: (p.page - 1) * p.size });

/** How long ago, as a reviewer reads a queue: minutes, hours or days. */
export function age(iso: string, now: number): string {
  const min = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  if (min < 60) return `${min} min`;
  if (min < 48 * 60) return `${Math.round(min / 60)} h`;
  return `${Math.round(min / 1440)} d`;
}

/** The ports a draft is about: those its post claimed, else those of the events it belongs to. */
export function portsOf(store: Store, d: StoredDraft): Array<{ proto: Proto; port: number }> {
  const findings = store.messages.get(d.sourceMessageId)?.findings ?? [];
  const claimed = findings.flatMap((f) => (f.proto ? [{ proto: f.proto, port: f.port }] : []));
  if (claimed.length) return claimed;
  return store.events.byMessages([d.messageId, d.sourceMessageId]).map((e) => ({ proto: e.proto, port: e.port }));
}

function row(store: Store, d: StoredDraft, now: number) {
  return {
    id: d.id,
    age: age(d.createdAt, now),
    kind: d.kind,
    tlp: d.tlp,
    status: d.status,
    revision: d.revision,
    ports: portsOf(store, d)
      .map((p) => `${p.port}/${p.proto}`)
      .join(', '),
    subject: d.subject,
    heldReason: d.heldReason ?? null,
  };
}

function section(store: Store, status: DraftStatus, paging: Paging, now: number) {
  const list = store.drafts.list(status, offset(paging));
  return { rows: list.slice(0, paging.size).map((d) => row(store, d, now)), more: list.length > paging.size };
}

/** The queue: drafts waiting for a person, approved ones not yet sent, held ones, and the gate's refusals. */
export function queuePage(store: Store, paging: Paging, now: number) {
  const waiting = section(store, 'draft', paging, now);
  const approved = section(store, 'approved', paging, now);
  const held = section(store, 'held', paging, now);
  // The latest refusals, with where their drafts stand now (an edit may have mended one since).
  const refused = store.drafts
    .refusals(undefined, paging.size)
    .filter((r) => r.draftId !== null)
    .map((r) => {
      const d = store.drafts.get(r.draftId!);
      return { ...r, age: age(r.at, now), subject: d.subject, status: d.status, revision: d.revision };
    });
  return {
    waiting,
    approved,
    held,
    refused,
    counts: {
      waiting: store.drafts.count('draft'),
      approved: store.drafts.count('approved'),
      held: store.drafts.count('held'),
    },
    page: paging.page,
    prev: paging.page > 1 ? paging.page - 1 : null,
    next: waiting.more || approved.more || held.more ? paging.page + 1 : null,
  };
}

/** A text with our placeholders for our own networks marked, as pieces the view escapes one by one. */
export function marked(text: string): Array<{ text: string; mark: boolean }> {
  const out: Array<{ text: string; mark: boolean }> = [];
  let at = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (m.index > at) out.push({ text: text.slice(at, m.index), mark: false });
    out.push({ text: m[0], mark: true });
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push({ text: text.slice(at), mark: false });
  return out;
}

/** A post's text with its quoted runs folded: what the member wrote shows, what they quoted opens on a click. */
export function folded(text: string, max: number) {
  const cut = text.length > max;
  const blocks: Array<{ quoted: boolean; lines: number; text: string }> = [];
  for (const l of unquote(cut ? text.slice(0, max) : text)) {
    const quoted = l.depth > 0;
    const last = blocks.at(-1);
    const line = quoted ? `${'>'.repeat(l.depth)} ${l.text}` : l.text;
    if (last && last.quoted === quoted) {
      last.text += `\n${line}`;
      last.lines++;
    } else blocks.push({ quoted, lines: 1, text: line });
  }
  return { blocks, cut, max };
}

/** Which decisions the review rules allow on the draft now, and why not the others. */
function actions(d: StoredDraft) {
  const can = (a: ReviewAction) => {
    try {
      nextStatus(d, a);
      return true;
    } catch {
      return false;
    }
  };
  return { approve: can('approve'), reject: can('reject'), release: can('release') };
}

const pct = (x: number | null) => (x === null ? '-' : `${Math.round(x * 100)}%`);

/** How the verdict was reached, in a line: what was expected and from what, and which test decided. */
function method(f: Finding): string | null {
  const t = f.test;
  if (!t) return null;
  const seasonal = t.seasonal
    ? `, seasonal ${t.seasonal.value}/h by ${t.seasonal.from} over ${t.seasonal.hours} h`
    : '';
  const spikes = t.spikeLevel === null ? '' : `, spike level ${t.spikeLevel}`;
  return (
    `expected ${t.expected}/h (48 h band mean ${f.baseline?.mean ?? '-'}${seasonal}${spikes}); ` +
    `Poisson p = ${t.pValue.toPrecision(2)}; ${t.failed ? `failed the ${t.failed} test` : 'passed every test'}`
  );
}

/** What our own raw events of the port show, in a line. */
function evidence(f: Finding): string | null {
  const e = f.evidence;
  if (!e) return null;
  return [
    `${e.events}${e.truncated ? '+' : ''} events from ${e.sources} sources, ${e.from} – ${e.to}`,
    `SYN only ${pct(e.synOnly)}, one target per /24 ${pct(e.onePerSlash24)}`,
    `countries ${e.countries.map((c) => `${c.country} ${pct(c.share)}`).join(', ') || '-'}`,
    `fingerprints ${e.fingerprints.map((x) => `${x.tool} ${pct(x.share)}`).join(', ') || 'none'}`,
  ].join('; ');
}

function findingRow(f: Finding) {
  return {
    port: `${f.port}/${f.proto ?? '?'}`,
    verdict: f.verdict,
    current: f.current,
    currentHour: f.currentHour,
    band: f.baseline ? `${f.baseline.mean} (upper ${f.baseline.upper}, ${f.baseline.hours} h)` : null,
    method: method(f),
    ratio: f.ratio,
    onset: f.onset,
    peak: f.peak ? `${f.peak.events} at ${f.peak.hour}` : null,
    evidence: evidence(f),
    samples: f.evidence?.samples ?? [],
    sourcesSeen: f.sourcesSeenLocally.join(' '),
    coverage: `${f.coverage.hoursWithData}/${f.coverage.hoursInWindow} h`,
  };
}

export interface EditState {
  /** The revision the person edited: a form sent again after a refusal still names it. */
  revision: number;
  ja: string;
  en: string;
  note: string;
  reasons: string[];
}

/** One draft: the post it answers, our words, why we said them, its chart and its history. */
export function draftPage(store: Store, config: Config, id: number, now: number, edit: EditState | null = null) {
  const d = store.drafts.get(id);
  const source = store.messages.get(d.sourceMessageId);
  const header = store.messages.header(d.sourceMessageId);
  const text = store.messages.text(d.sourceMessageId);
  const parts = splitParts(d.text);
  const not = notEditable({ store }, d);
  return {
    draft: { ...row(store, d, now), to: d.to, messageId: d.messageId, createdAt: d.createdAt, updatedAt: d.updatedAt },
    preview: marked(d.text),
    edit: {
      allowed: not === null && parts !== null,
      why: not ?? (parts ? null : 'the draft has no Japanese and English part to edit apart'),
      revision: edit?.revision ?? d.revision,
      ja: edit?.ja ?? parts?.ja ?? '',
      en: edit?.en ?? parts?.en ?? '',
      note: edit?.note ?? '',
      reasons: edit?.reasons ?? [],
    },
    actions: actions(d),
    post: source
      ? {
          from: header?.from ? `${header.from.name} <${header.from.address}>` : (source.fromAddr ?? null),
          date: header?.date ?? source.sentAt,
          subject: source.subject,
          messageId: source.messageId,
          signature: source.report?.signature
            ? { ja: signatureLine(source.report.signature, 'ja'), en: signatureLine(source.report.signature, 'en') }
            : null,
          body: text === null ? null : folded(text, config.desk.maxPostChars),
        }
      : null,
    decision: source?.decision ?? null,
    findings: (source?.findings ?? []).map(findingRow),
    charts: portsOf(store, d).map((p) => ({ ...p, url: `/drafts/${d.id}/chart/${p.proto}/${p.port}.png` })),
    history: store.drafts.history(d.id).map((h) => {
      const [first, ...rest] = (h.note ?? '').split('\n');
      return { ...h, first: first ?? '', rest: rest.join('\n') };
    }),
    refusals: store.drafts.refusals(d.id),
    toList: kinds[d.kind].toList,
  };
}

/** The hours a draft's chart covers: `days` up to the hour of the post it answers (or of the draft). */
export function chartSpan(
  store: Store,
  d: StoredDraft,
  days: number,
): { first: number; last: number; onset: string | null } {
  const header = store.messages.header(d.sourceMessageId);
  const at = Date.parse(header?.date ?? d.createdAt);
  const last = store.counters.lastCoveredHour(hourAt(Number.isNaN(at) ? Date.now() : at)) ?? 0;
  const onset = (store.messages.get(d.sourceMessageId)?.findings ?? []).find((f) => f.onset)?.onset ?? null;
  return { first: last - days * 24 + 1, last, onset };
}

/** The events, newest first, with their tallies. */
export function eventsPage(store: Store, paging: Paging) {
  const list = store.events.list(offset(paging));
  return {
    rows: list.slice(0, paging.size).map((e) => {
      const s = eventSummary(store, e.id);
      return {
        ...s,
        byOrg: Object.entries(s.byOrg).map(([org, verdict]) => ({ org, verdict })),
        endedAt: e.endedAt,
      };
    }),
    total: store.events.count(),
    page: paging.page,
    prev: paging.page > 1 ? paging.page - 1 : null,
    next: list.length > paging.size ? paging.page + 1 : null,
  };
}

/** One event: its tally and its timeline of posts, our drafts, sightings and verdict changes. */
export function eventPage(store: Store, id: number) {
  const e = store.events.get(id);
  if (!e) return null;
  const s = eventSummary(store, id);
  const timeline: Array<{ at: string; what: string; text: string; draftId: number | null; change: string | null }> = [];
  let verdict: string | null = null;
  for (const p of store.events.posts(id)) {
    const v = (p.finding as { verdict?: string } | null)?.verdict ?? null;
    const change = v && verdict && v !== verdict ? `${verdict} → ${v}` : null;
    if (v) verdict = v;
    const draft = p.role === 'draft' ? store.drafts.byMessageId(p.messageId) : null;
    timeline.push({
      at: p.at,
      what: draft ? `our ${draft.kind} (${draft.status})` : p.role,
      text: draft?.subject ?? store.messages.subject(p.messageId) ?? p.messageId,
      draftId: draft?.id ?? null,
      change: change ?? (v && !draft ? v : null),
    });
  }
  for (const x of s.sightings)
    timeline.push({
      at: x.at,
      what: `sighting: ${x.verdict}`,
      text: `${x.org ?? 'not a known member'}${x.counted ? '' : ' (not counted)'}: ${x.why}`,
      draftId: null,
      change: null,
    });
  if (e.endedAt)
    timeline.push({ at: e.endedAt, what: 'ended', text: 'back at its usual level here', draftId: null, change: null });
  timeline.sort((a, b) => a.at.localeCompare(b.at));
  return { event: { ...s, endedAt: e.endedAt, subject: e.subject }, byOrg: Object.entries(s.byOrg), timeline };
}
