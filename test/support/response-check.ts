import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyRequest } from 'fastify';
import type { BuildOptions } from '../../src/api/app.ts';

/**
 * Checks every answer a handler returns against the response schema its route declares, before
 * Fastify serialises it through that schema. The serialiser does not validate: it drops a
 * property the schema does not list (where the schema does not allow additional properties) and
 * turns a null it was not told of into "" or 0. createTestApp wires one into every test app and
 * fails the test file when an answer does not fit, so a too-narrow schema is found by the tests
 * of its route instead of changing what the route answers.
 */
export interface ResponseCheck {
  buildOptions: Required<Pick<BuildOptions, 'beforeSerialise'>>;
  /** One line per answer that did not fit: route, status and what Ajv said. */
  mismatches: string[];
  /** Answers checked against a declared schema. */
  checked: number;
}

const ajv = new Ajv.default({ allErrors: true, strict: false, coerceTypes: false });
addFormats.default(ajv);
const validators = new WeakMap<object, ReturnType<typeof ajv.compile>>();

/** As the serialiser reads it: an object that lists its properties drops any other one. */
function asSerialised(schema: unknown): unknown {
  if (schema === null || typeof schema !== 'object') return schema;
  if (Array.isArray(schema)) return schema.map(asSerialised);
  const node = Object.fromEntries(
    Object.entries(schema as Record<string, unknown>).map(([key, value]) => [
      key,
      key === 'properties' || key === 'patternProperties'
        ? Object.fromEntries(
            Object.entries(value as Record<string, unknown>).map(([name, child]) => [
              name,
              asSerialised(child),
            ]),
          )
        : asSerialised(value),
    ]),
  );
  if (node.properties && node.additionalProperties === undefined) node.additionalProperties = false;
  return node;
}

/** The schema Fastify serialises this status with: the exact code, then `2xx`, then `default`. */
function responseSchemaOf(request: FastifyRequest, statusCode: number): object | undefined {
  const responses = request.routeOptions.schema?.response as Record<string, unknown> | undefined;
  if (!responses) return undefined;
  const found = responses[String(statusCode)] ?? responses[`${String(statusCode)[0]}xx`] ?? responses.default;
  if (!found || typeof found !== 'object') return undefined;
  // A schema written per content type (`{content: {'application/json': {schema}}}`).
  const content = (found as { content?: Record<string, { schema?: object }> }).content;
  return content ? content['application/json']?.schema : found;
}

export function createResponseCheck(): ResponseCheck {
  const check: ResponseCheck = {
    mismatches: [],
    checked: 0,
    buildOptions: {
      beforeSerialise(request, statusCode, payload) {
        if (statusCode >= 400) return;
        const schema = responseSchemaOf(request, statusCode);
        if (!schema) return;
        let validate = validators.get(schema);
        if (!validate) {
          validate = ajv.compile(asSerialised(schema) as object);
          validators.set(schema, validate);
        }
        check.checked += 1;
        // What the client receives is JSON: dates as strings.
        const answer = payload === undefined ? undefined : JSON.parse(JSON.stringify(payload));
        if (!validate(answer)) {
          check.mismatches.push(
            `${request.method} ${request.routeOptions.url} → ${statusCode}: ${ajv.errorsText(validate.errors, { dataVar: 'answer' })}`,
          );
        }
      },
    },
  };
  return check;
}
