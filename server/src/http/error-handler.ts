import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ObjectNotFoundError, StorageRefusedError, type StorageRefusal } from '../storage/storage-errors.js';
import { AppError, errors } from './errors.js';

/**
 * Renders every error as `{"detail": ..., "code": ...}`: AppErrors with the status they carry,
 * storage refusals and Fastify's own client errors (bad URL, bad JSON, body too large,
 * unsupported media type, validation) as their catalog entry; anything else is logged with
 * the request id and answered with a generic 500 that says nothing more.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | Error, request, reply) => renderError(err, request, reply));
  app.setNotFoundHandler((request, reply) => sendError(reply, errors.routeNotFound(request.method, pathOf(request))));
}

/** For Fastify's `frameworkErrors` option: errors raised before a route is even found (a bad URL). */
export function renderFrameworkError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  renderError(err, request, reply);
}

function renderError(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const known = toAppError(err);
  if (known) return sendError(reply, known);
  request.log.error({ err }, 'unhandled error');
  return sendError(reply, errors.internal());
}

/**
 * The error body never goes through the route's response schemas: they document the errors
 * a route answers, but a framework error (a 413 on a route whose 413 is the quota body) must
 * still render, so the body is serialized as is.
 */
function sendError(reply: FastifyReply, e: AppError): FastifyReply {
  return reply
    .status(e.status)
    .headers(e.headers)
    .type('application/json; charset=utf-8')
    .serializer(JSON.stringify)
    .send({ detail: e.detail, code: e.code });
}

const STORAGE_REFUSALS: Record<StorageRefusal, () => AppError> = {
  invalid_key: errors.invalidObjectKey,
  url_invalid: errors.urlInvalid,
  url_expired: errors.urlExpired,
  url_used: errors.uploadUrlUsed,
  upload_too_large: errors.uploadTooLarge,
  upload_too_short: errors.uploadTooShort,
  upload_interrupted: errors.uploadInterrupted,
  upload_closed: () => errors.uploadClosed(),
  part_mismatch: () => errors.partMismatch('A part is not stored as given'),
};

/** The catalog entry of an error, or null when it is a bug. */
export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (err instanceof ObjectNotFoundError) return errors.notFound('object');
  if (err instanceof StorageRefusedError) return STORAGE_REFUSALS[err.reason]();
  const fe = err as Partial<FastifyError>;
  if (fe.validation) {
    const where = fe.validationContext ?? 'request';
    const detail = fe.validation
      .map((v) => `${where}${v.instancePath ? v.instancePath.replaceAll('/', '.') : ''} ${v.message ?? 'is invalid'}`)
      .join('; ');
    return errors.validation(detail);
  }
  if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (fe.statusCode === 400 && err instanceof SyntaxError)) {
    return errors.malformedJson();
  }
  if (fe.code === 'FST_ERR_BAD_URL') return errors.badUrl();
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500 && fe.code?.startsWith('FST_')) {
    const detail = fe.message ?? 'Bad request';
    if (fe.statusCode === 413) return errors.payloadTooLarge(detail);
    if (fe.statusCode === 415) return errors.unsupportedMediaType(detail);
    if (fe.statusCode === 404) return new AppError(404, 'not_found', detail);
    return new AppError(fe.statusCode, 'bad_request', detail);
  }
  return null;
}

function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0]!;
}
