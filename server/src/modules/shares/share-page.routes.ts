import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../http/errors.js';
import type { ShareService, Visitor } from './shares.service.js';
import { notAvailablePage, passwordPage, readyPage, sharePageCsp, tooManyPage } from './share-page.html.js';

const UNLOCK_COOKIE = 'dv_share';
const FORM_BODY_LIMIT = 4096;

interface TokenRequest {
  Params: { token: string };
  Body: Record<string, string> | undefined;
}

/**
 * The public pages under /s/: no authentication (the token is the authority), HTML only.
 * Every answer carries the page's CSP, noindex and no-store; no log line carries the
 * token (see http/logger.ts).
 */
export const sharePageRoutes: FastifyPluginAsync<{
  service: ShareService;
  secureCookie: boolean;
  /** Origins the download form may be redirected to (the storage's, when not ours). */
  storageOrigins: () => Promise<string[]>;
}> = async (app, { service, secureCookie, storageOrigins }) => {
  // HTML forms post urlencoded; parsed here only, bounded, into plain strings.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (_r, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );

  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', sharePageCsp(await storageOrigins()));
    reply.header('x-robots-tag', 'noindex, nofollow, noarchive');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cache-control', 'no-store');
  });

  const visitor = (request: FastifyRequest<TokenRequest>): Visitor => ({
    ip: request.ip,
    userAgent: request.headers['user-agent'],
    unlockCookie: request.cookies[UNLOCK_COOKIE],
  });
  const html = (reply: FastifyReply, status: number, body: string) =>
    reply.status(status).type('text/html; charset=utf-8').send(body);
  const notAvailable = (reply: FastifyReply) => html(reply, 404, notAvailablePage());
  /** A 429 from a throttle, as a page; any other error goes to the JSON error handler. */
  const throttled = (reply: FastifyReply, err: unknown) => {
    if (!(err instanceof AppError) || err.status !== 429) throw err;
    const minutes = Math.max(1, Math.ceil(Number(err.headers['retry-after'] ?? 60) / 60));
    return html(
      reply.headers(err.headers),
      429,
      tooManyPage(`Too many attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`),
    );
  };
  const schema = { hide: true };

  app.get<TokenRequest>('/s/:token', { schema }, async (request, reply) => {
    const { token } = request.params;
    const view = await service.view(token, visitor(request));
    if (view.kind === 'not_available') return notAvailable(reply);
    if (view.kind === 'locked') return html(reply, 200, passwordPage({ token }));
    const { link } = view;
    return html(
      reply,
      200,
      readyPage({ token, filename: link.filename, sizeBytes: link.size_bytes, expiresAt: link.expires_at }),
    );
  });

  app.post<TokenRequest>('/s/:token/unlock', { schema }, async (request, reply) => {
    const { token } = request.params;
    const password = typeof request.body?.password === 'string' ? request.body.password : '';
    let outcome;
    try {
      outcome = await service.unlock(token, password, visitor(request));
    } catch (err) {
      return throttled(reply, err);
    }
    switch (outcome.kind) {
      case 'not_available':
        return notAvailable(reply);
      case 'wrong':
        return html(reply, 401, passwordPage({ token, error: 'That password is not right.' }));
      case 'unlocked':
        reply.setCookie(UNLOCK_COOKIE, outcome.cookie.value, {
          path: `/s/${token}`,
          httpOnly: true,
          sameSite: 'strict',
          secure: secureCookie,
          expires: outcome.cookie.expires,
        });
        return reply.redirect(`/s/${token}`, 303);
      case 'not_needed':
        return reply.redirect(`/s/${token}`, 303);
    }
  });

  app.post<TokenRequest>('/s/:token/download', { schema }, async (request, reply) => {
    const { token } = request.params;
    let outcome;
    try {
      outcome = await service.download(token, visitor(request));
    } catch (err) {
      return throttled(reply, err);
    }
    if (outcome.kind === 'not_available') return notAvailable(reply);
    if (outcome.kind === 'locked') return html(reply, 401, passwordPage({ token }));
    return reply.redirect(outcome.url, 303);
  });

  // Anything else under /s/ (a GET of a form target, a malformed path) is no page of ours,
  // and must not fall through to the web app.
  app.all('/s/*', { schema }, async (_request, reply) => notAvailable(reply));
  app.all('/s', { schema }, async (_request, reply) => notAvailable(reply));
};
