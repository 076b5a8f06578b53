import * as z from 'zod';
import ipaddr from 'ipaddr.js';
import cron from 'node-cron';
import { AUTO_SEND_KINDS, TLP_ORDER } from '../model.ts';

const tlp = z.enum(TLP_ORDER);

const prefix = z.string().refine(
  (s) => {
    try {
      ipaddr.parseCIDR(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not an address prefix such as 198.51.100.0/24 or 2001:db8::/32' },
);

/**
 * The canonical IANA names, read without building a formatter: the first Intl.DateTimeFormat of a
 * process loads ICU's zone data (about 22 ms, a tenth of a short command). Aliases (Japan,
 * US/Eastern) and other spellings are still tried by building one.
 */
let canonicalZones: Set<string> | undefined;
function isTimeZone(s: string): boolean {
  canonicalZones ??= new Set(['UTC', ...Intl.supportedValuesOf('timeZone')]);
  if (canonicalZones.has(s)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: s });
    return true;
  } catch {
    return false;
  }
}

const timeZone = z.string().refine(isTimeZone, { message: 'not an IANA time zone such as UTC or Asia/Tokyo' });

const security = z.enum(['tls', 'starttls', 'none']);
/** A password is read from this environment variable when the config gives none. */
const secretEnv = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { message: 'not an environment variable name' });

const server = {
  host: z.string().min(1),
  /** "none" (no TLS at all) is for a server on this machine only. */
  security: security.default('tls'),
  user: z.string().min(1).optional(),
  password: z.string().optional(),
};

/** Plain text is only for a server on this machine: a password never crosses a network in clear. */
function loopbackOnlyWithoutTls(v: { host: string; security: string }, ctx: z.RefinementCtx): void {
  const loopback = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i.test(v.host);
  if (v.security === 'none' && !loopback) {
    ctx.addIssue({
      code: 'custom',
      path: ['security'],
      message: `"none" is allowed only for a server on loopback, not ${v.host}`,
    });
  }
}

const sensorName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'letters, digits, "_", "." or "-", at most 64' });

const source = z.strictObject({
  type: z.enum(['maildir', 'mbox', 'eml']),
  path: z.string().min(1),
});

const MiB = 1024 * 1024;
const positive = () => z.number().int().positive();

/**
 * What one message may cost to read. Input is hostile until parsed: each cap bounds the time and
 * memory of a crafted message, and what it cuts is named in the Post's (or Report's) warnings,
 * the message still read and answered from the rest.
 */
export const limitsSchema = z.strictObject({
  /** Larger messages are skipped with a log line: nothing a member pastes is this large. */
  maxMessageBytes: positive().default(10 * MiB),
  /** Text beyond this is not scanned for claims (a pasted 50 MB log is not a post). */
  maxScanChars: positive().default(512 * 1024),
  /** Longer lines are never handed to a log parser. */
  maxLineChars: positive().default(4096),
  /**
   * A message that fails this many times for reasons of our own (a bug, the store down) is
   * quarantined, so that it cannot wedge a mailbox; `run` and `run --watch` count alike.
   */
  maxFailures: positive().default(3),
  /** A text attachment larger than this is not read (archives and forwards have their own caps). */
  maxAttachmentBytes: positive().default(5 * MiB),
  /** The text one .gz or .zip attachment may expand to; what lies beyond is not read. */
  maxArchiveBytes: positive().default(20 * MiB),
  /** Text files read from one .zip. */
  maxArchiveEntries: positive().default(50),
  /**
   * An archive that expands to more than this many times its own size is a decompression bomb,
   * not a log (text logs compress 10-20 times), and is not read at all.
   */
  maxArchiveRatio: positive().default(200),
  /**
   * The text all attachments of one message may expand to together, after base64 and
   * decompression, archives and forwarded messages included: 52 small .gz files of 20 MB each
   * took 1.7 GB to read before there was a budget for the whole message.
   */
  maxDecompressedBytes: positive().default(32 * MiB),
  /**
   * A header field longer than this is cut at its last fold before it: mailparser's address
   * parser takes time that grows with the square of a field's length (a 135 KB To: took 0.3 s, a
   * 1 MB one would take seconds), and a list post's fields are a few hundred bytes.
   */
  maxHeaderFieldBytes: positive().default(16 * 1024),
  /** Forwarded messages (message/rfc822) are read to this depth of forwards within forwards. */
  maxForwardDepth: positive().default(3),
  /** A forwarded message larger than this is not read. */
  maxForwardBytes: positive().default(10 * MiB),
  /**
   * HTML larger than this is not laid out by html-to-text (3 MB of plain paragraphs took 3 s) but
   * stripped of its tags: its words are read, its layout is lost.
   */
  maxHtmlBytes: positive().default(1 * MiB),
  /**
   * HTML nested deeper than this is stripped of its tags rather than laid out: html-to-text walks
   * the tree recursively, and 20,000 nested elements overflowed the stack.
   */
  maxHtmlDepth: positive().default(200),
  /**
   * Port claims kept per post, the strongest first (named in the subject, said to rise, seen in
   * log lines, with a protocol): a post listing 30,000 ports is not 30,000 claims to answer.
   */
  maxPortsPerPost: positive().default(50),
  /**
   * An armored OpenPGP signature block larger than this is not handed to the verifier: a real one
   * is under 2 KB (RSA-4096 with its subpackets about 1 KB), a crafted one may be megabytes.
   */
  maxSignatureBytes: positive().default(16 * 1024),
});
export type Limits = z.infer<typeof limitsSchema>;
/** The limits of a config that sets none: what a reader given no config reads with. */
export const DEFAULT_LIMITS: Limits = limitsSchema.parse({});

export const configSchema = z.strictObject({
  /** Who the drafts come from and how they are signed. */
  identity: z
    .strictObject({
      from: z.string().min(3).default('kansoku <kansoku@example.net>'),
      /** How the drafts name us: 「〇〇です。」 and the signature. */
      nameJa: z.string().min(1).default('Example ISP セキュリティ運用チーム'),
      nameEn: z.string().min(1).default('Example ISP security operations'),
    })
    .prefault({}),
  operator: z
    .strictObject({
      /** Our own address space: never shown in clear in a draft. */
      networks: z.array(prefix).default([]),
      /**
       * How our own counters may be shared. A message carries the strictest label of everything in
       * it (posts, replies, sightings, our figures) and never goes below its list's defaultTlp.
       */
      tlp: tlp.default('GREEN'),
      /**
       * Where a private alert goes when a post names our own networks as sources or targets (with the
       * full, unredacted detail); the review address when unset.
       */
      alertAddress: z.string().min(3).nullable().default(null),
    })
    .prefault({}),
  /** The lists we read. A post whose List-Id is unknown gets defaultTlp of the first list. */
  lists: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        listId: z.string().min(1),
        address: z.string().min(3),
        /**
         * The floor for everything sent to this list, and the label of posts that carry none: a
         * post labelled lower (TLP:CLEAR) still gets a reply at this label.
         */
        defaultTlp: tlp.default('AMBER'),
        /** A list that prefers anonymity gets counts in follow-ups, never organisation names. */
        anonymous: z.boolean().default(false),
      }),
    )
    .default([]),
  sources: z.array(source).default([]),
  /** The list mailbox, read over IMAP; `kansoku run --watch` waits on it with IDLE. */
  imap: z
    .strictObject({
      ...server,
      port: z.number().int().min(1).max(65535).default(993),
      passwordEnv: secretEnv.default('KANSOKU_IMAP_PASSWORD'),
      folders: z.array(z.string().min(1)).min(1).default(['INBOX']),
      /** Where copies of what the bot sends are kept, and looked for before a resend. */
      sentFolder: z.string().min(1).default('Sent'),
      /** Servers batch IDLE notifications; a short delay before IDLE keeps new mail within about a second. */
      idleDelayMs: z.number().int().min(0).default(200),
      /** RFC 9051: re-issue IDLE well before the 29-minute mark. */
      maxIdleMinutes: z.number().min(1).max(28).default(10),
      /** Servers without IDLE are polled; every server is also re-checked this often (IDLE can fail silently). */
      pollSeconds: z.number().int().min(1).default(60),
      /** A keyword set on each message once processed, or null for none. */
      flagKeyword: z
        .string()
        .regex(/^\$?[A-Za-z0-9_-]+$/)
        .nullable()
        .default(null),
    })
    .superRefine(loopbackOnlyWithoutTls)
    .nullable()
    .default(null),
  /** Where approved drafts are sent. */
  smtp: z
    .strictObject({
      ...server,
      port: z.number().int().min(1).max(65535).default(587),
      passwordEnv: secretEnv.default('KANSOKU_SMTP_PASSWORD'),
    })
    .superRefine(loopbackOnlyWithoutTls)
    .nullable()
    .default(null),
  send: z
    .strictObject({
      /** Older Japanese lists expect ISO-2022-JP (7-bit) mail; newer ones take UTF-8. */
      charset: z.enum(['utf-8', 'iso-2022-jp']).default('utf-8'),
      /** Kinds of draft sent without a person's approval. Off by default: a person approves. */
      autoSend: z.array(z.enum(AUTO_SEND_KINDS)).default([]),
      /** After a send whose outcome is unknown, wait this long for the list's echo before looking for it. */
      echoWaitSeconds: z.number().int().min(0).default(10),
    })
    .prefault({}),
  /** Member organisations, to credit sightings to: addresses or whole domains (subdomains included). */
  members: z
    .array(
      z.strictObject({
        org: z.string().min(1),
        addresses: z.array(z.string().min(3)).default([]),
        domains: z.array(z.string().min(1)).default([]),
      }),
    )
    .default([]),
  /** Authentication-Results are believed only from this authserv-id (our own receiving server, RFC 8601). */
  auth: z
    .strictObject({
      trustedServerId: z.string().min(1).nullable().default(null),
      /**
       * Members' OpenPGP public keys: an armored key file, or a folder of .asc files (`gpg --export
       * --armor`). Signed posts are checked against it; null: signatures are shown, not checked.
       */
      pgpKeyring: z.string().min(1).nullable().default(null),
    })
    .prefault({}),
  events: z
    .strictObject({
      /** Posts about one (proto, port) this close in time are one incident. */
      windowHours: z.number().int().min(1).default(168),
    })
    .prefault({}),
  sightings: z
    .strictObject({
      /** A follow-up is drafted once this many member organisations have confirmed. */
      followUpAfter: z.number().int().min(1).default(3),
    })
    .prefault({}),
  digest: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** node-cron / cron syntax, read in `timezone`: Monday 09:00 by default. */
      schedule: z
        .string()
        .refine((s) => cron.validate(s), { message: 'not a cron expression' })
        .default('0 9 * * 1'),
      timezone: timeZone.default('Asia/Tokyo'),
      /** Ports drawn as charts, at most. */
      charts: z.number().int().min(0).max(12).default(4),
    })
    .prefault({}),
  /** The daily port-scan overview (ポートスキャン概況) of the day before. */
  overview: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** node-cron / cron syntax, read in `timezone`: daily at 09:00 by default. */
      schedule: z
        .string()
        .refine((s) => cron.validate(s), { message: 'not a cron expression' })
        .default('0 9 * * *'),
      /** The zone whose calendar days the overview covers and whose clock its charts read. */
      timezone: timeZone.default('Asia/Tokyo'),
      /** Ports drawn as charts, at most. */
      charts: z.number().int().min(0).max(12).default(3),
    })
    .prefault({}),
  /** Approval by mail: each new draft is mailed to `address` with a one-time token. */
  review: z
    .strictObject({
      address: z.string().min(3).nullable().default(null),
      /**
       * Only replies from these addresses can approve or reject (with auth.trustedServerId: an
       * aligned DKIM pass there).
       */
      moderators: z.array(z.string().min(3)).default([]),
      /**
       * An approved draft waits this long before it is sent, so that a second mail (or `kansoku
       * reject`) reversing the decision has time to land. Drafts that send.autoSend allows do not wait.
       */
      sendDelaySeconds: z.number().int().min(0).default(300),
    })
    .prefault({}),
  /** `kansoku desk`: the local web page where a person reads, edits and decides on drafts. */
  desk: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8425),
      /**
       * The desk shows TLP material and approves mail to peers: it listens on loopback only, unless
       * this is true and `tls` is set (anyone on the path would read it otherwise).
       */
      allowRemote: z.boolean().default(false),
      /** PEM files of the certificate (with its chain) and its key: the desk then speaks HTTPS. */
      tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
      /** A login lasts this long; then the person asks `kansoku desk` for a new link. */
      sessionHours: z.number().positive().default(12),
      /** Rows on one page of the queue and the events. */
      pageSize: z.number().int().positive().max(1000).default(50),
      /** Days of hourly counts the chart of a draft's port shows, up to the post. */
      chartDays: z.number().int().positive().max(60).default(3),
      /** A post longer than this is shown cut, saying so. */
      maxPostChars: z.number().int().positive().default(200_000),
    })
    .prefault({}),
  counters: z
    .strictObject({
      /**
       * Sensor logs imported before each run, and again by the daemon on `importSchedule`; a file
       * already imported (same content) is skipped, one that grew is read from where it was left.
       */
      files: z
        .array(z.union([z.string().min(1), z.strictObject({ path: z.string().min(1), sensor: sensorName.optional() })]))
        .default([]),
      /** node-cron syntax: when the daemon (`run --watch`) imports `files` again. Every five minutes by default. */
      importSchedule: z
        .string()
        .refine((s) => cron.validate(s), { message: 'not a cron expression' })
        .default('*/5 * * * *'),
      /** Zone of log timestamps that carry none (syslog lines do not). */
      timezone: timeZone.default('UTC'),
      /** The name rollups are kept under; several sensors can feed one store. */
      sensor: sensorName.default('default'),
      /** Hourly rollups are kept this long: a year and a bit, for year-on-year comparison. */
      retentionDays: z.number().int().min(1).default(400),
      /** Raw events (source, ports, flags, TTL, IP ID, sequence) are kept this long, to look up reported sources. */
      recentDays: z.number().int().min(0).default(7),
      /**
       * What an import's counting may hold in memory (MB) before it writes finished hours ahead:
       * its sets, sketches and the objects around them. The process as a whole takes about three
       * times this at its peak (the runtime, the store's cache, what is being written).
       */
      memoryMB: z.number().int().min(4).max(4096).default(32),
      /**
       * An MMDB country database (MaxMind GeoLite2/GeoIP2 Country, DB-IP, ...) to use instead of
       * the bundled IP2Location LITE data; it also gives IPv6 sources a country.
       */
      countryDb: z.string().min(1).optional(),
    })
    .prefault({}),
  /** Our own advisories: drafted when detection finds a rise nobody on the list has posted about. */
  advisory: z
    .strictObject({
      /** The list (its `name` in `lists`) advisories go to; the first configured list when not given. */
      list: z.string().min(1).optional(),
      /** The peak must be at least this many times its expectation... */
      minRatio: z.number().min(1).default(5),
      /** ...from at least this many distinct sources. */
      minSources: z.number().int().min(1).default(20),
      /** At most this many advisories in any 24 hours; the rest are logged and left out. */
      maxPerDay: z.number().int().min(0).default(3),
    })
    .prefault({}),
  /** Local anomaly detection over the stored hourly counters (`kansoku detect`). */
  detect: z
    .strictObject({
      /** Days judged when no --since is given, up to the last hour with data. */
      days: z.number().int().min(1).max(90).default(7),
      /** Weeks of the same hour of the week a busy port's expectation looks back on. */
      weeks: z.number().int().min(2).max(12).default(4),
      /** A window of hours must hold at least this many times its expectation... */
      minRatio: z.number().min(1).default(1.5),
      /** ...and at least this many events... */
      minEvents: z.number().int().min(1).default(10),
      /**
       * ...and be this unlikely on ordinary traffic (count tail with the port's own spread). Tuned
       * for at most one false alarm per week per 100 active ports.
       */
      alpha: z.number().gt(0).lt(0.01).default(1e-6),
      /** Hours with data a run must span to be reported. */
      minHours: z.number().int().min(1).max(24).default(2),
      /** Hours back at the expected level after which an anomaly has ended. */
      closeHours: z.number().int().min(1).max(72).default(3),
      /** The least spread beyond Poisson assumed of any port, as a share of its expectation. */
      minDispersion: z.number().min(0).max(1).default(0.1),
      /** Ports at or above this are where backscatter (SYN-ACK, RST replies) lands. */
      backscatterMinPort: z.number().int().min(1).max(65535).default(1024),
    })
    .prefault({}),
  correlate: z
    .strictObject({
      /** The daily-overview seed's window: a 48-hour moving average. */
      baselineHours: z
        .number()
        .int()
        .min(6)
        .max(24 * 28)
        .default(48),
      /** 1.645 sigma leaves 90% of normal hours inside the band (daily-overview seed). */
      sigma: z.number().positive().default(1.645),
      /**
       * How many hours before the report's own hour the last complete hour with sensor data may
       * lie. Further back is an outage at the report's time, and the verdict is no-data.
       */
      recentHours: z.number().int().min(1).max(72).default(1),
      /**
       * The report's own hour, still running at its time, is judged as a rate over the minutes of
       * sensor data before it when there are at least this many; else the last complete hour is.
       */
      minPartialMinutes: z.number().int().min(1).max(60).default(15),
      /** How far back an onset is looked for: reports speak of "the past few days". */
      lookbackHours: z
        .number()
        .int()
        .min(24)
        .max(24 * 28)
        .default(24 * 7),
      /** Fewer events than this in an hour is never called elevated (one stray packet is not a trend). */
      minEvents: z.number().int().min(1).default(5),
      /** Also required for "elevated": current / mean at least this. */
      minRatio: z.number().min(1).default(2),
      /**
       * And this unlikely under the expected level, as a Poisson count: at 2 events an hour, 6 is
       * nothing (p = 0.03); 20 is (p < 1e-9).
       */
      alpha: z.number().positive().max(0.5).default(0.001),
      /** Weeks of the same hour of the week that make its seasonal expectation (a weekday-heavy port on Monday). */
      seasonWeeks: z.number().int().min(2).max(12).default(4),
      /** Raw events read for a finding's evidence, at most; past it the evidence says it was cut. */
      maxEvidenceEvents: z.number().int().min(100).default(200_000),
      /** A baseline with fewer hours of data than this gives no-data rather than a guess. */
      minBaselineHours: z.number().int().min(1).default(24),
    })
    .prefault({}),
  draft: z
    .strictObject({
      outbox: z.string().default('./outbox'),
      /** Time zone of the Japanese part; the English part gives UTC first. */
      localTimezone: timeZone.default('Asia/Tokyo'),
      /** Log lines quoted from a report in a draft, at most. */
      maxQuotedLines: z.number().int().min(0).max(50).default(4),
      /**
       * A folder of templates to write the drafts with instead of kansoku's own (a site's own
       * wording): NAME.ja.hbs and NAME.en.hbs for every kind. The loader fills in kansoku's own.
       */
      templates: z.string().min(1).optional(),
      /**
       * A draft still waiting for review is written again from newer counters when a later post on
       * its event comes at least this long after the evidence it was written from; a change of
       * verdict revises it at once, whenever it comes.
       */
      reviseAfterMinutes: z.number().int().min(0).max(10080).default(60),
    })
    .prefault({}),
  store: z
    .strictObject({
      sqlite: z.string().default('./kansoku.sqlite'),
      /**
       * A PostgreSQL connection string (postgres://user@host:port/db); when set, it is the store
       * instead of the SQLite file. Keep the password in PGPASSWORD or ~/.pgpass, not here.
       */
      postgres: z
        .string()
        .regex(/^postgres(ql)?:\/\//i, 'a postgres:// or postgresql:// URL')
        .optional(),
    })
    .prefault({}),
  limits: limitsSchema.prefault({}),
});

/** A config as the loader returns it: the template folder is always there, given or kansoku's own. */
export type Config = z.infer<typeof configSchema> & { draft: { templates: string } };
