/**
 * The review desk: a local web page where a person reads a post beside our draft and why we wrote
 * it, edits it, and approves, rejects or releases it, by the same rules as the CLI and mail review
 * (src/review/, src/pipeline/edit.ts). Fastify serves server-rendered pages; every request is
 * short and synchronous against the store, so the desk never holds up the daemon beside it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Context } from '../context.ts';
import { chartPoints } from '../digest/data.ts';
import { KansokuError } from '../errors.ts';
import type { Proto } from '../model.ts';
import { editDraft, type Edit } from '../pipeline/edit.ts';
import { releaseDraft } from '../pipeline/release.ts';
import { decide, sendAfter } from '../review/transitions.ts';
import { checkBind, SESSION_COOKIE, Sessions } from './auth.ts';
import { chartSpan, draftPage, eventPage, eventsPage, portsOf, queuePage, type EditState } from './pages.ts';
import { JAPANESE_FONT } from '../package-root.ts';
import { hourOf } from '../time.ts';
import { DESK_ASSETS, loadViews, type Page } from './views.ts';

export interface DeskOptions {
  host: string;
  port: number;
  /** Who the audit trail names for what is decided here. */
  actor: string;
}

export interface Desk {
  url: string;
  /** The one-time link that logs a browser in. */
  loginUrl: string;
  close(): Promise<void>;
}

/** What the pages say after a change, by a fixed word in the address (never text from the request). */
const NOTICES = new Map([
  ['saved', '新しい版として保存しました / Saved as a new revision'],
  ['approved', '承認しました / Approved'],
  ['rejected', '却下しました / Rejected'],
  ['released', '保留を解除しました / Released for review'],
  ['unchanged', '変更はありません / Nothing changed'],
]);
const DONE = { approve: 'approved', reject: 'rejected', release: 'released' } as const;

const id = z.coerce.number().int().positive();
const text = (max: number) => z.string().max(max);
const decision = z.object({
  action: z.enum(['approve', 'reject', 'release']),
  revision: id,
  note: z.string().max(500).optional(),
});

/** Starts the desk; resolves once it listens. */
export async function startDesk(p: Context, o: DeskOptions): Promise<Desk> {
  const { config, store } = p;
  const desk = config.desk;
  checkBind(o.host, desk);
  const tls = desk.tls ? readTls(desk.tls) : null;
  const views = loadViews();
  const sessions = new Sessions(desk.sessionHours);
  // Cookies are per host, not per port: two desks on one machine must not take each other's.
  const instance = randomBytes(4).toString('hex');
  const sessionCookie = `${SESSION_COOKIE}_${instance}`;
  const ctx = { ...p, actor: o.actor };
  const edit = z.object({ revision: id, ja: text(desk.maxPostChars), en: text(desk.maxPostChars), note: text(500) });

  const app = Fastify({ ...(tls ? { https: tls } : {}), bodyLimit: 4 * desk.maxPostChars + 65_536 });
  await app.register(cookie, { secret: randomBytes(32) });
  await app.register(formbody);
  await app.register(csrf, {
    cookieKey: `_csrf_${instance}`,
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'strict', path: '/', secure: tls !== null },
    // The token is bound to the session: one taken from another login does not pass.
    getUserInfo: (req) => req.cookies[sessionCookie] ?? '',
    csrfOpts: { hmacKey: randomBytes(32) },
  });

  const page = (reply: FastifyReply, name: Page, view: { title: string; [k: string]: unknown }, status = 200) =>
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .send(views.render(name, { actor: o.actor, ...view }));
  const message = (reply: FastifyReply, status: number, title: string, t: string) =>
    page(reply, 'message', { title, text: t }, status);

  app.addHook('onRequest', async (req, reply) => {
    // The pages hold TLP material: kept out of caches, frames and other origins' reach.
    reply.headers({
      'cache-control': 'no-store',
      'content-security-policy':
        "default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; font-src 'self'; " +
        "form-action 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    });
    // The stylesheet, script and font hold nothing of ours: the login pages need them too.
    if (req.url.startsWith('/login') || req.url.startsWith('/assets/')) return;
    if (!sessions.valid(req.cookies[sessionCookie] ? unsign(req, req.cookies[sessionCookie]) : undefined))
      return message(reply, 401, 'ログインしていません / Not logged in', LOGIN_HELP);
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (err instanceof KansokuError && (err.code === 'DRAFT_NOT_FOUND' || err.code === 'MESSAGE_NOT_FOUND'))
      return message(reply, 404, 'ありません / Not found', err.message);
    if (err instanceof z.ZodError)
      return message(reply, 400, 'Bad request', 'the request is not what the page sends: reload the page');
    if (err.code?.startsWith('FST_CSRF'))
      return message(reply, 403, 'フォームが古いか不正です / Form refused', `${err.message}: reload the page`);
    if (err.statusCode && err.statusCode < 500) return message(reply, err.statusCode, 'Bad request', err.message);
    p.log.error({ err }, 'desk request failed');
    return message(reply, 500, 'エラー / Error', 'the request failed; see the log');
  });

  app.get('/login', async (req, reply) => {
    const token = String((req.query as Record<string, unknown>).token ?? '');
    const session = sessions.open(token);
    if (!session) return message(reply, 401, 'ログインできません / Cannot log in', LOGIN_USED);
    p.log.info({ actor: o.actor }, 'desk login');
    reply.setCookie(sessionCookie, session, {
      signed: true,
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      secure: tls !== null,
      maxAge: desk.sessionHours * 3600,
    });
    return reply.redirect('/', 303);
  });

  app.get('/assets/desk.css', async (_req, reply) => reply.type('text/css').send(asset('desk.css')));
  app.get('/assets/desk.js', async (_req, reply) => reply.type('text/javascript').send(asset('desk.js')));
  // The bundled font, so that Japanese shows on a machine with none; read when first asked for
  // (megabytes, not for the desk's start), the same file always, cached.
  let font: Buffer | null = null;
  app.get('/assets/ipaexg.ttf', async (_req, reply) =>
    reply
      .header('cache-control', 'public, max-age=86400')
      .type('font/ttf')
      .send((font ??= readFileSync(JAPANESE_FONT))),
  );

  const paging = (req: FastifyRequest) => ({
    page: id.catch(1).parse((req.query as Record<string, unknown>).page),
    size: desk.pageSize,
  });
  const notice = (req: FastifyRequest) => NOTICES.get(String((req.query as Record<string, unknown>).done)) ?? null;

  app.get('/', async (req, reply) =>
    page(reply, 'queue', {
      title: 'キュー / Queue',
      notice: notice(req),
      ...queuePage(store, paging(req), Date.now()),
    }),
  );

  const showDraft = (
    req: FastifyRequest,
    reply: FastifyReply,
    n: number,
    extra: { error?: string; edit?: EditState; status?: number } = {},
  ) => {
    const view = draftPage(store, config, n, Date.now(), extra.edit ?? null);
    return page(
      reply,
      'draft',
      {
        title: `#${n}`,
        ...view,
        csrf: reply.generateCsrf({ userInfo: req.cookies[sessionCookie] ?? '' }),
        notice: notice(req),
        error: extra.error ?? null,
      },
      extra.status,
    );
  };

  app.get('/drafts/:id', async (req, reply) => showDraft(req, reply, id.parse((req.params as { id: string }).id)));

  app.post('/drafts/:id/edit', { preHandler: app.csrfProtection }, async (req, reply) => {
    const n = id.parse((req.params as { id: string }).id);
    const body = edit.parse(req.body);
    const change: Edit = { revision: body.revision, ja: body.ja, en: body.en, note: body.note.trim() || null };
    const out = await editDraft(ctx, n, change);
    if (out.status === 'refused')
      return showDraft(req, reply, n, { edit: { ...body, reasons: out.reasons }, status: 422 });
    return reply.redirect(`/drafts/${n}?done=${out.status === 'revised' ? 'saved' : 'unchanged'}`, 303);
  });

  app.post('/drafts/:id/decide', { preHandler: app.csrfProtection }, async (req, reply) => {
    const n = id.parse((req.params as { id: string }).id);
    const body = decision.parse(req.body);
    const note = body.note?.trim() || null;
    try {
      if (body.action === 'release') await releaseDraft(ctx, n, o.actor, note);
      else
        decide(
          store,
          n,
          body.action,
          o.actor,
          note,
          body.action === 'approve' ? sendAfter(config.review.sendDelaySeconds) : null,
          body.revision,
        );
    } catch (err) {
      if (!(err instanceof KansokuError) || err.stage !== 'review') throw err;
      return showDraft(req, reply, n, { error: err.message, status: 409 });
    }
    p.log.info({ draft: n, action: body.action, actor: o.actor }, 'desk decision');
    return reply.redirect(`/drafts/${n}?done=${DONE[body.action]}`, 303);
  });

  app.get('/drafts/:id/chart/:proto/:file', async (req, reply) => {
    const params = req.params as { id: string; proto: string; file: string };
    const d = store.drafts.get(id.parse(params.id));
    const port = Number(/^(\d{1,5})\.png$/.exec(params.file)?.[1]);
    // Only the ports the draft is about: the page draws no chart a person did not come for.
    if (!portsOf(store, d).some((x) => x.proto === params.proto && x.port === port))
      return message(reply, 404, 'ありません / Not found', 'no such chart');
    const { first, last, onset } = chartSpan(store, d, desk.chartDays);
    const covered = new Set(store.counters.coveredHours(first - config.correlate.baselineHours, last));
    const onsetHour = onset ? hourOf(onset) : null;
    const points = chartPoints(store, config, params.proto as Proto, port, first, last, covered, onsetHour);
    // Vega and resvg are heavy: loaded by the first chart asked for, not by the desk's start.
    const { hourlyChart } = await import('../digest/chart.ts');
    const { png } = await hourlyChart({
      title: `${port}/${params.proto}`,
      subtitle: `#${d.id}`,
      points,
      zone: config.draft.localTimezone,
      span: desk.chartDays > 2 ? 'week' : 'day',
    });
    return reply.type('image/png').send(png);
  });

  app.get('/events', async (req, reply) =>
    page(reply, 'events', { title: 'イベント / Events', ...eventsPage(store, paging(req)) }),
  );

  app.get('/events/:id', async (req, reply) => {
    const view = eventPage(store, id.parse((req.params as { id: string }).id));
    if (!view) return message(reply, 404, 'ありません / Not found', 'no such event');
    return page(reply, 'event', { title: `イベント #${view.event.id}`, ...view });
  });

  await app.listen({ host: o.host, port: o.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  const url = `${tls ? 'https' : 'http'}://${host}:${port}/`;
  return { url, loginUrl: `${url}login?token=${sessions.loginToken}`, close: () => app.close() };
}

const LOGIN_HELP =
  'kansoku desk を起動した端末に表示されたログイン用URLを開いてください。 / ' +
  'Open the login link that `kansoku desk` printed where it was started.';
const LOGIN_USED =
  'このログイン用URLは使用済みか、正しくありません。kansoku desk を起動し直すと新しいURLが表示されます。 / ' +
  'This login link was used already or is wrong; start `kansoku desk` again for a new one.';

function asset(name: string): string {
  return readFileSync(join(DESK_ASSETS, name), 'utf8');
}

function unsign(req: FastifyRequest, value: string): string | undefined {
  const u = req.unsignCookie(value);
  return u.valid && u.value !== null ? u.value : undefined;
}

function readTls(t: { cert: string; key: string }): { cert: Buffer; key: Buffer } {
  try {
    return { cert: readFileSync(t.cert), key: readFileSync(t.key) };
  } catch (err) {
    throw new KansokuError('CONFIG_UNREADABLE', 'config', `desk.tls: ${(err as Error).message}`, { cause: err });
  }
}
