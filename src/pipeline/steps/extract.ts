import { signatureLine } from '../../mail/signature-line.ts';
import { extractOptions, extractReport } from '../../extract/report.ts';
import type { Step } from '../message.ts';

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** Reads what the post claims: ports, log lines, counts, TLP. */
export const extract: Step = (s, ctx) => {
  const post = s.post!;
  try {
    s.report = extractReport(post, extractOptions(ctx.config));
  } catch (err) {
    s.reason = `extract failed: ${(err as Error).message}`;
    s.decision.stop('extract', 'extract-failed', s.reason);
    return 'quarantined';
  }
  const r = s.report;
  for (const w of r.warnings) {
    ctx.log.warn({ messageId: post.messageId }, w);
    s.decision.note('extract', 'warning', w);
  }
  // For the reviewer only: a signature names who wrote the text, and changes no verdict or figure.
  if (r.signature) {
    const line = signatureLine(r.signature, 'en');
    ctx.log.info({ messageId: post.messageId, signature: r.signature }, line);
    s.decision.note('extract', 'signature', line, { signature: r.signature });
  }
  s.decision.pass(
    'extract',
    'report',
    `${count(r.ports.length, 'port claim')}, ${count(r.logLines.length, 'log line')}, TLP ${r.tlp ?? 'not given'}`,
    {
      ports: r.ports.map((p) => `${p.proto ?? 'port'}/${p.port}`),
      logLines: r.logLines.length,
      tlp: r.tlp,
      languages: r.languages,
    },
  );
  return undefined;
};
