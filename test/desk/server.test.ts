import { execFileSync } from 'node:child_process';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.ts';
import { startDesk, type Desk } from '../../src/desk/server.ts';
import { scratch } from '../helpers/cli.ts';
import { demoStore } from '../helpers/demo.ts';

const open: Desk[] = [];
afterEach(async () => {
  for (const d of open.splice(0)) await d.close();
});

async function desk(desk: Partial<Config['desk']> = {}, host = '127.0.0.1') {
  const demo = await demoStore();
  const p = { ...demo.p, config: { ...demo.config, desk: { ...demo.config.desk, ...desk } } };
  const d = await startDesk(p, { host, port: 0, actor: 'alice' });
  open.push(d);
  return { ...demo, desk: d, p };
}

/** A browser's cookie jar, as far as the desk needs one. */
class Browser {
  private jar = new Map<string, string>();
  constructor(private readonly base: string) {}

  async get(path: string) {
    return this.keep(await fetch(new URL(path, this.base), { headers: this.cookie(), redirect: 'manual' }));
  }

  async post(path: string, form: Record<string, string>) {
    return this.keep(
      await fetch(new URL(path, this.base), {
        method: 'POST',
        headers: { ...this.cookie(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
        redirect: 'manual',
      }),
    );
  }

  /** The CSRF token a page's forms carry. */
  async token(path: string): Promise<string> {
    return /name="_csrf" value="([^"]+)"/.exec(await (await this.get(path)).text())![1]!;
  }

  private cookie(): Record<string, string> {
    return this.jar.size ? { cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  private keep(r: Response): Response {
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const at = pair!.indexOf('=');
      this.jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return r;
  }
}

async function loggedIn(d: Desk): Promise<Browser> {
  const b = new Browser(d.url);
  expect((await b.get(d.loginUrl)).status).toBe(303);
  return b;
}

describe('the desk over HTTP', () => {
  it('shows nothing without the session cookie: no page, no asset, no chart', async () => {
    const { desk: d } = await desk();
    const b = new Browser(d.url);
    for (const path of ['/', '/drafts/1', '/events', '/events/1', '/drafts/1/chart/tcp/5000.png']) {
      const r = await b.get(path);
      expect(r.status, path).toBe(401);
      expect(await r.text()).not.toContain('5000/tcp');
    }
    const r = await b.post('/drafts/1/decide', { action: 'approve', revision: '1' });
    expect(r.status).toBe(401);
    // The login page is styled: the stylesheet and the font hold nothing of ours.
    expect((await b.get('/assets/desk.css')).status).toBe(200);
    expect((await b.get('/assets/ipaexg.ttf')).headers.get('content-type')).toBe('font/ttf');
  });

  it('logs a browser in once with the printed link, never with a wrong or spent one', async () => {
    const { desk: d } = await desk();
    expect(d.loginUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/login\?token=[\w-]{32}$/);
    expect((await new Browser(d.url).get('/login?token=nope')).status).toBe(401);
    const b = await loggedIn(d);
    const queue = await b.get('/');
    expect(queue.status).toBe(200);
    expect(queue.headers.get('cache-control')).toBe('no-store');
    expect(queue.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await queue.text()).toContain('5000/tcp');
    expect((await new Browser(d.url).get(d.loginUrl)).status).toBe(401);
  });

  it('refuses a decision without the CSRF token, with a wrong one, or with one from another login', async () => {
    const { desk: a, store, p } = await desk();
    const b = await startDesk(p, { host: '127.0.0.1', port: 0, actor: 'mallory' });
    open.push(b);
    const alice = await loggedIn(a);
    const other = await loggedIn(b);
    const theirs = await other.token('/drafts/1');
    for (const form of [{}, { _csrf: 'forged' }, { _csrf: theirs }] as Array<Record<string, string>>) {
      const r = await alice.post('/drafts/1/decide', { action: 'approve', revision: '1', ...form });
      expect(r.status).toBe(403);
    }
    const edit = await alice.post('/drafts/1/edit', { revision: '1', ja: 'x', en: 'y', note: '' });
    expect(edit.status).toBe(403);
    expect(store.drafts.get(1)).toMatchObject({ status: 'draft', revision: 1 });
  });

  it('keeps a refused edit naming the revision the person read: sending it again cannot undo a newer one', async () => {
    const { desk: d, store, p } = await desk();
    const b = await loggedIn(d);
    const token = await b.token('/drafts/1');
    const parts = (await import('../../src/draft/render.ts')).splitParts(store.drafts.get(1).text)!;
    const { editDraft } = await import('../../src/pipeline/edit.ts');
    expect((await editDraft(p, 1, { ...parts, en: `${parts.en}\nFrom bob.`, revision: 1, note: null })).status).toBe(
      'revised',
    );
    const form = { revision: '1', ja: parts.ja, en: `${parts.en}\nFrom alice.`, note: '', _csrf: token };
    const first = await b.post('/drafts/1/edit', form);
    expect(first.status).toBe(422);
    const html = await first.text();
    expect(html).toContain('is at revision 2, not 1');
    expect(/action="\/drafts\/1\/edit"[^]*?name="revision" value="(\d+)"/.exec(html)![1]).toBe('1');
    expect((await b.post('/drafts/1/edit', form)).status).toBe(422);
    expect(store.drafts.get(1).text).toContain('From bob.');
  });

  it('says what was done by a fixed word, and nothing for any other', async () => {
    const { desk: d } = await desk();
    const b = await loggedIn(d);
    const r = await b.post('/drafts/1/decide', { action: 'reject', revision: '1', _csrf: await b.token('/drafts/1') });
    expect(r.headers.get('location')).toBe('/drafts/1?done=rejected');
    expect(await (await b.get('/drafts/1?done=rejected')).text()).toContain('却下しました / Rejected');
    for (const word of ['__proto__', 'constructor', '__defineGetter__', '<b>x</b>']) {
      const page = await b.get(`/?done=${encodeURIComponent(word)}`);
      expect(page.status).toBe(200);
      expect(await page.text()).not.toContain('class="notice"');
    }
  });

  it('approves, rejects and releases by the review rules, recorded with who', async () => {
    const { desk: d, store } = await desk();
    const b = await loggedIn(d);
    const approve = await b.post('/drafts/1/decide', {
      action: 'approve',
      revision: '1',
      note: 'checked',
      _csrf: await b.token('/drafts/1'),
    });
    expect(approve.status).toBe(303);
    expect(approve.headers.get('location')).toBe('/drafts/1?done=approved');
    expect(store.drafts.get(1).status).toBe('approved');
    expect(store.drafts.history(1).at(-1)).toMatchObject({ action: 'approve', actor: 'alice', note: 'checked' });
    // A held draft is released before it is approved, on the desk as in the CLI.
    const held = store.drafts.list('held')[0]!;
    const refused = await b.post(`/drafts/${held.id}/decide`, {
      action: 'approve',
      revision: '1',
      _csrf: await b.token(`/drafts/${held.id}`),
    });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain(`#${held.id} is held`);
    const released = await b.post(`/drafts/${held.id}/decide`, {
      action: 'release',
      revision: '1',
      _csrf: await b.token(`/drafts/${held.id}`),
    });
    expect(released.status).toBe(303);
    expect(store.drafts.get(held.id).status).toBe('draft');
  });

  it('shows the gate refusing an edit, with the reason and the text kept, and stores nothing', async () => {
    const { desk: d, store } = await desk();
    const b = await loggedIn(d);
    const r = await b.post('/drafts/1/edit', {
      revision: '1',
      ja: '198.51.100.50 からも来ています。',
      en: 'We see it from 198.51.100.50 too.',
      note: '',
      _csrf: await b.token('/drafts/1'),
    });
    expect(r.status).toBe(422);
    const html = await r.text();
    expect(html).toContain('the text names our own address 198.51.100.50, which a list must not read');
    expect(html).toContain('198.51.100.50 からも来ています。</textarea>');
    expect(store.drafts.get(1).revision).toBe(1);
  });

  it('answers a request the page never sends with 400, and an unknown draft with 404', async () => {
    const { desk: d, store } = await desk();
    const b = await loggedIn(d);
    const token = await b.token('/drafts/1');
    const bad = await b.post('/drafts/1/decide', { action: 'send', revision: '1', _csrf: token });
    expect(bad.status).toBe(400);
    expect((await b.post('/drafts/1/edit', { revision: 'one', ja: 'a', en: 'b', note: '', _csrf: token })).status).toBe(
      400,
    );
    expect((await b.get('/drafts/999')).status).toBe(404);
    expect((await b.get('/drafts/1/chart/tcp/22.png')).status).toBe(404);
    expect(store.drafts.get(1)).toMatchObject({ status: 'draft', revision: 1 });
  });

  it('pages long lists: the queue and the events a page at a time', async () => {
    const { desk: d } = await desk({ pageSize: 2 });
    const b = await loggedIn(d);
    const first = await (await b.get('/')).text();
    expect(first).toContain('href="/drafts/1"');
    expect(first).toContain('href="/drafts/2"');
    expect(first).not.toContain('href="/drafts/3"');
    expect(first).toContain('href="/?page=2"');
    const second = await (await b.get('/?page=2')).text();
    expect(second).toContain('href="/drafts/3"');
    expect(second).not.toContain('href="/drafts/1"');
    const events = await (await b.get('/events')).text();
    expect(events).toContain('href="/events?page=2"');
  });

  it('listens beyond loopback only when allowed, and then speaks TLS', async () => {
    await expect(desk({}, '0.0.0.0')).rejects.toThrow(/not loopback/);
    await expect(desk({ allowRemote: true }, '0.0.0.0')).rejects.toThrow(/desk.tls/);
    const dir = scratch();
    const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=localhost',
        '-days',
        '1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    const { desk: d } = await desk({ allowRemote: true, tls: { cert, key } }, '0.0.0.0');
    expect(d.url).toMatch(/^https:\/\/0\.0\.0\.0:\d+\/$/);
    const port = new URL(d.url).port;
    const status = await new Promise<number>((resolve, reject) =>
      request({ host: '127.0.0.1', port, path: '/', rejectUnauthorized: false }, (r) => resolve(r.statusCode!))
        .on('error', reject)
        .end(),
    );
    expect(status).toBe(401);
  });
});
