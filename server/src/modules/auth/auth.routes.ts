import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { currentUser } from '../../http/auth-context.js';
import { errorResponses as errorsOf } from '../../http/schemas.js';
import { presentMe, presentQuota, presentRegistered } from './auth.presenters.js';
import {
  BackupCodes,
  ChangePasswordBody,
  EnableTotpBody,
  LoginBody,
  Me,
  MfaChallenge,
  Quota,
  RefreshBody,
  ReauthBody,
  RegisterBody,
  Registered,
  SecondFactorBody,
  SetupTotpBody,
  Tokens,
  TotpSetup,
} from './auth.schemas.js';
import type { AuthService, ClientInfo, SessionTokens } from './auth.service.js';
import { currentSessionId, signedIn } from './authenticate.js';
import { REFRESH_TOKEN_TTL_SECONDS } from './tokens.js';

export interface AuthRoutesOptions {
  service: AuthService;
  /** Mark the refresh cookie Secure (PUBLIC_URL is https). */
  secureCookie: boolean;
}

/** httpOnly, SameSite=Strict, scoped to the endpoints that read it. */
export const REFRESH_COOKIE = 'dv_refresh';
const COOKIE_PATH = '/api/auth';

const clientOf = (request: FastifyRequest): ClientInfo => ({
  ip: request.ip,
  userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null,
});

const bearer = [{ bearer: [] }];

/** Accounts: register, sign in (with 2FA), sessions, profile, quota, 2FA and password. */
export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, { service, secureCookie }) => {
  const setRefreshCookie = (reply: FastifyReply, tokens: SessionTokens) =>
    reply.setCookie(REFRESH_COOKIE, tokens.refresh_token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: secureCookie,
      path: COOKIE_PATH,
      maxAge: REFRESH_TOKEN_TTL_SECONDS,
    });
  const clearRefreshCookie = (reply: FastifyReply) =>
    reply.clearCookie(REFRESH_COOKIE, { httpOnly: true, sameSite: 'strict', secure: secureCookie, path: COOKIE_PATH });
  const refreshTokenOf = (request: FastifyRequest, body: { refresh_token?: string } | undefined) =>
    body?.refresh_token ?? request.cookies?.[REFRESH_COOKIE] ?? undefined;
  // Cookie-only clients may send no body at all.
  const emptyBodyIsObject = async (request: FastifyRequest) => {
    request.body ??= {};
  };
  const tags = ['auth'];

  app.post(
    '/register',
    {
      schema: {
        tags,
        summary: 'Create an account (the first one becomes admin)',
        body: RegisterBody,
        response: { 201: Registered, ...errorsOf(403, 409, 422, 429) },
      },
    },
    async (request, reply) => {
      const user = await service.register(request.body, clientOf(request));
      return reply.status(201).send(presentRegistered(user));
    },
  );

  app.post(
    '/login',
    {
      schema: {
        tags,
        summary: 'Sign in with email and password',
        description: 'Answers tokens (and sets the refresh cookie), or an MFA challenge when 2FA is on.',
        body: LoginBody,
        response: { 200: Type.Union([Tokens, MfaChallenge]), ...errorsOf(401, 403, 422, 429) },
      },
    },
    async (request, reply) => {
      const result = await service.login(request.body, clientOf(request));
      if (result.kind === 'mfa') return { mfa_required: true as const, mfa_token: result.mfaToken };
      setRefreshCookie(reply, result.tokens);
      return result.tokens;
    },
  );

  app.post(
    '/login/2fa',
    {
      schema: {
        tags,
        summary: 'Complete a 2FA sign-in with a TOTP code or a backup code',
        body: SecondFactorBody,
        response: { 200: Tokens, ...errorsOf(401, 422, 429) },
      },
    },
    async (request, reply) => {
      const { mfa_token, code, backup_code } = request.body;
      const tokens = await service.loginSecondFactor({ mfaToken: mfa_token, code, backupCode: backup_code }, clientOf(request));
      setRefreshCookie(reply, tokens);
      return tokens;
    },
  );

  app.post(
    '/refresh',
    {
      preValidation: emptyBodyIsObject,
      schema: {
        tags,
        summary: 'Spend a refresh token (body or cookie) for a new pair',
        body: RefreshBody,
        response: { 200: Tokens, ...errorsOf(401, 422) },
      },
    },
    async (request, reply) => {
      try {
        const tokens = await service.refresh(refreshTokenOf(request, request.body), clientOf(request));
        setRefreshCookie(reply, tokens);
        return tokens;
      } catch (e) {
        clearRefreshCookie(reply);
        throw e;
      }
    },
  );

  app.post(
    '/logout',
    {
      onRequest: app.authenticate,
      preValidation: emptyBodyIsObject,
      schema: {
        tags,
        summary: "End this session and the presented refresh token's family",
        security: bearer,
        body: RefreshBody,
        response: { 204: Type.Null(), ...errorsOf(401) },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      await service.logout({ ...user, sessionId: currentSessionId(request) }, refreshTokenOf(request, request.body));
      clearRefreshCookie(reply);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/me',
    { onRequest: app.authenticate, schema: { tags, summary: 'The signed-in account', security: bearer, response: { 200: Me, ...errorsOf(401) } } },
    async (request) => presentMe(await service.me(currentUser(request).id)),
  );

  app.get(
    '/me/quota',
    {
      onRequest: app.authenticate,
      schema: { tags, summary: 'Storage used and allowed', security: bearer, response: { 200: Quota, ...errorsOf(401, 404) } },
    },
    async (request) => presentQuota(await service.quota(currentUser(request).id)),
  );

  app.post(
    '/2fa/setup',
    {
      onRequest: app.authenticate,
      // SPEC §3: `POST /2fa/setup` may come with no body at all (a fresh sign-in needs none).
      preValidation: (request, _reply, done) => {
        request.body ??= {};
        done();
      },
      schema: {
        tags,
        summary: 'Start turning on 2FA: a new secret, its otpauth URI and QR code (the current password, unless signed in minutes ago)',
        security: bearer,
        body: SetupTotpBody,
        response: { 200: TotpSetup, ...errorsOf(401, 403, 409, 422, 429) },
      },
    },
    async (request) => service.setupTotp(signedIn(request), request.body.password),
  );

  app.post(
    '/2fa/enable',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: 'Turn on 2FA with a code from the app (and the current password, unless signed in minutes ago); answers the backup codes once',
        security: bearer,
        body: EnableTotpBody,
        response: { 200: BackupCodes, ...errorsOf(400, 401, 403, 409, 422, 429) },
      },
    },
    async (request) => ({
      backup_codes: await service.enableTotp(signedIn(request), request.body, clientOf(request)),
    }),
  );

  app.post(
    '/2fa/disable',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: 'Turn off 2FA (password and a code required)',
        security: bearer,
        body: ReauthBody,
        response: { 204: Type.Null(), ...errorsOf(401, 403, 409, 422, 429) },
      },
    },
    async (request, reply) => {
      await service.disableTotp(currentUser(request).id, request.body, clientOf(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/password',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: 'Change the password; every other session is signed out',
        security: bearer,
        body: ChangePasswordBody,
        response: { 204: Type.Null(), ...errorsOf(401, 403, 422, 429) },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      await service.changePassword(
        { ...user, sessionId: currentSessionId(request) },
        { currentPassword: request.body.current_password, newPassword: request.body.new_password },
        clientOf(request),
      );
      return reply.status(204).send(null);
    },
  );
};
