import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyTypeProvider,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/**
 * An answer schema as the handler's type reads it: closed. Answer schemas may allow properties
 * beyond those they list (`additionalProperties: true`) so that the serialiser never drops a
 * field a handler returns; the handler's type is still checked against the listed ones. An
 * object that says nothing is closed too: the serialiser drops what it does not list.
 */
type ClosedNode<Schema> = {
  readonly [Key in keyof Schema]: Key extends 'additionalProperties'
    ? Schema[Key] extends true
      ? false
      : Closed<Schema[Key]>
    : Closed<Schema[Key]>;
};
type Closed<Schema> = Schema extends readonly unknown[]
  ? { readonly [Index in keyof Schema]: Closed<Schema[Index]> }
  : Schema extends { properties: object }
    ? Schema extends { additionalProperties: unknown }
      ? ClosedNode<Schema>
      : ClosedNode<Schema> & { readonly additionalProperties: false }
    : Schema extends object
      ? ClosedNode<Schema>
      : Schema;

/**
 * An answer's `date-time` string may be returned as a Date: the serialiser writes it as ISO 8601
 * (a nullable one as null).
 */
interface AnswerOptions {
  deserialize: [
    { pattern: { type: 'string'; format: 'date-time'; nullable?: false }; output: Date | string },
    { pattern: { type: 'string'; format: 'date-time'; nullable: true }; output: Date | string | null },
  ];
}

/**
 * The one way routes are typed: requests and answers from the route's JSON schemas (no casts).
 * A route plugin starts with `const app = fastify.withTypeProvider<SchemaTypeProvider>()`.
 */
export interface SchemaTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends JSONSchema ? FromSchema<this['schema']> : unknown;
  serializer: this['schema'] extends JSONSchema
    ? Closed<this['schema']> extends infer Answer extends JSONSchema
      ? FromSchema<Answer, AnswerOptions>
      : unknown
    : unknown;
}

/** A Fastify instance typed by the route schemas (what `withTypeProvider<SchemaTypeProvider>()` returns). */
export type SchemaTypedApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  SchemaTypeProvider
>;
