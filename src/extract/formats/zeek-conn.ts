import {
  columnIndex,
  epochIso,
  event,
  ISO_TS,
  isoWall,
  jsonRecord,
  jsonText as str,
  port,
  protoOf,
  toIso,
  type LogFormat,
} from './common.ts';

/** conn.log's column order in current Zeek, used when the file's #fields header is not at hand. */
const DEFAULT = (
  'ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto service duration orig_bytes resp_bytes ' +
  'conn_state local_orig local_resp missed_bytes history orig_pkts orig_ip_bytes resp_pkts resp_ip_bytes tunnel_parents'
).split(' ');

/**
 * A conn.log row whose tabs a mailer turned into blanks: its time, uid, and both ends with their
 * ports lead it. No field of conn.log holds a blank, so blanks part its fields as well as tabs.
 */
const BLANKED_ROW = /^\s*\d{9,10}(?:\.\d+)? +C[0-9A-Za-z]{8,24} +\S+ +\d{1,5} +\S+ +\d{1,5} /;

/** Zeek (Bro) conn.log, tab-separated, driven by its `#fields` header. `flags` is the history string. */
export const zeekConn: LogFormat = {
  id: 'zeek-conn',
  description: 'Zeek conn.log (TSV)',
  sniff: (t) => (t.includes('\t') ? /\tC[0-9A-Za-z]{8,24}\t/.test(t) : BLANKED_ROW.test(t)),
  // A member pasting the file indents the header with its lines; the columns follow it all the same.
  // Blanks may stand for its tabs there too, as in its rows.
  header: (line) =>
    /^\s*#fields\s/.test(line) && line.includes('id.orig_h') ? line.trim().split(/\s+/).slice(1) : null,
  parse(text, _time, columns) {
    const cols = columns ?? DEFAULT;
    const f = text.includes('\t') ? text.trimStart().split('\t') : text.trim().split(/ +/);
    // A trailing tab is an empty last field, so only line ends are trimmed at the end.
    f[f.length - 1] = f[f.length - 1]!.trimEnd();
    const { ts: tsText, src, dst, spt, dpt, proto, history } = connColumns(cols, f);
    if (!src || !dst) return null;
    const p = protoOf(proto);
    const hist = p === 'tcp' ? (history ?? null) : null;
    return event('zeek-conn', text, {
      ts: epochIso(tsText),
      tsText: tsText && /^\d/.test(tsText) ? tsText : null,
      src,
      spt: p === 'icmp' ? null : port(spt),
      dst,
      dpt: p === 'icmp' ? null : port(dpt),
      proto: p,
      // Zeek's history: upper case from the originator; S alone is a SYN without an answer.
      flags: hist === null ? null : historyFlags(hist),
      flagsText: history ?? null,
      action: null,
    });
  },
};

/** The connection's columns of a conn.log row, by the names `cols` gives them; Zeek's "-" is none. */
function connColumns(cols: string[], f: string[]) {
  const [ts, src, spt, dst, dpt, proto, history] = columnIndex(
    cols,
    'ts',
    'id.orig_h',
    'id.orig_p',
    'id.resp_h',
    'id.resp_p',
    'proto',
    'history',
  ).map((i) => (i === undefined || f[i] === '-' || f[i] === '(empty)' ? undefined : f[i]));
  return { ts, src, spt, dst, dpt, proto, history };
}

function historyFlags(h: string): string {
  const set = new Set<string>();
  if (/s/i.test(h)) set.add('S');
  if (/[ah]/i.test(h)) set.add('A');
  if (/f/i.test(h)) set.add('F');
  if (/r/i.test(h)) set.add('R');
  return ['F', 'S', 'R', 'A'].filter((c) => set.has(c)).join('');
}

/** What `zeek-cut` is most often asked for, when the command line is not in the post. */
const CUT_DEFAULT = ['ts', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto'];
/** The command line a member pastes above the output: `$ zeek-cut -d ts id.orig_h ... < conn.log`. */
const CUT_COMMAND = /(?:^|\|)\s*(?:\$\s*)?(?:zeek|bro)-cut((?:\s+-[A-Za-z]+)*)((?:\s+[a-z_][\w.]*)+)\s*(?:<.*)?$/;
const CUT_TS = /^\s*(?:\d{9,11}\.\d{1,6}|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{4})?)\s/;

/**
 * `zeek-cut` output: the columns named on its command line, tab-separated as it writes them or
 * aligned with spaces as a post often shows them; without the command line, the columns most
 * often asked for (ts, the connection's four ends, proto), taken only when they read as such.
 */
export const zeekCut: LogFormat = {
  id: 'zeek-cut',
  description: 'zeek-cut (bro-cut) output',
  sniff: (t) => CUT_TS.test(t),
  // Its command line, or the #fields header that `zeek-cut -c` keeps, which a mailer may have
  // turned to blanks with the rows (a tab-separated one is zeek-conn's too).
  header: (line) => {
    if (!line.includes('-cut') && !line.includes('#fields')) return null;
    const m = CUT_COMMAND.exec(line);
    const cols = m ? m[2]!.trim().split(/\s+/) : /^\s*#fields\s/.test(line) ? line.trim().split(/\s+/).slice(1) : [];
    return cols.includes('id.orig_h') && cols.includes('id.resp_h') ? cols : null;
  },
  parse(text, time, columns) {
    const cols = columns ?? CUT_DEFAULT;
    const f = text.trim().split(/\s+/);
    if (f.length !== cols.length) return null;
    const { ts: tsText, src, dst, spt, dpt, proto, history } = connColumns(cols, f);
    // Without its command line a row is taken only when its ends read as addresses and ports.
    const looks = (a: string | undefined) => !!a && /^[\w.:*]+$/.test(a) && /[.:]/.test(a);
    if (!looks(src) || !looks(dst)) return null;
    const p = protoOf(proto);
    const iso = tsText ? ISO_TS.exec(tsText) : null;
    const hist = p === 'tcp' ? (history ?? null) : null;
    return event('zeek-cut', text, {
      ts: iso && iso.index === 0 ? toIso(isoWall(iso), time) : epochIso(tsText),
      tsText: tsText ?? null,
      src: src!,
      spt: p === 'icmp' ? null : port(spt),
      dst: dst!,
      dpt: p === 'icmp' ? null : port(dpt),
      proto: p,
      flags: hist === null ? null : historyFlags(hist),
      flagsText: history ?? null,
      action: null,
    });
  },
};

/**
 * Zeek's JSON logs (`LogAscii::use_json`), as most current deployments write them: conn.log and
 * any other log with the connection's `id.*` fields, flat (`"id.orig_h"`) as Zeek writes them or
 * nested (`"id": {"orig_h": ...}`) as some shippers rewrite them. `ts` is epoch seconds, or ISO
 * 8601 with `LogAscii::json_timestamps = JSON::TS_ISO8601`.
 */
export const zeekConnJson: LogFormat = {
  id: 'zeek-conn-json',
  description: 'Zeek conn.log (JSON)',
  sniff: (t) => t.includes('orig_h"') && t.includes('resp_h"'),
  parse(text, time) {
    const o = jsonRecord(text);
    if (!o) return null;
    const nested = (typeof o.id === 'object' && o.id !== null ? o.id : {}) as Record<string, unknown>;
    const field = (k: string) => o[`id.${k}`] ?? nested[k];
    const src = str(field('orig_h'));
    const dst = str(field('resp_h'));
    if (!src || !dst) return null;
    const p = protoOf(str(o.proto));
    const tsText = str(o.ts) ?? null;
    const iso = tsText && !/^\d+(\.\d+)?$/.test(tsText) ? ISO_TS.exec(tsText) : null;
    const history = p === 'tcp' ? (str(o.history) ?? null) : null;
    return event('zeek-conn-json', text, {
      ts: iso ? toIso(isoWall(iso), time) : epochIso(tsText ?? undefined),
      tsText,
      src,
      spt: p === 'icmp' ? null : port(str(field('orig_p'))),
      dst,
      dpt: p === 'icmp' ? null : port(str(field('resp_p'))),
      proto: p,
      flags: history === null ? null : historyFlags(history),
      flagsText: str(o.history) ?? null,
      action: null,
    });
  },
};
