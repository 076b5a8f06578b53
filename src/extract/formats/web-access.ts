import { addressLike, CLF_TS, clfWall, event, leadingTimestamp, port, toIso, type LogFormat } from './common.ts';

/**
 * Web server access logs in the Common and Combined Log Formats (Apache, nginx, a web honeypot):
 * `client - user [28/Nov/2026:22:14:07 +0000] "GET /path HTTP/1.1" 200 1534 ...`, and Apache's
 * vhost_combined, which puts `host:port` first and so gives the port the request came to, as does
 * an nginx format that puts it last. Otherwise the server's own address is not in the line.
 */
const LINE = new RegExp(
  String.raw`^\s*(?:(\S+):(\d{1,5}) )?(\S+) \S+ \S+ \[(${CLF_TS.source})\] "(?:[^"\\]|\\.)*" \d{3} (?:\d+|-)`,
);
/**
 * A web honeypot's own line, its time, the client and the request with no quotes around it:
 * `2023-02-14 03:11:52 198.51.100.61 GET /remote/login?lang=en HTTP/1.1`.
 */
const BARE_REQUEST = /^\s*(\S+)\s+(?:GET|POST|HEAD|PUT|OPTIONS|DELETE|CONNECT|PATCH) \S+ HTTP\/\d(?:\.\d)?(?:\s|$)/;

/** nginx set to log the address and port a request came to last ($server_addr:$server_port). */
const HOST_LAST = /"(\[[\da-fA-F:]+\]|[\w.-]+):(\d{1,5})"\s*$/;

export const webAccess: LogFormat = {
  id: 'web-access',
  description: 'Web server access logs (Common / Combined Log Format)',
  sniff: (t) => t.includes('] "') || t.includes(' HTTP/'),
  parse(text, time) {
    const m = LINE.exec(text);
    if (!m) return bareRequest(text, time);
    if (!addressLike(m[3]!)) return null;
    const clock = CLF_TS.exec(m[4]!);
    // (an address only: a name there may be the client's own User-Agent, "scanner:31337")
    const host = m[2] ? null : HOST_LAST.exec(text);
    const last = host && addressLike(host[1]!.replace(/^\[|\]$/g, '')) ? host : null;
    const wall = clock ? clfWall(clock) : null;
    return event('web-access', text, {
      ts: wall ? toIso(wall, time) : null,
      tsText: m[4]!,
      src: m[3]!,
      spt: null,
      dst: last ? last[1]!.replace(/^\[|\]$/g, '') : null,
      dpt: port(m[2] ?? last?.[2]),
      proto: 'tcp',
      flags: null,
      flagsText: null,
      action: null,
    });
  },
};

function bareRequest(text: string, time: Parameters<LogFormat['parse']>[1]) {
  const ts = leadingTimestamp(text, time);
  const m = ts && BARE_REQUEST.exec(text.slice(ts.end));
  if (!ts || !m || !addressLike(m[1]!)) return null;
  return event('web-access', text, {
    ts: ts.ts,
    tsText: ts.tsText,
    src: m[1]!,
    spt: null,
    dst: null,
    dpt: null,
    proto: 'tcp',
    flags: null,
    flagsText: null,
    action: null,
  });
}
