import { addressLike, columnIndex, event, port, w3cFields, w3cTime, type LogFormat } from './common.ts';

/** IIS 6 and later write these fields by default, when the file's `#Fields:` header is not at hand. */
const IIS6 = (
  'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) ' +
  'sc-status sc-substatus sc-win32-status time-taken'
).split(' ');
/** IIS 5's extended default, the client first, as the Nimda and Code Red posts pasted it. */
const IIS5 = 'date time c-ip cs-username s-ip s-port cs-method cs-uri-stem cs-uri-query sc-status'.split(' ');

const METHOD = /^(?:GET|POST|HEAD|PUT|OPTIONS|DELETE|CONNECT|PATCH|TRACE|PROPFIND|SEARCH)$/;
const LEAD = /^\s*\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} /;

/**
 * Microsoft IIS web server logs in the W3C extended format: fields apart by blanks, in the order
 * of the file's `#Fields:` header (`date time s-ip cs-method cs-uri-stem ... s-port cs-username
 * c-ip ...`), or in one of the two default orders when the header was left out of the paste.
 * The client is the source, the server's address and port the destination; the time is UTC.
 */
/** Which default order a headerless line is in: the server's address and a method, then a path. */
function defaultOrder(f: string[]): string[] | null {
  if (METHOD.test(f[3] ?? '') && addressLike(f[2] ?? '')) return IIS6;
  if (METHOD.test(f[6] ?? '') && addressLike(f[2] ?? '') && addressLike(f[4] ?? '')) return IIS5;
  return null;
}

export const iisW3c: LogFormat = {
  id: 'iis-w3c',
  description: 'IIS web server logs (W3C extended format)',
  sniff: (t) => LEAD.test(t) && /\s(?:GET|POST|HEAD|PUT|OPTIONS|DELETE|PROPFIND|SEARCH)\s/.test(t),
  header: (line) => w3cFields(line, 'c-ip'),
  parse(text, time, columns) {
    const f = text.trim().split(/\s+/);
    const cols = columns ?? defaultOrder(f);
    if (!cols) return null;
    const [date, clock, src, dst, dpt, method, stem] = columnIndex(
      cols,
      'date',
      'time',
      'c-ip',
      's-ip',
      's-port',
      'cs-method',
      'cs-uri-stem',
    );
    const get = (i: number | undefined) => (i === undefined || f[i] === '-' ? undefined : f[i]);
    const s = get(src);
    const d = get(dst);
    if (!s || !addressLike(s) || (method !== undefined && !METHOD.test(get(method) ?? ''))) return null;
    // (a path where the fields say one stands, and a number where they say a port: prose that has a time,
    // a method and an address is no record, "09:15:00 UTC GET flood peaked 4000 rps, 192.0.2.10 down")
    if ((stem !== undefined && !/^\//.test(f[stem] ?? '')) || (dpt !== undefined && !/^\d{1,5}$/.test(f[dpt] ?? '')))
      return null;
    return event('iis-w3c', text, {
      // (IIS writes W3C times in UTC, whatever the server's zone)
      ...w3cTime(get(date), get(clock), time, 'Z'),
      src: s,
      spt: null,
      dst: d && addressLike(d) ? d : null,
      dpt: port(get(dpt)),
      proto: 'tcp',
      flags: null,
      flagsText: null,
      action: null,
    });
  },
};
