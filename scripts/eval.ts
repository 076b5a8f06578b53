/**
 * Scores the extractor on log samples: per format, the share of sample lines read with every field
 * right. `npm run eval` reads the public corpus (../shared/corpus/logformats.json) when it sits
 * beside the clone, our own samples (fixtures/samples/logformats.json) otherwise; a path given as
 * an argument wins. `-- --verbose` shows misses.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { findLogRecords } from '../src/extract/loglines.ts';
import { blocks, unquote } from '../src/extract/quoting.ts';

/** Corpus format names and the registry module that reads them. */
export const CORPUS_FORMATS: Record<string, string> = {
  'netfilter-iptables': 'netfilter',
  'netfilter-iptables-wrapped-quoted': 'netfilter',
  ufw: 'netfilter',
  shorewall: 'netfilter',
  'openbsd-pf-pflog': 'pf',
  'pfsense-filterlog': 'pfsense-filterlog',
  'cisco-asa': 'cisco-asa',
  'cisco-pix': 'cisco-asa',
  'juniper-srx': 'juniper-srx',
  'juniper-netscreen': 'juniper-netscreen',
  'fortigate-kv': 'fortigate',
  'paloalto-traffic-csv': 'paloalto-traffic',
  'windows-firewall-pfirewall': 'windows-firewall',
  'zeek-conn-log': 'zeek-conn',
  'nfdump-text': 'nfdump',
  tcpdump: 'tcpdump',
  'snort-fast-log': 'fast-log',
  'suricata-fast-log': 'fast-log',
  'suricata-eve-json': 'eve-json',
  'aws-vpc-flow-log': 'aws-vpc-flow',
  'shadowserver-event4-honeypot-darknet-csv': 'shadowserver',
  'shadowserver-event4-honeypot-brute-force-csv': 'shadowserver',
  'shadowserver-darknet-csv': 'shadowserver',
  'ims-sensor-wrapped': 'ims',
  portsentry: 'portsentry',
  ipchains: 'ipchains',
  scanlogd: 'scanlogd',
};

export interface Sample {
  format: string;
  line: string;
  context?: string;
  expected: Record<string, string | number | null>;
}

/** What the extractor reads from one sample, in the corpus's own terms. */
export function readSample(s: Sample) {
  // A header the corpus keeps apart (#fields, #Fields, CSV header, "(default ...)" notes aside) goes first.
  const header =
    s.context && !s.context.startsWith('(') && !/^Date (first seen|flow start)/.test(s.context) ? `${s.context}\n` : '';
  const { events } = findLogRecords(
    blocks(unquote(`${header}${s.line}`)).map((b) => b.lines),
    { reference: new Date('2026-11-21T00:00:00Z'), zone: 'UTC' },
    65536,
  );
  const e = events[0];
  if (!e) return { events: events.length, format: null, got: null };
  return {
    events: events.length,
    format: e.format,
    got: {
      ts: e.tsText,
      src: e.src,
      spt: e.spt,
      dst: e.dst,
      dpt: e.dptText ?? e.dpt,
      proto: e.proto?.toUpperCase() ?? null,
      flags: e.flagsText,
      action: e.action,
    } as Record<string, string | number | null>,
  };
}

export function mismatches(s: Sample): string[] {
  const r = readSample(s);
  if (!r.got) return ['no record read'];
  const out: string[] = [];
  if (r.events !== 1) out.push(`${r.events} records`);
  if (r.format !== CORPUS_FORMATS[s.format]) out.push(`read as ${r.format}`);
  for (const k of Object.keys(s.expected)) {
    if (JSON.stringify(r.got[k] ?? null) !== JSON.stringify(s.expected[k]))
      out.push(`${k}: got ${JSON.stringify(r.got[k])} want ${JSON.stringify(s.expected[k])}`);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const publicCorpus = resolve(import.meta.dirname, '../../shared/corpus/logformats.json');
  const path =
    process.argv.slice(2).find((a) => !a.startsWith('--')) ??
    (existsSync(publicCorpus) ? publicCorpus : resolve(import.meta.dirname, '../fixtures/samples/logformats.json'));
  console.log(`samples: ${path}`);
  const corpus = JSON.parse(readFileSync(path, 'utf8')) as Sample[];
  const verbose = process.argv.includes('--verbose');
  const byFormat = new Map<string, { ok: number; n: number; misses: string[] }>();
  for (const s of corpus) {
    const m = mismatches(s);
    const b = byFormat.get(s.format) ?? { ok: 0, n: 0, misses: [] };
    b.n++;
    if (m.length) b.misses.push(`  ${s.line.slice(0, 90).replace(/\n/g, '⏎')}\n    ${m.join('; ')}`);
    else b.ok++;
    byFormat.set(s.format, b);
  }
  let ok = 0;
  let n = 0;
  for (const [f, b] of [...byFormat].sort()) {
    ok += b.ok;
    n += b.n;
    console.log(
      `${f.padEnd(46)} ${String(b.ok).padStart(3)}/${String(b.n).padEnd(3)} ` +
        `${((b.ok / b.n) * 100).toFixed(0).padStart(3)}%`,
    );
    if (verbose) for (const m of b.misses) console.log(m);
  }
  console.log(
    `${'all'.padEnd(46)} ${String(ok).padStart(3)}/${String(n).padEnd(3)} ${((ok / n) * 100).toFixed(1)}% line recall`,
  );
}
