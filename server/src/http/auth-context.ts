import type { FastifyReply, FastifyRequest } from 'fastify';

/** Who is calling: set by the auth module's `authenticate` preHandler on protected routes. */
export interface AuthUser {
  id: string;
  role: 'user' | 'admin';
}

declare module 'fastify' {
  interface FastifyRequest {
    user?: AuthUser;
  }
  interface FastifyInstance {
    /** preHandler: a valid bearer access token → request.user, otherwise 401 {"detail"}. */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

/** The caller of a route guarded by `authenticate`; a programming error if the guard is missing. */
export function currentUser(request: FastifyRequest): AuthUser {
  if (!request.user) throw new Error('route is missing the authenticate preHandler');
  return request.user;
}
