import { correlate as judge, reportTime } from '../../correlate/correlate.ts';
import type { Step } from '../message.ts';

/** Checks each port the post claims against our own hourly counters. */
export const correlate: Step = (s, ctx) => {
  const report = s.report!;
  if (report.ports.length === 0) {
    s.reason = s.sightings.length ? 'sighting' : 'no port claims';
    s.decision.stop('correlate', 'no-claims', 'the post claims no port: nothing to check against our counters');
    return s.sightings.length ? 'sighting' : 'no-claims';
  }
  s.findings = judge(report, ctx.store.counters, reportTime(report), ctx.config.correlate);
  s.decision.pass(
    'correlate',
    'findings',
    s.findings.map((f) => `${f.proto ?? 'port'}/${f.port}: ${f.verdict}`).join(', '),
    {
      findings: s.findings.map((f) => ({
        port: f.port,
        proto: f.proto,
        verdict: f.verdict,
        current: f.current,
        currentHour: f.currentHour,
        mean: f.baseline?.mean ?? null,
        upper: f.baseline?.upper ?? null,
        ratio: f.ratio,
        coverage: f.coverage,
      })),
    },
  );
  return undefined;
};
