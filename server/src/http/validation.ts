import Ajv, { type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

type HttpPart = 'body' | 'querystring' | 'params' | 'headers';

/**
 * Query strings, path params and headers arrive as text, so they are coerced to the types
 * their schemas declare; a JSON body is taken as sent: `{"name": 5}` is a 422, not "5".
 */
export function installValidators(app: FastifyInstance): void {
  const base: Options = { removeAdditional: true, useDefaults: true, allErrors: false };
  const strict = addFormats.default(new Ajv.default({ ...base, coerceTypes: false }));
  const coercing = addFormats.default(new Ajv.default({ ...base, coerceTypes: 'array' }));
  app.setValidatorCompiler(({ schema, httpPart }) =>
    ((httpPart as HttpPart | undefined) === 'body' ? strict : coercing).compile(schema),
  );
}
