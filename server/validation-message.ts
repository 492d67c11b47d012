/**
 * Turns a schema validation failure into one sentence a person understands ("The password is missing.")
 * instead of the validator's "body must have required property 'password'". Pure: the route's schema and
 * the validator's errors go in, a sentence comes out. A field is named by its schema `title`, else by its key.
 */
import type { FastifySchemaValidationError } from 'fastify';

export type HttpPart = 'body' | 'querystring' | 'params' | 'headers';

const PART_NAMES: Record<HttpPart, string> = {
  body: 'request body',
  querystring: 'query string',
  params: 'address',
  headers: 'request headers',
};

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  null: 'empty',
};

type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null;

const unescapeKey = (key: string) => key.replace(/~1/g, '/').replace(/~0/g, '~');

/** The sub-schema at a JSON pointer into the data (`/a/0/b`), following properties and items. */
function schemaAt(schema: unknown, pointer: string): Schema | undefined {
  let node: unknown = schema;
  for (const raw of pointer.split('/').slice(1)) {
    const key = unescapeKey(raw);
    if (!isSchema(node)) return undefined;
    const properties = node.properties;
    if (isSchema(properties) && Object.hasOwn(properties, key) && isSchema(properties[key])) node = properties[key];
    else if (isSchema(node.items)) node = node.items;
    else if (isSchema(node.additionalProperties)) node = node.additionalProperties;
    else return undefined;
  }
  return isSchema(node) ? node : undefined;
}

const labelOf = (schema: Schema | undefined, key: string) => (typeof schema?.title === 'string' ? schema.title : key);

/** How a sentence names the value at a pointer: "The password", "Item 2 of the colleagues", "The request body". */
function nameAt(schema: unknown, pointer: string, whole: string): string {
  const keys = pointer.split('/').slice(1).map(unescapeKey);
  const key = keys.at(-1);
  if (key === undefined) return whole;
  const parentPointer = pointer.slice(0, pointer.lastIndexOf('/'));
  const parent = schemaAt(schema, parentPointer);
  if (/^\d+$/.test(key) && parent?.type === 'array') {
    return `Item ${Number(key) + 1} of ${nameAt(schema, parentPointer, whole).replace(/^The /, 'the ')}`;
  }
  return `The ${labelOf(schemaAt(schema, pointer), key)}`;
}

/** The values a schema allows when it is an enumeration (enum, const, or a union of consts). */
function allowedValues(schema: Schema | undefined): unknown[] | undefined {
  if (!schema) return undefined;
  if (Array.isArray(schema.enum)) return schema.enum;
  if ('const' in schema) return [schema.const];
  const branches = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(branches) && branches.every((b) => isSchema(b) && 'const' in b)) return branches.map((b) => (b as Schema).const);
  return undefined;
}

const list = (values: unknown[]) => values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');

/** Unions report one error per branch and then their own: the union's error says what was wanted. */
function mainError(errors: readonly FastifySchemaValidationError[]): FastifySchemaValidationError | undefined {
  return errors.find((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'enum') ?? errors[0];
}

export function validationMessage(errors: readonly FastifySchemaValidationError[], part: HttpPart, schema: unknown): string {
  const error = mainError(errors);
  const whole = `The ${PART_NAMES[part]}`;
  if (!error) return `${whole} is not valid.`;
  const params = error.params;

  if (error.keyword === 'required') {
    const key = String(params.missingProperty ?? '');
    return `${nameAt(schema, `${error.instancePath}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, whole)} is missing.`;
  }
  if (error.keyword === 'additionalProperties') {
    return `${nameAt(schema, error.instancePath, whole)} has a field that is not accepted here: ${String(params.additionalProperty)}.`;
  }

  const field = schemaAt(schema, error.instancePath);
  const name = nameAt(schema, error.instancePath, whole);
  const limit = Number(params.limit);
  switch (error.keyword) {
    case 'type': {
      const wanted = String(params.type).split(',').map((t) => TYPE_WORDS[t] ?? t);
      if (error.instancePath === '' && wanted.join() === 'an object') return `${whole} must be a JSON object.`;
      return `${name} must be ${wanted.join(' or ')}.`;
    }
    case 'minLength':
      return limit <= 1 ? `${name} is empty.` : `${name} must be at least ${limit} characters long.`;
    case 'maxLength':
      return `${name} is too long (at most ${limit} characters).`;
    case 'minimum':
      return `${name} must be at least ${limit}.`;
    case 'exclusiveMinimum':
      return `${name} must be more than ${limit}.`;
    case 'maximum':
      return `${name} must be at most ${limit}.`;
    case 'exclusiveMaximum':
      return `${name} must be less than ${limit}.`;
    case 'minItems':
      return `${name} must have at least ${limit} ${limit === 1 ? 'item' : 'items'}.`;
    case 'maxItems':
      return `${name} must have at most ${limit} ${limit === 1 ? 'item' : 'items'}.`;
    case 'pattern':
    case 'format':
      return `${name} is not in the expected form.`;
    default: {
      const allowed = allowedValues(field);
      if (allowed) return `${name} must be one of: ${list(allowed)}.`;
      return `${name} is not valid.`;
    }
  }
}
