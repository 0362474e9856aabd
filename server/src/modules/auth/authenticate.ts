import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../http/errors.js';
import type { AuthService } from './auth.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The refresh-token family (session) of the caller's access token; set by `authenticate`. */
    authSessionId?: string;
    /** When the caller's session last proved the password (seconds since the epoch); absent after a refresh. */
    authTime?: number;
  }
}

/** What an account with a temporary password may do: see itself, change the password, sign out. */
const ALLOWED_BEFORE_PASSWORD_CHANGE = new Set(['/api/auth/me', '/api/auth/password', '/api/auth/logout', '/api/auth/me/quota']);

const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/;

/**
 * The `authenticate` hook every protected route uses: a valid bearer access token of a
 * live session of an enabled user → `request.user`; anything else → 401 {"detail"}.
 */
export function createAuthenticate(service: AuthService) {
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const header = request.headers.authorization;
    const match = typeof header === 'string' && header.length <= 4096 ? BEARER.exec(header.trim()) : null;
    const who = match ? await service.authenticate(match[1]!) : null;
    if (!who) throw errors.unauthorized();
    if (who.mustChangePassword && !ALLOWED_BEFORE_PASSWORD_CHANGE.has(request.routeOptions.url ?? '')) {
      throw errors.passwordChangeRequired();
    }
    request.user = { id: who.id, role: who.role };
    request.authSessionId = who.sessionId;
    if (who.authTime !== undefined) request.authTime = who.authTime;
  };
}

/** The caller's session id; a programming error if `authenticate` did not run. */
export function currentSessionId(request: FastifyRequest): string {
  if (!request.authSessionId) throw new Error('route is missing the authenticate hook');
  return request.authSessionId;
}

/** The caller and when their session last proved the password (for steps that may need it again). */
export function signedIn(request: FastifyRequest): { id: string; authTime?: number } {
  if (!request.user) throw new Error('route is missing the authenticate hook');
  return request.authTime === undefined ? { id: request.user.id } : { id: request.user.id, authTime: request.authTime };
}
