import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newWorld, startBot, until, withBotStore, writeBotConfig } from '../helpers/mailstack.ts';

describe('the daemon and the weekly digest', () => {
  it('drafts a digest missed while it was down as soon as it starts, and not again after a restart', async () => {
    const w = newWorld();
    const dir = mkdtempSync(join(tmpdir(), 'kansoku-live-'));
    const config = writeBotConfig(dir, w, { extra: { digest: { enabled: true } } });
    const digests = () => withBotStore(dir, (s) => s.drafts.list().filter((d) => d.kind === 'digest'));
    let bot = await startBot(dir, config);
    const [first] = await until(() => (digests().length ? digests() : null), 20_000, 'the digest draft');
    expect(first!.to).toBe(w.list);
    bot.proc.kill('SIGTERM');
    expect(await bot.exited).toBe(0);

    bot = await startBot(dir, config);
    await new Promise((r) => setTimeout(r, 1500));
    bot.proc.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(digests()).toHaveLength(1);
  });
});
