import libmime from 'libmime';

/**
 * A MIME entity as its bytes stand in the message, for what needs them undecoded: a PGP/MIME
 * signature covers the signed part's bytes exactly as sent (RFC 3156 section 5), which mailparser,
 * having decoded them, no longer has.
 */
export interface Entity {
  /** The whole entity, its headers and its body. */
  raw: Buffer;
  /** The lower-cased media type, "text/plain" when none is given (RFC 2045 section 5.2). */
  type: string;
  params: Record<string, string>;
  /** Content-Transfer-Encoding, lower-cased. */
  encoding: string;
  /** The body after the blank line, still transfer-encoded. */
  body: Buffer;
}

/** Where the header block ends and the body begins: after the first empty line. */
export function headerEnd(raw: Buffer): { headers: number; body: number } {
  if (raw[0] === 10) return { headers: 0, body: 1 };
  if (raw[0] === 13 && raw[1] === 10) return { headers: 0, body: 2 };
  const lf = raw.indexOf('\n\n');
  const crlf = raw.indexOf('\n\r\n');
  if (lf < 0 && crlf < 0) return { headers: raw.length, body: raw.length };
  if (crlf < 0 || (lf >= 0 && lf < crlf)) return { headers: lf + 1, body: lf + 2 };
  return { headers: crlf + 1, body: crlf + 3 };
}

/** Reads an entity's headers (libmime unfolds them); the body is left as it is. */
export function entity(raw: Buffer): Entity {
  const at = headerEnd(raw);
  const headers = libmime.decodeHeaders(raw.subarray(0, at.headers).toString('latin1'));
  const ct = libmime.parseHeaderValue(headers['content-type']?.[0] ?? 'text/plain');
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(ct.params)) params[k.toLowerCase()] = v;
  return {
    raw,
    type: ct.value.toLowerCase().trim() || 'text/plain',
    params,
    encoding: (headers['content-transfer-encoding']?.[0] ?? '7bit').toLowerCase().trim(),
    body: raw.subarray(at.body),
  };
}

/**
 * The body parts of a multipart entity, each as its bytes stand between the boundaries. The line
 * break before a boundary belongs to the boundary (RFC 2046 section 5.1.1), so a part ends before
 * it; the preamble and the epilogue are not parts.
 */
export function parts(e: Entity): Entity[] {
  const boundary = e.params['boundary'];
  if (!e.type.startsWith('multipart/') || !boundary) return [];
  const body = e.body;
  const dash = Buffer.from(`--${boundary}`, 'latin1');
  const out: Entity[] = [];
  let start = -1;
  for (let at = body.indexOf(dash); at >= 0; at = body.indexOf(dash, at + dash.length)) {
    if (at > 0 && body[at - 1] !== 10) continue;
    if (start >= 0) {
      const end = at >= 2 && body[at - 2] === 13 ? at - 2 : at - 1;
      out.push(entity(body.subarray(start, Math.max(start, end))));
    }
    const close = body[at + dash.length] === 45 && body[at + dash.length + 1] === 45;
    if (close) return out;
    const eol = body.indexOf(10, at + dash.length);
    if (eol < 0) return out;
    start = eol + 1;
  }
  // No close delimiter: what follows the last boundary is the last part, as mailparser reads it.
  if (start >= 0 && start < body.length) out.push(entity(body.subarray(start)));
  return out;
}

/**
 * Quoted-printable (RFC 2045 section 6.7) to bytes: "=XX" is a byte, "=" at a line's end joins it
 * to the next. Blanks a transport added at line ends stay: what reads this (a cleartext signature,
 * RFC 4880 section 7.1, and a footer) ignores them.
 */
function unQuotedPrintable(data: Buffer): Buffer {
  const s = data.toString('latin1');
  return Buffer.from(
    s
      .replace(/=(?:\r?\n|$)/g, '')
      .replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  );
}

/** An entity's body with its transfer encoding undone: the bytes its writer wrote, in its charset. */
export function decodedBody(e: Entity): Buffer {
  if (e.encoding === 'base64') return Buffer.from(e.body.toString('latin1'), 'base64');
  if (e.encoding === 'quoted-printable') return unQuotedPrintable(e.body);
  return e.body;
}

/** Where the header field starting at `at` ends: after its first line and the folded lines after it. */
function fieldEnd(head: string, at: number): number {
  let end = at;
  do {
    const nl = head.indexOf('\n', end);
    end = nl < 0 ? head.length : nl + 1;
  } while (end < head.length && (head[end] === ' ' || head[end] === '\t'));
  return end;
}

/**
 * The message with each of its header fields cut to `max` bytes, at the last fold within them
 * (or the last space, or `max` itself, when a single line runs past it), and a warning for each:
 * mailparser's address parser takes time that grows with the square of a field's length (0.3 s for
 * the 135 KB To: of mimekit-stack-overflow.eml, 25 ms for its first 16 KB), and nothing we read
 * from a header needs more than its first lines. The message itself when no field is that long.
 */
export function capHeaderFields(raw: Buffer, max: number, warnings: string[], what: string): Buffer {
  const end = headerEnd(raw).headers;
  if (end <= max) return raw;
  const head = raw.subarray(0, end).toString('latin1');
  let out = '';
  let cut = false;
  for (let at = 0; at < head.length;) {
    const next = fieldEnd(head, at);
    const field = head.slice(at, next);
    at = next;
    if (field.length <= max) {
      out += field;
      continue;
    }
    const eol = /\r?\n$/.exec(field)?.[0] ?? '';
    const fold = field.lastIndexOf('\n', max);
    const space = Math.max(field.lastIndexOf(' ', max), field.lastIndexOf('\t', max));
    const kept = field.slice(0, fold > 0 ? fold : space > 0 ? space : max).replace(/\r$/, '');
    // (a name is the sender's bytes: no control characters into our log)
    const name =
      field
        .slice(0, Math.max(0, field.indexOf(':')))
        .slice(0, 40)
        .replace(/[\x00-\x1f\x7f-\x9f]/g, '?') || '(unnamed)';
    warnings.push(
      `${what}: header ${name} of ${field.length} bytes, over limits.maxHeaderFieldBytes (${max}); ` +
        `cut to ${kept.length}`,
    );
    out += kept + eol;
    cut = true;
  }
  return cut ? Buffer.concat([Buffer.from(out, 'latin1'), raw.subarray(end)]) : raw;
}
