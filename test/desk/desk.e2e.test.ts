import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.ts';
import { kansoku, kansokuProcess, scratch, type CliProcess } from '../helpers/cli.ts';
import { root } from '../helpers/paths.ts';
import { testPg } from '../helpers/store.ts';

const SUBJECT = '[TLP:AMBER] Re: [nsp-sec-jp] tcp/5000 スキャンの急増について';
const ADDED = '23時台以降も増加が続いています。';

/**
 * One reviewer's session on the demo's drafts, in a real browser: the tests follow each other
 * (log in, read, edit, be refused, approve), as the person at the desk would.
 */
describe('kansoku desk, in a browser', { timeout: 60_000 }, () => {
  const cwd = scratch();
  let desk: CliProcess;
  let browser: Browser;
  let page: Page;
  let base: string;
  let login: string;

  beforeAll(async () => {
    expect(kansoku(['run'], cwd).code).toBe(0);
    desk = kansokuProcess(['desk', '--port', '0'], cwd);
    const out = await desk.output(/^log in once with: \S+$/m);
    base = /^kansoku desk on (\S+) /m.exec(out)![1]!;
    login = /^log in once with: (\S+)$/m.exec(out)![1]!;
    browser = await launchChromium();
    page = await browser.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await desk?.stop();
  });

  const draft1 = () => new URL('/drafts/1', base).href;
  const show1 = () => kansoku(['show', '1'], cwd).stdout;

  it('logs in with the printed one-time link and lists draft #1 waiting for review', async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    await page.goto(login);
    expect(page.url()).toBe(base);
    expect(await page.locator('#waiting').getByRole('link', { name: SUBJECT }).getAttribute('href')).toBe('/drafts/1');
  });

  it('refuses the login link a second time, in another browser, with a 401 page', async () => {
    const other = await browser.newContext();
    try {
      const stranger = await other.newPage();
      const r = await stranger.goto(login);
      expect(r!.status()).toBe(401);
      expect(await stranger.locator('h1').innerText()).toBe('ログインできません / Cannot log in');
      // Nor does the stranger see a draft.
      expect((await stranger.goto(draft1()))!.status()).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('shows draft #1 beside the post it answers, with its hourly chart drawn', async () => {
    await page.goto(draft1());
    expect(await page.locator('h1').innerText()).toBe(`#1 ${SUBJECT}`);
    expect(await page.locator('section.post').innerText()).toContain('<20261120101500.sato@abc-net.example>');
    expect(await page.locator('pre.preview').innerText()).toContain('5000/tcp：11月20日 3時台');
    const chart = page.locator('section.charts img');
    expect(await chart.getAttribute('src')).toBe('/drafts/1/chart/tcp/5000.png');
    await expect.poll(() => chart.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  });

  it('saves an edit of the Japanese text as revision 2 and shows the new words', async () => {
    await page.goto(draft1());
    const ja = page.locator('form.edit textarea[name="ja"]');
    const before = await ja.inputValue();
    expect(before).toContain('以上、よろしくお願いいたします。');
    await ja.fill(before.replace('以上、', `${ADDED}\n\n以上、`));
    await page.locator('form.edit input[name="note"]').fill('still rising');
    await page.getByRole('button', { name: '保存（新しい版） / Save as a new revision' }).click();
    await page.waitForURL('**/drafts/1?done=saved');
    expect(await page.locator('.notice').innerText()).toBe('新しい版として保存しました / Saved as a new revision');
    expect(await page.locator('pre.preview').innerText()).toContain(ADDED);
    expect(await page.locator('form.edit textarea[name="ja"]').inputValue()).toContain(ADDED);
    expect(await page.locator('.meta').innerText()).toContain('revision 2');
    // An approval names the words it approves: those just saved.
    expect(await page.locator('form.decide input[name="revision"]').inputValue()).toBe('2');
    // README's picture of the draft page: the top of it, as a reviewer first sees it.
    if (!testPg) await page.screenshot({ path: join(root, 'docs', 'desk-draft.png') });
  });

  it('stores nothing when the form is saved as it was', async () => {
    await page.goto(draft1());
    await page.getByRole('button', { name: '保存（新しい版） / Save as a new revision' }).click();
    await page.waitForURL('**/drafts/1?done=unchanged');
    expect(show1()).not.toMatch(/revision 3/);
  });

  it("shows Japanese in the desk's own font, whatever fonts the machine has", async () => {
    await page.goto(draft1());
    expect(await page.evaluate(() => document.fonts.check('16px IPAexGothic', '観測'))).toBe(true);
  });

  it('refuses an edit that names our own address, says why on the page, and keeps the draft as it was', async () => {
    await page.goto(draft1());
    const ja = page.locator('form.edit textarea[name="ja"]');
    await ja.fill(`${await ja.inputValue()}\n198.51.100.50 からも来ています。`);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/drafts/1/edit')),
      page.getByRole('button', { name: '保存（新しい版） / Save as a new revision' }).click(),
    ]);
    expect(response.status()).toBe(422);
    // The refusal shows at the top, where the person is looking, not only by the form below.
    expect(await page.locator('main > .error').first().innerText()).toContain('The edit was not saved');
    expect(await page.locator('.error li').allInnerTexts()).toContain(
      'the text names our own address 198.51.100.50, which a list must not read',
    );
    // What the person wrote is still in the form, to correct rather than to write again.
    expect(await page.locator('form.edit textarea[name="ja"]').inputValue()).toContain(
      '198.51.100.50 からも来ています。',
    );
    expect(await page.locator('pre.preview').innerText()).not.toContain('198.51.100.50');
    const show = show1();
    expect(show).toMatch(/^draft #1 \(draft, reply, TLP:AMBER, revision 2\)$/m);
    expect(show).not.toContain('198.51.100.50');
  });

  it('approves revision 2, and the audit trail names who approved it', async () => {
    await page.goto(draft1());
    await page.locator('form.decide input[name="note"]').fill('checked the onset');
    await page.getByRole('button', { name: '承認 / Approve' }).click();
    await page.waitForURL('**/drafts/1?done=approved');
    expect(await page.locator('.notice').innerText()).toBe('承認しました / Approved');
    expect(await page.locator('.history').innerText()).toContain('approve by tester');
    const show = show1();
    expect(show).toMatch(/^draft #1 \(approved, reply, TLP:AMBER, revision 2\)$/m);
    expect(show).toMatch(/^ {2}\S+ {2}approve by tester \(checked the onset\)$/m);
    expect(show).toContain(ADDED);
  });
});
