import type { FastifyError } from 'fastify';
import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.ts';
import { fieldName, toAppError } from './error-handler.ts';

const databaseError = (code: string, message: string) =>
  Object.assign(new Error(message), { code }) as unknown as FastifyError;

describe('toAppError', () => {
  it('answers a write that collided with a concurrent one with a retryable 409, not a 500', () => {
    for (const code of ['23505', '40001', '40P01']) {
      const appError = toAppError(databaseError(code, 'duplicate key value violates unique constraint'));
      expect(appError.statusCode).toBe(409);
      expect(appError.code).toBe('CONFLICT');
      expect(appError.details[0]?.field).toBe('request');
    }
  });

  it('keeps an unknown failure a 500 and passes application errors through unchanged', () => {
    expect(toAppError(databaseError('42P01', 'relation does not exist')).statusCode).toBe(500);
    const refused = new AppError('VALIDATION_FAILED', '字段有误', [{ field: 'name', message: '必填' }]);
    expect(toAppError(refused as unknown as FastifyError)).toBe(refused);
  });

  it('names nested fields the way the client wrote them', () => {
    expect(fieldName('body', '/person/groups/1', 'code')).toBe('person.groups[1].code');
    expect(fieldName('querystring', '', 'page')).toBe('querystring.page');
  });
});
