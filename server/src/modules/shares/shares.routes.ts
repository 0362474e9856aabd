import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { currentUser } from '../../http/auth-context.js';
import { ErrorBody } from '../../http/schemas.js';
import type { ShareService } from './shares.service.js';
import { CreatedShareBody, CreateShareRequest, DocumentIdParams, ShareIdParams, ShareListBody } from './shares.schemas.js';

const tags = ['shares'];
const security = [{ bearer: [] }];

/** The owner's side of share links: parse, call one service method, reply. */
export const sharesRoutes: FastifyPluginAsync<{ service: ShareService; publicUrl?: string }> = async (
  instance,
  { service, publicUrl },
) => {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const auth = { onRequest: app.authenticate };

  app.post(
    '/api/documents/:id/shares',
    {
      ...auth,
      schema: {
        tags,
        security,
        summary: 'Create a share link; the answer carries its URL, shown this once',
        params: DocumentIdParams,
        body: CreateShareRequest,
        response: { 201: CreatedShareBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
      },
    },
    async (request, reply) => {
      // PUBLIC_URL when set; otherwise the address the owner reached us at.
      const origin = publicUrl ?? `${request.protocol}://${request.host}`;
      const created = await service.create(currentUser(request), request.params.id, request.body, origin);
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/api/documents/:id/shares',
    {
      ...auth,
      schema: {
        tags,
        security,
        summary: 'The document’s share links with their download counts and last access, newest first',
        params: DocumentIdParams,
        response: { 200: ShareListBody, 404: ErrorBody },
      },
    },
    async (request) => service.list(currentUser(request), request.params.id),
  );

  app.delete(
    '/api/shares/:id',
    {
      ...auth,
      schema: {
        tags,
        security,
        summary: 'Revoke a share link: it stops working at once',
        params: ShareIdParams,
        response: { 204: Type.Null(), 404: ErrorBody },
      },
    },
    async (request, reply) => {
      await service.revoke(currentUser(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
