import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { currentUser } from '../../http/auth-context.js';
import { errorResponses as errorsOf } from '../../http/schemas.js';
import { CreateTopicBody as CreateBody, PatchTopicBody as PatchBody, TopicBody as Topic, TopicIdParams as IdParams, TopicList } from './topics.schemas.js';
import type { TopicService } from './topics.service.js';

/** /api/topics: parse, call one service method, reply. */
export const topicsRoutes: FastifyPluginAsyncTypebox<{ service: TopicService }> = async (app, { service }) => {
  // onRequest: an anonymous caller gets 401 before its body is parsed or validated.
  app.addHook('onRequest', app.authenticate);
  const tags = ['topics'];
  const security = [{ bearer: [] }];

  // '' (the prefix itself), not '/': that would also serve a trailing-slash twin, and the
  // OpenAPI document (so the web client) would name the twin instead of the SPEC's path.
  app.get(
    '',
    {
      schema: { tags, security, summary: 'The caller’s topics, by name', response: { 200: TopicList, ...errorsOf(401) } },
    },
    async (request) => service.list(currentUser(request)),
  );

  app.post(
    '',
    {
      schema: {
        tags,
        security,
        summary: 'Create a topic',
        body: CreateBody,
        response: { 201: Topic, ...errorsOf(401, 409, 422) },
      },
    },
    async (request, reply) => reply.status(201).send(await service.create(currentUser(request), request.body)),
  );

  app.get(
    '/:id',
    { schema: { tags, security, summary: 'One topic', params: IdParams, response: { 200: Topic, ...errorsOf(401, 404) } } },
    async (request) => service.get(currentUser(request), request.params.id),
  );

  app.patch(
    '/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Rename a topic or change its description',
        params: IdParams,
        body: PatchBody,
        response: { 200: Topic, ...errorsOf(401, 404, 409, 422) },
      },
    },
    async (request) => service.update(currentUser(request), request.params.id, request.body),
  );

  app.delete(
    '/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Delete a topic; its assignments go, the documents stay',
        params: IdParams,
        response: { 204: Type.Null(), ...errorsOf(401, 404) },
      },
    },
    async (request, reply) => {
      await service.remove(currentUser(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
