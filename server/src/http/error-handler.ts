import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from './errors.js';

/**
 * Renders every error as `{"detail": ..., "code": ...}`. AppErrors carry their status;
 * Fastify's own client errors (bad JSON, body too large, validation) keep theirs; anything
 * else is logged with the request id and answered with a generic 500 that says nothing more.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError | Error, request, reply) => {
    if (err instanceof AppError) {
      return reply.status(err.status).headers(err.headers).send({ detail: err.detail, code: err.code });
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      const where = fe.validationContext ?? 'request';
      const detail = fe.validation
        .map((v) => `${where}${v.instancePath ? v.instancePath.replaceAll('/', '.') : ''} ${v.message ?? 'is invalid'}`)
        .join('; ');
      return reply.status(422).send({ detail, code: 'validation_error' });
    }
    if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (fe.statusCode === 400 && err instanceof SyntaxError)) {
      return reply.status(400).send({ detail: 'Malformed JSON body', code: 'malformed_json' });
    }
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500 && fe.code?.startsWith('FST_')) {
      return reply.status(fe.statusCode).send({ detail: fe.message, code: fe.code.toLowerCase() });
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ detail: 'Internal Server Error', code: 'internal_error' });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ detail: `Not found: ${request.method} ${request.url.split('?')[0]}`, code: 'not_found' });
  });
}
