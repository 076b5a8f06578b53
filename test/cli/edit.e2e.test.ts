import { existsSync, readFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { kansoku, scratch } from '../helpers/cli.ts';

/** The demo run in a folder of its own: its first draft is the reply on tcp/5000. */
function demo(): string {
  const cwd = scratch();
  expect(kansoku(['run'], cwd).code).toBe(0);
  return cwd;
}

describe('kansoku edit', () => {
  it('opens the draft in $EDITOR and stores what the person wrote as the next revision, file and all', async () => {
    const cwd = demo();
    const editor = `sed -i 's/観測しています。/観測しています（23時台から）。/'`;
    const r = kansoku(['edit', '1', '--note', 'onset'], cwd, undefined, { EDITOR: editor, VISUAL: '' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('draft #1 revision 2 stored by tester');
    expect(r.stdout).toContain('kansoku approve 1 --revision 2');
    const show = kansoku(['show', '1'], cwd).stdout;
    expect(show).toContain('観測しています（23時台から）。');
    expect(show).toContain('revise by tester (revision 2 edited: onset)');
    // The outbox file is what would go: it says the new words too.
    const file = /^File: (.+)$/m.exec(show)![1]!;
    expect((await simpleParser(readFileSync(`${cwd}/${file}`))).text).toContain('観測しています（23時台から）。');
    expect(kansoku(['approve', '1', '--revision', '2'], cwd).code).toBe(0);
  });

  it('refuses an edit that adds our own address, says why, and keeps the text the person wrote', () => {
    const cwd = demo();
    const r = kansoku(['edit', '1'], cwd, undefined, {
      EDITOR: `sed -i '1a 198.51.100.50 からも来ています。'`,
      VISUAL: '',
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('the text names our own address 198.51.100.50, which a list must not read');
    const kept = /your text is in (\S+)/.exec(r.stderr)![1]!;
    expect(readFileSync(kept, 'utf8')).toContain('198.51.100.50 からも来ています。');
    expect(kansoku(['show', '1'], cwd).stdout).not.toContain('198.51.100.50');
  });

  it('stores nothing when the editor fails or the text is left as it was', () => {
    const cwd = demo();
    expect(kansoku(['edit', '1'], cwd, undefined, { EDITOR: 'true', VISUAL: '' }).stdout).toContain('no change');
    const failed = kansoku(['edit', '1'], cwd, undefined, { EDITOR: 'false', VISUAL: '' });
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('false exited 1');
    expect(kansoku(['show', '1'], cwd).stdout).not.toContain('revision 2');
    expect(existsSync(cwd)).toBe(true);
  });
});
