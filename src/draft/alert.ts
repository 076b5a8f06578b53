import type { Config } from '../config/schema.ts';
import type { OwnNetworks } from '../extract/notations.ts';
import type { DraftMessage, Post, Report, Tlp } from '../model.ts';
import { dateTimeEn, dateTimeJa } from './format.ts';
import { bilingualText, draftMessageId, listById, messageTlp, type KindSpec } from './render.ts';
import { emlName } from './reply.ts';

export interface AlertInput {
  post: Post;
  report: Report;
  /** Our own addresses and prefixes the post names. */
  addresses: string[];
  /** The scanner that found them (the outbound gate's), to pick the lines that name them. */
  networks: OwnNetworks;
  config: Config;
}

export interface AlertView {
  nameJa: string;
  nameEn: string;
  addresses: string[];
  listName: string;
  subject: string;
  from: string;
  dateJa: string;
  dateEn: string;
  messageId: string;
  tlp: Tlp;
  lines: string[];
  more: number;
}

/** Lines quoted in an alert, at most: enough to find the records in our own logs. */
const MAX_LINES = 30;

/** The alert's facts: the post, and every line of it (attachments too) that names our networks. */
export function alertData({ post, report, addresses, networks, config }: AlertInput): AlertView {
  const texts = [post.text, ...post.attachments.map((a) => a.text)];
  const lines = texts.flatMap((t) => t.split(/\r?\n/)).filter((l) => networks.find(l).length > 0);
  const list = listById(post.listId, config);
  const from = post.from
    ? post.from.name
      ? `${post.from.name} <${post.from.address}>`
      : post.from.address
    : 'unknown sender';
  const zone = config.draft.localTimezone;
  return {
    nameJa: config.identity.nameJa,
    nameEn: config.identity.nameEn,
    addresses,
    listName: list?.name ?? post.listId ?? '-',
    subject: post.subject,
    from,
    dateJa: post.date ? dateTimeJa(post.date, zone) : '-',
    dateEn: post.date ? dateTimeEn(post.date, zone) : '-',
    messageId: post.messageId,
    tlp: messageTlp([report.tlp], list, config),
    lines: lines.slice(0, MAX_LINES).map((l) => l.trim()),
    more: Math.max(0, lines.length - MAX_LINES),
  };
}

/**
 * The private alert when a post names our own networks: to the operator (never to a list), with
 * the full, unredacted detail, so that someone looks at our customer before we answer the list.
 */
export function renderAlert(input: AlertInput): DraftMessage {
  const { post, addresses, config } = input;
  const view = alertData(input);
  const named = `${addresses.slice(0, 3).join(', ')}${addresses.length > 3 ? ', ...' : ''}`;
  return {
    kind: 'alert',
    messageId: draftMessageId(post.messageId, 'alert', config.identity.from),
    from: config.identity.from,
    to: config.operator.alertAddress ?? config.review.address ?? '',
    subject: `[TLP:${view.tlp}] [kansoku alert] 当社アドレスが投稿に記載 / Our addresses named on ${view.listName}: ${named}`,
    inReplyTo: null,
    references: [],
    tlp: view.tlp,
    text: bilingualText(config.draft.templates, alert.body, view),
    sourceMessageId: post.messageId,
  };
}

/** The private alert to the operator when a post names our own networks. */
export const alert: KindSpec<AlertInput, DraftMessage> = {
  body: 'alert',
  parts: [],
  view: alertData,
  render: renderAlert,
  fileName: (i, d) => `alert-${emlName(i.report.date, i.report.ports, d.sourceMessageId)}`,
};
