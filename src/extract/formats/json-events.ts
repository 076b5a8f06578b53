import {
  epochIso,
  event,
  ISO_TS,
  isoWall,
  isIpAddress,
  jsonRecord,
  jsonText,
  port,
  protoOf,
  toIso,
  type LogFormat,
  type TimeContext,
} from './common.ts';
import type { Proto } from '../../model.ts';

/** The keys the common tools give each field, in the order they are tried; dotted keys are nested (ECS). */
const KEYS = {
  src: ['src_ip', 'src_host', 'source_ip', 'srcip', 'src_addr', 'saddr', 'source.ip'],
  dst: ['dst_ip', 'dest_ip', 'dst_host', 'destination_ip', 'dstip', 'dst_addr', 'daddr', 'destination.ip'],
  spt: ['src_port', 'source_port', 'srcport', 'sport', 'source.port'],
  dpt: ['dst_port', 'dest_port', 'destination_port', 'dstport', 'dport', 'destination.port'],
  proto: ['transport', 'proto', 'protocol', 'ip_proto', 'network.transport'],
  time: ['timestamp', '@timestamp', 'utc_time', 'time', 'ts'],
} as const;

/** Honeypots name the service, not the transport: these run over TCP. */
const TCP_SERVICES = new Set([
  'ssh',
  'telnet',
  'http',
  'https',
  'ftp',
  'smb',
  'rdp',
  'mysql',
  'mssql',
  'redis',
  'vnc',
  'smtp',
  'pop3',
  'imap',
]);

function lookup(o: Record<string, unknown>, key: string): unknown {
  if (key in o) return o[key];
  const dot = key.indexOf('.');
  if (dot < 0) return undefined;
  const inner = o[key.slice(0, dot)];
  return typeof inner === 'object' && inner !== null
    ? (inner as Record<string, unknown>)[key.slice(dot + 1)]
    : undefined;
}

function first(o: Record<string, unknown>, keys: readonly string[]): { key: string; value: string } | null {
  for (const key of keys) {
    const value = jsonText(lookup(o, key));
    if (value !== undefined && value !== '') return { key, value };
  }
  return null;
}

function transport(name: string | undefined): Proto | null {
  if (!name) return null;
  return protoOf(name) ?? (TCP_SERVICES.has(name.toLowerCase()) ? 'tcp' : null);
}

function timeOf(t: { key: string; value: string } | null, time: TimeContext): string | null {
  if (!t) return null;
  if (/^\d{9,13}(\.\d+)?$/.test(t.value))
    return epochIso(Number(t.value) > 1e11 ? String(Number(t.value) / 1000) : t.value);
  const iso = ISO_TS.exec(t.value);
  if (!iso || iso.index !== 0) return null;
  const wall = isoWall(iso);
  // OpenCanary's utc_time carries no offset, and is UTC.
  return toIso(t.key === 'utc_time' && wall.offset === null ? { ...wall, offset: 'Z' } : wall, time);
}

/**
 * JSON event logs that name a connection's source and destination in keys of their own: Cowrie
 * and OpenCanary honeypots, T-Pot's and other Elastic Common Schema exports (`source.ip`,
 * `destination.port`). A record counts when it has both addresses and the destination port;
 * Suricata's eve.json and Zeek's JSON logs have modules of their own, tried first.
 */
export const jsonEvents: LogFormat = {
  id: 'json-events',
  description: 'JSON event logs (Cowrie, OpenCanary, ECS)',
  sniff: (t) => t.includes('{') && /(?:src|source)/.test(t) && /(?:dst|dest)/.test(t),
  parse(text, time) {
    const o = jsonRecord(text);
    if (!o) return null;
    const src = first(o, KEYS.src)?.value;
    const dst = first(o, KEYS.dst)?.value;
    const dpt = port(first(o, KEYS.dpt)?.value);
    if (!src || !dst || dpt === null || !isIpAddress(src) || !isIpAddress(dst)) return null;
    const proto = transport(first(o, KEYS.proto)?.value);
    const t = first(o, KEYS.time);
    return event('json-events', text, {
      ts: timeOf(t, time),
      tsText: t?.value ?? null,
      src,
      spt: port(first(o, KEYS.spt)?.value),
      dst,
      dpt,
      proto,
      flags: null,
      flagsText: null,
      action: null,
    });
  },
};
