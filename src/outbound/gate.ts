import { convert as htmlToText } from 'html-to-text';
import libmime from 'libmime';
import { simpleParser } from 'mailparser';
import addressparser from 'nodemailer/lib/addressparser';
import type { Config } from '../config/schema.ts';
import { OwnNetworks } from '../extract/notations.ts';
import { isTlp, mayGoToList, messageTlp, tlpFloor } from '../extract/tlp.ts';
import { PARSER_OPTIONS } from '../mail/parse.ts';
import type { Tlp } from '../model.ts';
import { compose, safeMessageId, trimReferences, type Outgoing } from './compose.ts';
import { Redactor, type PlaceholderBook } from './redact.ts';

/** Who reads a message: a list (peers), or only the operator's own people (alerts, review mail). */
export type Audience = 'list' | 'private';

/** What the gate built: the bytes, and the redacted texts that went into them (the draft keeps these). */
export interface Built {
  raw: Buffer;
  subject: string;
  text: string;
  inReplyTo: string | null;
  references: string[];
  audience: Audience;
  /** Why the message must not be written or sent; empty when it may. */
  problems: string[];
}

/** RFC 5322's limit for a line, CRLF not counted; Postfix refuses longer header lines. */
const MAX_LINE = 998;
/** Reasons beyond this many say nothing new, and a refusal is read by a person. */
const MAX_PROBLEMS = 10;

function addresses(list: string): string[] {
  return addressparser(list, { flatten: true }).flatMap((a) =>
    'address' in a && a.address ? [a.address.toLowerCase()] : [],
  );
}

/**
 * The outbound gate: every message the bot writes or sends is built here and checked on its final
 * encoded bytes, after every charset conversion. For a list, our own networks are redacted first;
 * then the bytes are decoded back (every header, every text part) and refused if any operator
 * address can still be recovered in any notation, if the TLP is missing, RED, or below the list's
 * floor, or if the message is not well formed.
 */
export class OutboundGate {
  readonly networks: OwnNetworks;
  private readonly redactor: Redactor;
  private readonly privateAddresses: Set<string>;

  constructor(
    private readonly config: Config,
    book: PlaceholderBook,
  ) {
    this.networks = new OwnNetworks(config.operator.networks);
    this.redactor = new Redactor(this.networks, book);
    // A list's own address is never private, even if it was also given as a review or alert address.
    const lists = new Set(config.lists.flatMap((l) => addresses(l.address)));
    this.privateAddresses = new Set(
      [config.operator.alertAddress, config.review.address, ...config.review.moderators]
        .flatMap((a) => (a ? addresses(a) : []))
        .filter((a) => !lists.has(a)),
    );
  }

  /**
   * Private only when every recipient is one of the operator's own review or alert addresses (or
   * there is none: such a message is kept in the store and goes nowhere).
   */
  audience(recipients: string[]): Audience {
    return recipients.every((r) => this.privateAddresses.has(r.toLowerCase())) ? 'private' : 'list';
  }

  redact(text: string): string {
    return this.redactor.redact(text);
  }

  /** The lowest TLP a message to these recipients may carry: the list's default and our own figures' label. */
  floor(recipients: string[]): Tlp {
    const lists = this.config.lists.filter((l) =>
      recipients.some((r) => addresses(l.address).includes(r.toLowerCase())),
    );
    return tlpFloor(
      lists.map((l) => l.defaultTlp),
      this.config.operator.tlp,
    );
  }

  async build(o: Outgoing): Promise<Built> {
    const audience = this.audience(addresses(o.to));
    const clean = audience === 'list' ? (s: string) => this.redact(s) : (s: string) => s;
    const unsafe = audience === 'list' ? (id: string) => this.networks.find(id).length > 0 : () => false;
    const subject = clean(o.subject);
    const text = clean(o.text);
    const inReplyTo = o.inReplyTo === null ? null : safeMessageId(o.inReplyTo, unsafe);
    const references = trimReferences(o.references.map((r) => safeMessageId(r, unsafe)));
    const raw = await compose({
      ...o,
      subject,
      text,
      html: o.html === undefined ? undefined : clean(o.html),
      inReplyTo,
      references,
    });
    const problems = await this.check(raw, addresses(o.to), { automatic: o.automatic });
    return { raw, subject, text, inReplyTo, references, audience, problems };
  }

  /**
   * Why these bytes must not go to these recipients; empty when they may. The header's own
   * recipients count too, so that a message cannot be relabelled private by its envelope alone.
   */
  async check(raw: Buffer, envelopeTo: string[], expect: { automatic?: boolean } = {}): Promise<string[]> {
    const problems: string[] = [];
    const text = raw.toString('latin1');
    const split = text.indexOf('\r\n\r\n');
    const head = split < 0 ? text : text.slice(0, split);
    if (/\r(?!\n)|(?<!\r)\n/.test(text)) problems.push('line ends other than CRLF');
    const long = text.split('\r\n').findIndex((l) => l.length > MAX_LINE);
    if (long >= 0) problems.push(`line ${long + 1} is longer than ${MAX_LINE} characters`);

    let parsed;
    try {
      parsed = await simpleParser(raw, PARSER_OPTIONS);
    } catch (err) {
      return [...problems, `the message does not parse back: ${(err as Error).message}`];
    }
    const headerTo = ['to', 'cc', 'bcc'].flatMap((k) => {
      const v = parsed.headers.get(k) as
        { value?: Array<{ address?: string }> } | Array<{ value?: Array<{ address?: string }> }> | undefined;
      return [v ?? []]
        .flat()
        .flatMap((x) => x.value ?? [])
        .flatMap((a) => (a.address ? [a.address.toLowerCase()] : []));
    });
    const audience = this.audience([...envelopeTo, ...headerTo]);

    if (expect.automatic && !/^auto-submitted:\s*auto-(generated|replied)\b/im.test(head))
      problems.push('sent without approval but not marked Auto-Submitted');
    if (!/^x-kansoku-draft:/im.test(head))
      problems.push('no X-Kansoku-Draft header (the bot would answer its own mail)');

    const tlp = String(parsed.headers.get('x-kansoku-tlp') ?? '')
      .trim()
      .toUpperCase();
    if (!isTlp(tlp)) problems.push('no X-Kansoku-TLP label');
    else if (audience === 'list') {
      const floor = this.floor([...envelopeTo, ...headerTo]);
      if (!mayGoToList(tlp)) problems.push('TLP:RED material addressed to a list');
      else if (messageTlp([tlp], floor) !== tlp)
        problems.push(`TLP:${tlp} is below this audience's floor TLP:${floor}`);
      if (!(parsed.subject ?? '').startsWith(`[TLP:${tlp}]`))
        problems.push(`the subject does not start with our tag [TLP:${tlp}]`);
    }

    if (audience === 'list' && !this.networks.empty) {
      const texts: Array<[string, string]> = [
        ['header', head],
        ...(parsed.headerLines ?? []).map((h): [string, string] => [
          `header ${h.key}`,
          libmime.decodeWords(h.line.replace(/\r?\n[ \t]+/g, ' ')),
        ]),
        ['subject', parsed.subject ?? ''],
        ['text', parsed.text ?? ''],
      ];
      if (typeof parsed.html === 'string')
        texts.push(['html', parsed.html], ['html text', htmlToText(parsed.html, { wordwrap: false })]);
      for (const a of parsed.attachments) {
        if (/^(text|message)\//i.test(a.contentType))
          texts.push([`attachment ${a.filename ?? a.contentType}`, a.content.toString('utf8')]);
        else if (a.filename) texts.push([`attachment name`, a.filename]);
      }
      for (const [where, t] of texts) {
        for (const m of this.networks.find(t)) {
          if (problems.length >= MAX_PROBLEMS) break;
          problems.push(`operator address ${m.value} recoverable in the ${where}`);
        }
      }
    }
    return [...new Set(problems)];
  }
}
