import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { openDatabase } from '../db/database.ts';
import { loadConfig } from '../shared/config.ts';
import { buildApp } from './app.ts';

describe('HTTP foundation', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await createTestApp();
  });
  afterAll(async () => test.close());

  it('GET /healthz answers 200 with the database kind', async () => {
    const response = await test.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok', database: test.database.kind });
    expect(response.headers['x-request-id']).toBeTruthy();
  });

  it('echoes a well-formed incoming request id', async () => {
    const response = await test.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(response.headers['x-request-id']).toBe('abc-123');
  });

  it('serves the OpenAPI 3 document and the Swagger UI', async () => {
    const json = await test.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(json.statusCode).toBe(200);
    expect(json.json().openapi).toMatch(/^3\./);
    expect(Object.keys(json.json().paths)).toContain('/healthz');
    const ui = await test.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/html/);
  });

  it('answers unknown routes 404 in the error shape', async () => {
    const response = await test.app.inject({ method: 'GET', url: '/api/no-such-thing?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: {
        code: 'ROUTE_NOT_FOUND',
        message: expect.stringContaining('/api/no-such-thing'),
        details: [{ field: 'url', message: expect.any(String) }],
      },
    });
  });

  it('answers malformed JSON 400 in the error shape', async () => {
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"loginName": "x", ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'MALFORMED_JSON', details: [{ field: 'body' }] });
  });

  it('answers a schema violation 400 naming each bad field', async () => {
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { loginName: 42, extra: true },
    });
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error.code).toBe('INVALID_REQUEST');
    const fields = error.details.map((detail: { field: string }) => detail.field).sort();
    expect(fields).toEqual(['extra', 'loginName', 'password']);
  });

  it('requires a session on protected routes', async () => {
    const response = await test.app.inject({ method: 'GET', url: '/api/auth/me' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('UNAUTHENTICATED');
  });
});

describe('buildApp refuses routes without an access declaration', () => {
  it('fails to build', async () => {
    const database = await openDatabase({});
    const config = loadConfig({ LOG_LEVEL: 'silent' });
    const app: FastifyInstance = await buildApp({ config, database });
    expect(() => app.get('/api/undeclared', { schema: {} }, async () => ({ ok: true }))).toThrow(
      /declares no config.access/,
    );
    expect(() =>
      app.get('/api/no-schema', { config: { access: 'public' } }, async () => ({ ok: true })),
    ).toThrow(/declares no schema/);
    await app.close();
    await database.close();
  });
});

describe('GET /healthz when the database is unreachable', () => {
  it('answers 503 DATABASE_UNAVAILABLE (PostgreSQL nobody listens on)', async () => {
    const database = await openDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none' });
    const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), database });
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(503);
    expect(response.json().error.code).toBe('DATABASE_UNAVAILABLE');
    await app.close();
    await database.close();
  });
});
