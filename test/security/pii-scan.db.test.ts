import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUnmaskedPii } from '../../src/shared/crypto.ts';
import { createSecurityApp, type SecurityApp } from './security-app.ts';

const ID = '430421199001011234';
const PHONE = '13812345678';

describe('personal data never reaches logs or error bodies', () => {
  let t: SecurityApp;
  beforeAll(async () => {
    t = await createSecurityApp({ isDemoMode: true });
  });
  afterAll(async () => t.close());

  it('masks an ID number quoted back by the JSON parser and the schema validator', async () => {
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: `{"loginName": "${ID}", "password": ${PHONE}x`,
    });
    expect(malformed.statusCode).toBe(400);
    expect(findUnmaskedPii(malformed.body)).toEqual([]);
    const wrongType = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { loginName: ID, password: PHONE },
    });
    expect(wrongType.statusCode).toBe(401);
    expect(findUnmaskedPii(wrongType.body)).toEqual([]);
  });

  it('masks an ID number in the path of an unknown route', async () => {
    const response = await t.app.inject({ url: `/api/persons-by-id/${ID}` });
    expect(response.statusCode).toBe(404);
    expect(response.body).toContain('4304**********1234');
  });

  it('masks ID numbers and phones in URLs and messages written to the log', async () => {
    await t.app.inject({ url: `/api/persons?idNumber=${ID}&phone=${PHONE}` });
    t.app.log.info({ idNumber: ID, note: `call ${PHONE}` }, `looked up ${ID}`);
    const text = t.capture.logLines.join('');
    expect(text).toContain('4304**********1234');
    expect(text).toContain('138****5678');
    expect(findUnmaskedPii(text)).toEqual([]);
    expect(t.capture.findings).toEqual([]);
  });
});
