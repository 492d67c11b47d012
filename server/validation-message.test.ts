import type { FastifySchemaValidationError } from 'fastify';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AfterDialQuery } from '../contracts/api/webhooks';
import { SignIn } from '../contracts/api/session';
import { testApp } from '../test-support/app-requests';
import type { HttpPart } from './validation-message';
import { validationMessage } from './validation-message';
import { PUBLIC_BASE_URL, twilioConfig } from '../test-support/server-fixtures';

const error = (keyword: string, instancePath: string, params: Record<string, unknown> = {}): FastifySchemaValidationError => ({
  keyword,
  instancePath,
  schemaPath: '#/unused',
  params,
});

const Profile = Type.Object({
  colleagues: Type.Array(Type.String({ maxLength: 3 }), { title: 'colleagues', minItems: 1 }),
  ttl: Type.Integer({ minimum: 1, maximum: 10 }),
  mode: Type.Union([Type.Literal('local'), Type.Literal('twilio')]),
  nested: Type.Object({ name: Type.String({ title: 'display name', pattern: '^[a-z]+$' }) }, { additionalProperties: false }),
});

describe('validation errors in words', () => {
  const table: [string, FastifySchemaValidationError[], HttpPart, unknown, string][] = [
    ['a missing field, by its title', [error('required', '', { missingProperty: 'password' })], 'body', SignIn, 'The password is missing.'],
    ['a missing field with a two-word title', [error('required', '', { missingProperty: 'username' })], 'body', SignIn, 'The user name is missing.'],
    ['an empty field', [error('minLength', '/username', { limit: 1 })], 'body', SignIn, 'The user name is empty.'],
    ['a field too long', [error('maxLength', '/username', { limit: 64 })], 'body', SignIn, 'The user name is too long (at most 64 characters).'],
    ['a field of the wrong type', [error('type', '/password', { type: 'string' })], 'body', SignIn, 'The password must be text.'],
    ['a body that is not an object', [error('type', '', { type: 'object' })], 'body', SignIn, 'The request body must be a JSON object.'],
    ['a query value outside its enumeration', [error('enum', '/leg', { allowedValues: ['number', 'client', 'inbound'] })], 'querystring', AfterDialQuery, 'The leg must be one of: number, client, inbound.'],
    [
      'a union of constants (the union error wins over its branches)',
      [error('const', '/mode', { allowedValue: 'local' }), error('const', '/mode', { allowedValue: 'twilio' }), error('anyOf', '/mode')],
      'body', Profile, 'The mode must be one of: local, twilio.',
    ],
    ['an array item, named after its array', [error('maxLength', '/colleagues/1', { limit: 3 })], 'body', Profile, 'Item 2 of the colleagues is too long (at most 3 characters).'],
    ['too few items', [error('minItems', '/colleagues', { limit: 1 })], 'body', Profile, 'The colleagues must have at least 1 item.'],
    ['a number below its minimum', [error('minimum', '/ttl', { limit: 1, comparison: '>=' })], 'body', Profile, 'The ttl must be at least 1.'],
    ['a number above its maximum', [error('maximum', '/ttl', { limit: 10, comparison: '<=' })], 'body', Profile, 'The ttl must be at most 10.'],
    ['a whole number wanted', [error('type', '/ttl', { type: 'integer' })], 'body', Profile, 'The ttl must be a whole number.'],
    ['a nested field by its title, in the wrong form', [error('pattern', '/nested/name', { pattern: '^[a-z]+$' })], 'body', Profile, 'The display name is not in the expected form.'],
    ['a field that is not accepted', [error('additionalProperties', '/nested', { additionalProperty: 'colour' })], 'body', Profile, 'The nested has a field that is not accepted here: colour.'],
    ['a field the schema does not know, by its key', [error('type', '/extra', { type: 'string' })], 'body', SignIn, 'The extra must be text.'],
    ['an inherited name is only a key', [error('required', '', { missingProperty: '__proto__' })], 'body', SignIn, 'The __proto__ is missing.'],
    ['a keyword without its own sentence', [error('uniqueItems', '/colleagues', { i: 0, j: 1 })], 'body', Profile, 'The colleagues is not valid.'],
    ['no detail at all', [], 'querystring', undefined, 'The query string is not valid.'],
  ];

  it.each(table)('%s', (_name, errors, part, schema, sentence) => {
    expect(validationMessage(errors, part, schema)).toBe(sentence);
  });
});

describe('validation failures answer { error, code } with status 400', () => {
  let app: Awaited<ReturnType<typeof testApp>>['app'];
  beforeAll(async () => {
    ({ app } = await testApp(await twilioConfig(), { webRoot: '/nonexistent' }));
    await app.ready();
  });
  afterAll(() => app.close());

  const json = { 'content-type': 'application/json', origin: PUBLIC_BASE_URL, 'sec-fetch-site': 'same-origin' };
  const table: [string, string, string, string][] = [
    ['/api/session', 'no password', JSON.stringify({ username: 'alice' }), 'The password is missing.'],
    ['/api/session', 'nothing at all', '{}', 'The user name is missing.'],
    ['/api/session', 'an empty user name', JSON.stringify({ username: '', password: 'x' }), 'The user name is empty.'],
    ['/api/session', 'a long user name', JSON.stringify({ username: 'a'.repeat(65), password: 'x' }), 'The user name is too long (at most 64 characters).'],
    ['/api/session', 'an object as password', JSON.stringify({ username: 'alice', password: { $ne: null } }), 'The password must be text.'],
    ['/api/session', 'a list as body', '[]', 'The request body must be a JSON object.'],
    ['/api/token', 'a string as body', '"please"', 'The request body must be a JSON object.'],
  ];

  it.each(table)('%s with %s', async (url, _name, payload, sentence) => {
    const res = await app.inject({ method: 'POST', url, headers: json, payload });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({ error: sentence, code: 'bad_request' });
  });
});
