/**
 * Request validation for the control API with TypeBox's own compiler, so a refused request answers
 * the sentence its contract gives (`errorMessage` on the field) rather than a JSON-pointer message.
 * Bodies are checked as sent (no type coercion); a request without a body is checked as `{}`, so
 * "to is required" rather than "must be object".
 */
import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';

type SchemaNode = { errorMessage?: unknown; properties?: Record<string, SchemaNode> } & Record<string, unknown>;

/** The `errorMessage` nearest the root on the way to the failing part of the schema. */
export function messageFor(schema: TSchema, error: { schemaPath: string; instancePath: string; keyword: string; params: object; message?: string }): string {
  let node = schema as unknown as SchemaNode;
  const path = error.schemaPath.replace(/^#\/?/, '').split('/').filter(Boolean);
  // A missing property fails on its parent; the property's own message says what it needs.
  if (error.keyword === 'required') {
    const missing = (error.params as { requiredProperties?: string[] }).requiredProperties?.[0];
    if (missing !== undefined) path.push('properties', missing);
  }
  for (const segment of path) {
    const next = node[segment] as SchemaNode | undefined;
    if (!next || typeof next !== 'object') break;
    node = next;
    if (typeof node.errorMessage === 'string') return node.errorMessage;
  }
  const root = schema as unknown as SchemaNode;
  if (typeof root.errorMessage === 'string' && error.instancePath === '') return root.errorMessage;
  const where = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  return `${where || 'request'} ${error.message ?? 'is invalid'}`;
}

export const controlValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const validator = Compile(schema);
  return (input: unknown) => {
    const value = httpPart === 'body' ? (input ?? {}) : Value.Convert(schema, input);
    if (validator.Check(value)) return { value };
    const [first] = validator.Errors(value);
    return { error: new Error(first ? messageFor(schema, first) : 'Invalid request') };
  };
};
