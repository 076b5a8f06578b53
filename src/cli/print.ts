import { relative } from 'node:path';
import { HOUR_MS } from '../time.ts';
import { signatureLine } from '../mail/signature-line.ts';
import type { LoadedConfig } from '../config/load.ts';
import type { ImportOutcome } from '../counters/import.ts';
import type { Anomaly, Decision, Finding, Report } from '../model.ts';
import type { DispatchResult } from '../outbound/send.ts';
import type { EventSummary } from '../events/summary.ts';
import type { RunSummary } from '../pipeline/process.ts';
import type { HourPoint } from '../counters/rollups.ts';
import type { AuditEntry, MessageRecord, StoredDraft } from '../store/index.ts';

type Print = (s: string) => void;

function rel(path: string): string {
  const r = relative(process.cwd(), path);
  return r.startsWith('..') ? path : r || '.';
}

export function printImport(print: Print, o: ImportOutcome): void {
  if (o.status === 'already-imported') {
    print(`${rel(o.name)}: already imported, skipped`);
    return;
  }
  if (o.status === 'failed') {
    print(`${rel(o.name)}: not imported: ${o.error}`);
    return;
  }
  const formats =
    Object.entries(o.formats)
      .map(([f, n]) => `${f} ${n}`)
      .join(', ') || 'none';
  print(
    `${rel(o.name)}: ${o.parsed} of ${o.lines} lines counted (${formats}), ${o.skipped} unreadable; ` +
      `${o.from ?? '-'} .. ${o.to ?? '-'}`,
  );
}

export function printSummary(
  print: Print,
  s: RunSummary,
  imports: ImportOutcome[],
  loaded: LoadedConfig,
  outbox: string,
): void {
  for (const o of imports) printImport(print, o);
  const o = s.outcomes;
  const parts = [
    `${o.drafted} drafted`,
    ...(o.held ? [`${o.held} drafted and held (see "kansoku drafts --status held")`] : []),
    `${o['no-claims']} without port claims`,
    `${o.answered} already answered in thread`,
    `${o['no-data']} without sensor data`,
    `${o.automatic} automatic`,
    ...(o.sighting ? [`${o.sighting} sightings`] : []),
    ...(o['not-list'] ? [`${o['not-list']} not from a configured list`] : []),
    ...(o.review ? [`${o.review} review replies`] : []),
    `${o.duplicate} already processed`,
    `${o.quarantined} quarantined`,
  ];
  print(`${s.seen} messages: ${parts.join(', ')}`);
  for (const d of s.drafts)
    print(`  draft #${d.id}${d.held ? ' (held)' : ''}: ${d.subject}${d.path ? `  -> ${rel(d.path)}` : ''}`);
  for (const d of s.revised)
    print(`  draft #${d.id} revised (revision ${d.revision}): ${d.subject}${d.path ? `  -> ${rel(d.path)}` : ''}`);
  for (const a of s.alerts) {
    print(
      `  private alert #${a.id}: a post names our own networks; ` +
        `${a.to ? `to ${a.to}` : 'no operator.alertAddress or review.address to send it to'} ("kansoku show ${a.id}")`,
    );
  }
  if (s.drafts.length || s.revised.length)
    print(`drafts are in ${rel(outbox)}/; review with "kansoku drafts", "kansoku show ID", "kansoku approve ID"`);
  if (loaded.embedded) print('(embedded demo config; write a kansoku.yaml or pass --config to use your own)');
}

export function printReport(print: Print, r: Report): void {
  print(`${r.messageId}  ${r.subject}`);
  print(
    `languages: ${r.languages.join(', ') || '-'}   TLP: ${r.tlp ?? '-'}   asks the list: ${r.question ? 'yes' : 'no'}`,
  );
  print(
    `ports: ${r.ports.map((p) => `${p.proto ?? '?'}/${p.port} (${p.from.join('+')})`).join(', ') || 'none'}` +
      (!r.ports.length && r.impliedPorts.length ? ' named; the post names services only' : ''),
  );
  if (r.portRanges.length)
    print(`port ranges: ${r.portRanges.map((g) => `${g.proto ?? '?'}/${g.from}-${g.to} ("${g.text}")`).join(', ')}`);
  // A service's usual port is our guess, not the poster's claim: printed apart, and said to be so.
  if (r.impliedPorts.length)
    print(
      `implied by service names (no port number given): ` +
        r.impliedPorts.map((i) => `${i.value} -> ${i.proto}/${i.port}`).join(', '),
    );
  const counts = r.countMentions.map((c) => `${c.kind}: ${c.value ?? '?'} ("${c.text}")`);
  print(`counts: ${counts.join('; ') || 'none'}`);
  if (r.scanTypes.length || r.targeting.length) print(`pattern: ${[...r.scanTypes, ...r.targeting].join(', ')}`);
  if (r.signature) print(`signature: ${signatureLine(r.signature, 'en')}`);
  print(`log lines: ${r.logLines.length}`);
  for (const l of r.logLines.slice(0, 20)) {
    print(
      `  [${l.format}] ${l.ts ?? l.tsText ?? '-'} ${l.src}:${l.spt ?? '-'} -> ${l.dst}:${l.dpt ?? '-'} ` +
        `${l.proto ?? '?'} ${l.flags ?? ''}`,
    );
  }
}

export function printFindings(print: Print, r: Report, findings: Finding[], own: string[] = []): void {
  print(`${r.messageId}  ${r.subject}`);
  if (own.length)
    print(`OUR OWN NETWORKS named in the post: ${own.join(' ')} (a reply is held; a private alert goes out)`);
  if (!findings.length) print('no ports claimed');
  for (const f of findings) {
    const b = f.baseline ? `mean ${f.baseline.mean}, sd ${f.baseline.sd}, upper ${f.baseline.upper}` : 'no baseline';
    print(
      `${f.proto ?? '?'}/${f.port}: ${f.verdict.toUpperCase()}  ` +
        `current ${f.current ?? '-'}/h (${f.currentHour ?? '-'}${partialNote(f)}), ${b}, ratio ${f.ratio ?? '-'}` +
        `${f.onset ? `, onset ${f.onset}` : ''}` +
        `${f.sourcesSeenLocally.length ? `, also seen here: ${f.sourcesSeenLocally.join(' ')}` : ''}`,
    );
  }
}

export function printDrafts(print: Print, list: StoredDraft[]): void {
  if (!list.length) {
    print('no drafts');
    return;
  }
  for (const d of list)
    print(`#${d.id}  ${d.status.padEnd(8)}  ${d.tlp.padEnd(12)}  ${d.createdAt.slice(0, 16)}  ${d.subject}`);
}

export function printDraft(
  print: Print,
  d: StoredDraft,
  history: AuditEntry[],
  source: MessageRecord | null = null,
): void {
  print(`draft #${d.id} (${d.status}, ${d.kind}, TLP:${d.tlp}${d.revision > 1 ? `, revision ${d.revision}` : ''})`);
  if (d.heldReason) print(`Held: ${d.heldReason} (release with "kansoku release ${d.id}")`);
  print(`To: ${d.to}`);
  print(`Subject: ${d.subject}`);
  print(`Message-ID: ${d.messageId}`);
  print(`In reply to: ${d.sourceMessageId}`);
  if (d.emlPath) print(`File: ${rel(d.emlPath)}`);
  if (d.revision > 1)
    print(`Revision ${d.revision}: approve it with "kansoku approve ${d.id} --revision ${d.revision}"`);
  print('');
  print(d.text);
  print('history:');
  for (const h of history) {
    // A revision's note carries the diff: its first line beside the entry, the rest below it.
    const [first, ...rest] = (h.note ?? '').split('\n');
    print(`  ${h.at}  ${h.action} by ${h.actor}${first ? ` (${first})` : ''}`);
    for (const line of rest) if (line) print(`      ${line}`);
  }
  if (source) {
    print('why:');
    printDecision(print, d.sourceMessageId, source.status, source.decision);
  }
}

/** Why a message got a draft or not: its outcome, then each step's word, as `explain` and `show` print it. */
export function printDecision(print: Print, messageId: string, status: string, d: Decision | null): void {
  if (!d) {
    print(`${messageId}: ${status}, stored before decisions were recorded`);
    return;
  }
  print(`${messageId}: ${d.outcome} (${d.summary})`);
  const mark = { pass: '  ', note: ' +', stop: ' x' } as const;
  for (const s of d.steps) print(`${mark[s.result]} ${s.step.padEnd(12)} ${s.text}`);
  if (d.drafts.length) print(`   drafts: ${d.drafts.map((id) => `#${id}`).join(', ')}`);
}

export function printDispatch(print: Print, r: DispatchResult): void {
  print(
    `outbox: ${r.sent} sent, ${r.found} found already delivered, ${r.failed} failed (will retry), ` +
      `${r.waiting} waiting` +
      (r.refused ? `, ${r.refused} refused by the outbound gate (held for review)` : ''),
  );
}

export function printEvents(print: Print, list: EventSummary[]): void {
  if (!list.length) {
    print('no events');
    return;
  }
  for (const e of list) {
    const t = e.tally;
    const u = Object.values(e.unverified).reduce((a, b) => a + b, 0);
    print(
      `#${e.id}  ${`${e.port}/${e.proto}`.padEnd(10)} ${e.firstSeen.slice(0, 16)}  ${(e.verdict ?? '-').padEnd(9)} ` +
        `confirm ${t.confirm}, deny ${t.deny}, question ${t.question}, other ${t.other}` +
        `${u ? `  (+${u} unverified)` : ''}`,
    );
  }
}

export function printEvent(
  print: Print,
  e: EventSummary & {
    posts: Array<{ messageId: string; role: string; at: string; subject: string | null; finding: unknown }>;
  },
): void {
  print(`event #${e.id}: ${e.port}/${e.proto}, ${e.firstSeen} .. ${e.lastSeen}, our verdict: ${e.verdict ?? '-'}`);
  print(
    `tally: confirm ${e.tally.confirm}, deny ${e.tally.deny}, question ${e.tally.question}, other ${e.tally.other}`,
  );
  for (const [org, v] of Object.entries(e.byOrg)) print(`  ${org}: ${v}`);
  print('posts:');
  for (const p of e.posts) {
    const f = p.finding as { verdict?: string; current?: number } | null;
    print(
      `  ${p.at.slice(0, 16)}  ${p.role.padEnd(6)}  ${p.messageId}  ${p.subject ?? ''}` +
        `${f?.verdict ? `  [ours: ${f.verdict}, ${f.current ?? '-'}/h]` : ''}`,
    );
  }
  print('sightings:');
  if (!e.sightings.length) print('  none');
  for (const s of e.sightings) {
    print(
      `  ${s.at.slice(0, 16)}  ${s.verdict.padEnd(8)}  ${(s.org ?? 'unverified').padEnd(16)}  ` +
        `${s.counted ? 'counted' : 'not counted'} (${s.why})  ${s.messageId}`,
    );
  }
}

export function printStats(
  print: Print,
  rows: Array<HourPoint & { sensor: string; proto: string; port: number }>,
): void {
  if (!rows.length) {
    print('no rollups');
    return;
  }
  print(
    `${'hour (UTC)'.padEnd(17)} ${'sensor'.padEnd(10)} ${'port'.padEnd(10)} ${'events'.padStart(8)} ` +
      `${'sources'.padStart(8)} ${'targets'.padStart(8)} ${'/24s'.padStart(6)} ${'SYN'.padStart(5)}  countries`,
  );
  for (const r of rows) {
    const top = Object.entries(r.countries)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([cc, n]) => `${cc} ${n}`)
      .join(', ');
    const syn = r.events ? `${Math.round((r.synOnly / r.events) * 100)}%` : '-';
    print(
      `${new Date(r.hour * HOUR_MS).toISOString().slice(0, 16).replace('T', ' ')} ` +
        `${r.sensor.slice(0, 10).padEnd(10)} ${`${r.port}/${r.proto}`.padEnd(10)} ` +
        `${String(r.events).padStart(8)} ${String(r.sources).padStart(8)} ${String(r.targets).padStart(8)} ` +
        `${String(r.nets24).padStart(6)} ${syn.padStart(5)}  ${top}`,
    );
  }
}

/** ", 10 events in its first 15 min" for a partial hour judged as a rate. */
function partialNote(f: Finding): string {
  return f.currentMinutes !== null && f.currentMinutes < 60
    ? `, ${f.currentEvents} events in its first ${f.currentMinutes} min`
    : '';
}

/** `kansoku detect`: one line per anomaly, newest last. */
export function printAnomalies(print: Print, list: Anomaly[], empty: boolean): void {
  if (empty) {
    print('no sensor data stored: import a log first ("kansoku counters import FILE")');
    return;
  }
  if (!list.length) {
    print('no anomalies');
    return;
  }
  for (const a of list) {
    const countries = a.countries.map((c) => `${c.cc} ${Math.round(c.share * 100)}%`).join(', ');
    print(
      `${a.kind.padEnd(11)} ${`${a.port}/${a.proto}`.padEnd(10)} ${a.start} .. ${a.end ?? 'ongoing'}  ` +
        `peak ${a.peak.events} at ${a.peak.hour} (expected ${a.expected}, ${a.ratio}x), ${a.sources} sources` +
        (countries ? `, ${countries}` : ''),
    );
  }
}
