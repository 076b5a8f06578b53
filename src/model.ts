/**
 * The plain values that flow through the pipeline (docs/contracts.md has their JSON forms).
 * Stages exchange these and nothing else; only src/store/ turns them into rows.
 */

/**
 * The TLP labels, TLP 2.0 names (TLP 1.0 WHITE is read as CLEAR), laxest first: the one list the
 * Tlp type, the config's choices and the outbound gate's check all come from.
 */
export const TLP_ORDER = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export type Tlp = (typeof TLP_ORDER)[number];

/**
 * Every kind of message kansoku writes, and what the pipeline does with each: `draft`, a person
 * decides on it and it is kept (false for mail about drafts); `toList`, it may go to a list (false:
 * to the operator's own people only, without review); `autoSend`, send.autoSend may let it go
 * without a person; `editable`, a person may change its words before it goes (kansoku edit, the
 * desk). src/draft/kinds.ts gives each its module and templates.
 */
export const KIND_RULES = {
  reply: { draft: true, toList: true, autoSend: true, editable: true },
  followup: { draft: true, toList: true, autoSend: true, editable: true },
  // Their charts and HTML part are drawn from the text: they are rendered again, not edited.
  digest: { draft: true, toList: true, autoSend: true, editable: false },
  overview: { draft: true, toList: true, autoSend: true, editable: false },
  advisory: { draft: true, toList: true, autoSend: true, editable: true },
  alert: { draft: true, toList: false, autoSend: false, editable: true },
  review: { draft: false, toList: false, autoSend: false, editable: false },
  note: { draft: false, toList: false, autoSend: false, editable: false },
} as const;

type KindRules = typeof KIND_RULES;
export type Kind = keyof KindRules;
/** The kinds that are drafts a person decides on, kept in the store. */
export type DraftKind = { [K in Kind]: KindRules[K]['draft'] extends true ? K : never }[Kind];
export type AutoSendKind = { [K in Kind]: KindRules[K]['autoSend'] extends true ? K : never }[Kind];

/** What send.autoSend may name. */
export const AUTO_SEND_KINDS = (Object.keys(KIND_RULES) as Kind[]).filter((k) => KIND_RULES[k].autoSend) as [
  AutoSendKind,
  ...AutoSendKind[],
];

export type Proto = 'tcp' | 'udp' | 'icmp';

/**
 * The content type of text a post carries for its label only, never for claims: its HTML
 * alternative (or an HTML attachment) read as text.
 */
export const LABEL_ONLY = 'text/html';

export interface TextAttachment {
  filename: string;
  contentType: string;
  text: string;
}

/**
 * An OpenPGP signature a post carries, and what checking it against the configured keyring
 * (auth.pgpKeyring) gave. It says who signed which text, never that the numbers in it are right:
 * no verdict and no figure depends on it.
 */
export interface PostSignature {
  /** Inline (RFC 4880 section 7, "-----BEGIN PGP SIGNED MESSAGE-----") or PGP/MIME (RFC 3156). */
  kind: 'cleartext' | 'pgp-mime';
  /**
   * `verified`: a key of the keyring made it over the text as sent; `bad`: the key is there but
   * the signature does not hold (text altered, key revoked or expired, a hash refused as weak);
   * `unknown-key`: no key of the keyring made it (or the keyring could not be read);
   * `no-keyring`: none is configured; `unreadable`: the signature block is not one.
   */
  status: 'verified' | 'bad' | 'unknown-key' | 'no-keyring' | 'unreadable';
  /** The user ID of the key that verified it. */
  signer?: string;
  /** The signing key's ID, 16 hex digits; null when the block could not be read. */
  keyId: string | null;
  /** The verifying key's fingerprint, or the one the signature names. */
  fingerprint?: string;
  /** The post has text of substance outside the signed part (a list footer is not): the signature covers part of it. */
  partial?: boolean;
  /** Why it is `bad` or `unreadable`, as the verifier said. */
  detail?: string;
}

/** What a reply to a post is rendered from besides its report: who wrote it, when, in which thread. */
export type PostHeader = Pick<Post, 'messageId' | 'inReplyTo' | 'references' | 'listId' | 'from' | 'date' | 'subject'>;

/** One list message, decoded. */
export interface Post {
  /** Message-ID with angle brackets; synthesised from a content hash when the message has none. */
  messageId: string;
  messageIdSynthetic: boolean;
  inReplyTo: string | null;
  references: string[];
  listId: string | null;
  from: { address: string; name: string } | null;
  date: string | null;
  subject: string;
  text: string;
  attachments: TextAttachment[];
  /** Header facts that decide whether the message is automatic mail (RFC 3834). */
  auto: { autoSubmitted: string | null; precedence: string | null; returnPathEmpty: boolean; isBounce: boolean };
  headers: Record<string, string>;
  /** Every Authentication-Results header, topmost (added last, by our own server) first. */
  authResults: string[];
  /** What was left unread and why (an archive over its caps, say), for the log. */
  warnings: string[];
  /** Its own OpenPGP signature (not one of a message it quotes or forwards); null when unsigned. */
  signature: PostSignature | null;
}

/** One firewall or sensor record, as any format parser returns it. */
export interface LogEvent {
  format: string;
  /** ISO 8601 UTC when the record's time could be placed; null when the line carries none. */
  ts: string | null;
  /** The timestamp as written in the line. */
  tsText: string | null;
  src: string | null;
  spt: number | null;
  dst: string | null;
  dpt: number | null;
  proto: Proto | null;
  /** TCP flags in one notation, letters in the order F S R P A U E C ("-S------" -> "S", "SYN ACK" -> "SA"). */
  flags: string | null;
  /** TCP flags exactly as the format writes them. */
  flagsText: string | null;
  action: string | null;
  /** IP TTL, IP ID and TCP sequence number, where the format logs them: scanner fingerprints. */
  ttl?: number;
  ipId?: number;
  seq?: number;
  /** A scan summary's destination ports as written ("80, 81, 83, ..."), when there is no single port. */
  dptText?: string;
  /** Addresses written anonymised (A.B.C.50, x.x.x.x) or defanged (1.2.3[.]4): kept as written, never fixed. */
  masked?: Array<'src' | 'dst'>;
  raw: string;
}

export interface PortClaim {
  port: number;
  proto: Proto | null;
  from: Array<'prose' | 'log'>;
  /** Text the claim was read from, for a reviewer to check. */
  spans: string[];
  /** The post says traffic to it is rising, or merely mentions it. */
  trend: 'rising' | 'mentioned';
  /** 'destination' when the post says so ("destination port 23", 「宛先ポート23」). */
  role: 'destination' | null;
}

/** Something a post states, with the text it was read from. */
export interface Claim {
  kind: 'country' | 'window' | 'service' | 'scan-type' | 'targeting';
  value: string;
  text: string;
  /** The share the text states, 0 to 1 (targeting 'one-target-share': "96% of hosts ... one specific IP"). */
  share?: number;
}

export interface PortRange {
  from: number;
  to: number;
  proto: Proto | null;
  text: string;
}

export type CountKind = 'sources' | 'targets' | 'packets';

export interface CountMention {
  kind: CountKind;
  /** null when the text gives no number ("thousands", "数千"). */
  value: number | null;
  approx: boolean;
  per: 'hour' | 'day' | null;
  text: string;
}

/** What a post claims. Field names of the JSON form are a contract (DESIGN.md). */
export interface Report {
  messageId: string;
  subject: string;
  date: string | null;
  languages: Array<'ja' | 'en'>;
  tlp: Tlp | null;
  ports: PortClaim[];
  logLines: LogEvent[];
  counts: Partial<Record<CountKind, number>>;
  countMentions: CountMention[];
  scanTypes: string[];
  targeting: string[];
  question: boolean;
  /** Source addresses the report names, in its logs and its prose (anonymised ones left out). */
  sourceAddresses: string[];
  /** Scan types and targeting patterns with the text they were read from. */
  patterns: Claim[];
  countries: Claim[];
  /** The time window the post gives, as written. */
  window: Claim | null;
  portRanges: PortRange[];
  /** Well-known ports of services the post names without a number ("SSH brute force"): implied, kept apart. */
  impliedPorts: Array<Claim & { port: number; proto: Proto }>;
  /** Ports the post names as the scanners' source ports ("source port 1025 and up"). */
  sourcePorts: Array<{ port: number; proto: Proto | null; text: string }>;
  /** What reading the post's text left out and why (port claims over limits.maxPortsPerPost), for the log. */
  warnings: string[];
  /** The post's OpenPGP signature and whether it verified: for a reviewer, never a reason to believe the figures. */
  signature: PostSignature | null;
}

export type Verdict = 'elevated' | 'normal' | 'not-seen' | 'no-data';

export interface Baseline {
  mean: number;
  sd: number;
  upper: number;
  lower: number;
  hours: number;
}

export interface Finding {
  port: number;
  proto: Proto | null;
  verdict: Verdict;
  at: string;
  /**
   * Events per hour now: in the last complete hour with sensor data, or, when the report's own
   * hour has at least `minPartialMinutes` of data before `at`, the events of those minutes as a
   * rate per hour. The verdict is judged on this figure.
   */
  current: number | null;
  currentHour: string | null;
  currentSources: number | null;
  /** Minutes of sensor data `current` was counted over: 60 for a complete hour, fewer for a partial one. */
  currentMinutes: number | null;
  /** Events actually counted in those minutes (equal to `current` for a complete hour). */
  currentEvents: number | null;
  baseline: Baseline | null;
  ratio: number | null;
  onset: string | null;
  peak: { hour: string; events: number } | null;
  /** What the current figure was put to, against the band of the verdict; null without a band. */
  test: VerdictTest | null;
  /** What our own raw events of the port say, since the onset (or in the current hour); null without any. */
  evidence: Evidence | null;
  sourcesSeenLocally: string[];
  /** Hours of sensor data in the window that was looked at; gaps are not zeros. */
  coverage: { hoursWithData: number; hoursInWindow: number };
}

/** A scanner known by the marks it writes into its packets, and how many of ours carry them. */
export interface Fingerprint {
  tool: 'mirai' | 'zmap' | 'masscan';
  /** Of the events that carry the fields the mark is read from. */
  share: number;
  events: number;
}

/** Our own raw events of one port over a span: shares are of those events, 0 to 1, three decimals. */
/**
 * A local anomaly: a (proto, port) of our own counters out of its seasonal range for a while,
 * found without anyone asking (`kansoku detect`, the daily overview, our own advisories).
 */
export interface Anomaly {
  proto: Proto;
  port: number;
  /** The first hour (ISO UTC) of the run. */
  start: string;
  /** The hour after its last (ISO UTC), once back to usual for `detect.closeHours`; null while it lasts. */
  end: string | null;
  peak: { hour: string; events: number };
  /** Events the peak hour usually holds (its seasonal expectation, from before the start). */
  expected: number;
  /** The peak against its expectation (at least one event an hour expected). */
  ratio: number;
  /** Distinct sources over the run. */
  sources: number;
  /** The countries that drive it: those whose share of the sources rose most against their usual share. */
  countries: Array<{ cc: string; share: number }>;
  /**
   * `burst` (a few hours), `rise` (longer), `new` (a port that was silent), `backscatter` (replies
   * to someone else's SYNs reaching our high ports: `port` is the service port they came from).
   */
  kind: 'burst' | 'rise' | 'new' | 'backscatter';
}

export interface Evidence {
  from: string;
  to: string;
  events: number;
  /** More events than `correlate.maxEvidenceEvents`: the figures are of the first ones. */
  truncated: boolean;
  /** Distinct source addresses, and how many there were by the end of each hour. */
  sources: number;
  sourcesByHour: Array<{ hour: string; sources: number }>;
  /** Of TCP events, those with SYN alone. */
  synOnly: number | null;
  /** Of events, those to a /24 in which they hit one address only (a scanner that takes one target per /24). */
  onePerSlash24: number | null;
  /** The share of the most hit destination address (the address itself is ours and not given). */
  topDestinationShare: number | null;
  sourcePorts: { distinct: number; topShare: number | null };
  ttl: { distinct: number; top: number | null; topShare: number | null };
  /** The report's sources that we saw on this port, and when we saw each first. */
  reportedFirstSeen: Array<{ source: string; firstSeen: string }>;
  /** The sources' countries, the top three: shares of the hourly distinct sources, summed over the span. */
  countries: Array<{ country: string; share: number }>;
  fingerprints: Fingerprint[];
  /**
   * A few of our own events, as log lines without their destination (it is our address): those
   * of the report's sources first. A draft quotes these rather than the reporter's own lines.
   */
  samples: string[];
}

/** Why a rise is, or is not, called elevated: each test and its numbers. */
export interface VerdictTest {
  /** Events per hour expected now: the larger of the band's mean and the seasonal expectation. */
  expected: number;
  /** What this hour of the week usually holds, from before the onset; null with too few weeks or days. */
  seasonal: { value: number; from: 'hour-of-week' | 'hour-of-day'; hours: number } | null;
  /** P(at least `currentEvents` events) for a Poisson count at `expected` over `currentMinutes`. */
  pValue: number;
  /** The 99th percentile of the two weeks' hours before the onset, which a rise must go beyond. */
  spikeLevel: number | null;
  /** The first test the figure failed, in this order; null when it passed them all (elevated). */
  failed: 'band' | 'min-events' | 'ratio' | 'poisson' | 'spikes' | null;
}

/** `held`: waits for a person to release it (own networks named as sources, or refused by the outbound gate). */
export type DraftStatus = 'draft' | 'held' | 'approved' | 'rejected' | 'sent';

export interface DraftMessage {
  kind: DraftKind;
  messageId: string;
  from: string;
  to: string;
  subject: string;
  inReplyTo: string | null;
  references: string[];
  tlp: Tlp;
  /** The whole body: the Japanese part first, then the English part, as list members write. */
  text: string;
  sourceMessageId: string;
}

/** What became of one message. */
export type Outcome =
  | 'drafted'
  | 'held'
  | 'no-claims'
  | 'answered'
  | 'no-data'
  | 'automatic'
  | 'not-list'
  | 'review'
  | 'sighting'
  | 'duplicate'
  | 'quarantined';

/** The steps a message passes, in order (src/pipeline/steps/). */
export type StepName =
  | 'admit'
  | 'moderation'
  | 'list'
  | 'extract'
  | 'sightings'
  | 'own-networks'
  | 'correlate'
  | 'decide'
  | 'draft'
  | 'follow-ups'
  | 'runner';

/** One step's word on a message: what it found, and whether the message went on. */
export interface DecisionStep {
  step: StepName;
  /** `stop`: the message went no further; `pass`: it went on; `note`: a finding along the way. */
  result: 'pass' | 'stop' | 'note';
  /** A stable key for what happened (e.g. `no-claims`, `already-answered`, `own-networks`). */
  code: string;
  text: string;
  /** The findings behind it, as plain values (ports, verdicts, addresses, draft ids). */
  data?: Record<string, unknown>;
}

/**
 * Why a message got a draft, or why not: the record each step adds to, stored with the message,
 * shown by `kansoku explain` and `kansoku show`.
 */
export interface Decision {
  outcome: Outcome;
  /** One line, as `messages.reason` holds it. */
  summary: string;
  steps: DecisionStep[];
  drafts: number[];
}

/** One incident: the posts about one (proto, port) in one time window, and our latest verdict on it. */
export interface EventRow {
  id: number;
  proto: Proto;
  port: number;
  firstSeen: string;
  lastSeen: string;
  /** The post that opened the event: follow-ups thread under it. */
  firstMessage: string;
  subject: string | null;
  lastVerdict: Verdict | null;
  /** When our counters saw the port back at its usual level; null while it lasts (or was never ours). */
  endedAt: string | null;
}

/** What a member's reply to a post about an event says about it. */
export type SightingVerdict = 'confirm' | 'deny' | 'question' | 'other';

/** One reply's word on an event, as it was read and whether it is counted. */
export interface SightingRow {
  eventId: number;
  messageId: string;
  verdict: SightingVerdict;
  sender: string | null;
  org: string | null;
  /** Counted as a member organisation's word: a known member, and no failed DKIM at our trusted server. */
  counted: boolean;
  /** Why it was or was not counted. */
  why: string;
  counts: Record<string, number> | null;
  logLines: number;
  at: string;
  /** The label of the reply it was read from: what a list may not see stays out of what we send there. */
  tlp: Tlp | null;
}
