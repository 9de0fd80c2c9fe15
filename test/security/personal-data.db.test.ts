import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumberCheckCharacter } from '../../src/registry/identifiers.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/**
 * Issue 18, finding 4: lists and details mask ID numbers and phones for every role, officers
 * holding person.unmask included; one person is revealed in full only with a stated reason,
 * in scope, rate-limited and audited as `personal_data.read`; API answers are never cached;
 * audit entries mask the personal data they quote, names included.
 */

const idNumber = (first17: string) => `${first17}${idNumberCheckCharacter(first17)}`;
const HENGYANG_ID = idNumber('43042119850305123');
const HENGYANG_PHONE = '13912345678';
const NANJING_ID = idNumber('32010219900101456');

type Headers = { authorization: string };

async function register(
  t: TestApp,
  headers: Headers,
  person: { name: string; idNumber: string; phone?: string; registeringRegionCode: string },
): Promise<number> {
  const response = await t.app.inject({ method: 'POST', url: '/api/persons', headers, payload: person });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id;
}

describe('personal data: masked everywhere, revealed one at a time with a reason', () => {
  let t: TestApp;
  let county: Headers;
  let hengyangId: number;
  let nanjingId: number;
  beforeAll(async () => {
    t = await createTestApp({ env: { SKILLFUND_PERSONAL_DATA_REVEALS_PER_HOUR: '3' } });
    county = await t.loginAs('hy_county');
    hengyangId = await register(t, county, {
      name: '欧阳明华',
      idNumber: HENGYANG_ID,
      phone: HENGYANG_PHONE,
      registeringRegionCode: '430421',
    });
    nanjingId = await register(t, await t.loginAs('nj_county'), {
      name: '陈小东',
      idNumber: NANJING_ID,
      registeringRegionCode: '320102',
    });
  });
  afterAll(async () => t.close());

  it.each([
    ['hy_county', '430421', () => hengyangId, HENGYANG_ID],
    ['hy_city', '430400', () => hengyangId, HENGYANG_ID],
    ['js_province', '320000', () => nanjingId, NANJING_ID],
  ])('masks the list and the detail for %s, who holds person.unmask', async (login, region, id, full) => {
    const headers = await t.loginAs(login);
    const list = await t.app.inject({ url: `/api/persons?regionCode=${region}&pageSize=100`, headers });
    expect(list.statusCode).toBe(200);
    expect(list.headers['cache-control']).toBe('no-store');
    const items = list.json().items as { id: number; idNumber: string; phone: string | null }[];
    expect(items.map((item) => item.id)).toContain(id());
    for (const item of items) {
      expect(item.idNumber).toMatch(/^\w{4}\*{10}\w{4}$/);
      if (item.phone !== null) expect(item.phone).toMatch(/^\d{3}\*+\d{4}$/);
    }
    expect(list.body).not.toContain(full);
    const detail = await t.app.inject({ url: `/api/persons/${id()}`, headers });
    expect(detail.statusCode).toBe(200);
    expect(detail.json().idNumber).toBe(`${full.slice(0, 4)}**********${full.slice(-4)}`);
    expect(detail.body).not.toContain(full);
    expect(detail.headers['cache-control']).toBe('no-store');
  });

  it('masks the phone of a person in every answer, registration included', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/persons',
      headers: county,
      payload: {
        name: '李四',
        idNumber: idNumber('43042119920202003'),
        phone: '13700001111',
        registeringRegionCode: '430421',
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      phone: '137****1111',
      idNumber: `4304**********${created.json().idNumber.slice(-4)}`,
    });
  });

  it('refuses a reveal without a reason: 422 naming reason, nothing audited', async () => {
    const before = await countReads(t, hengyangId);
    for (const payload of [{}, { reason: '  ' }]) {
      const response = await t.app.inject({
        method: 'POST',
        url: `/api/persons/${hengyangId}/reveal`,
        headers: county,
        payload,
      });
      expect(response.statusCode).toBe(422);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
      expect(response.json().error.message).toMatch(/理由/);
      expect(response.json().error.details).toEqual([expect.objectContaining({ field: 'reason' })]);
      expect(response.body).not.toContain(HENGYANG_ID);
    }
    expect(await countReads(t, hengyangId)).toBe(before);
  });

  it('reveals one person in full with a reason, audited as personal_data.read (who, whose, why), never cached', async () => {
    const headers = await t.loginAs('hy_city');
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/persons/${hengyangId}/reveal`,
      headers,
      payload: { reason: '核对补贴申请人身份' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual({
      id: hengyangId,
      name: '欧阳明华',
      idNumber: HENGYANG_ID,
      phone: HENGYANG_PHONE,
    });
    const entry = await t.database.db
      .selectFrom('audit_log')
      .innerJoin('app_user', 'app_user.id', 'audit_log.actor_user_id')
      .select(['app_user.login_name', 'audit_log.object_type', 'audit_log.after_state', 'audit_log.outcome'])
      .where('audit_log.action', '=', 'personal_data.read')
      .where('audit_log.object_id', '=', String(hengyangId))
      .where('app_user.login_name', '=', 'hy_city')
      .executeTakeFirstOrThrow();
    expect(entry).toEqual({
      login_name: 'hy_city',
      object_type: 'person',
      after_state: { fields: ['idNumber', 'phone'], purpose: '核对补贴申请人身份' },
      outcome: 'success',
    });
  });

  it('answers 404 for a person of another province, and audits no read', async () => {
    const before = await countReads(t, nanjingId);
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/persons/${nanjingId}/reveal`,
      headers: await t.loginAs('hy_city'),
      payload: { reason: '核对身份' },
    });
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain(NANJING_ID);
    expect(await countReads(t, nanjingId)).toBe(before);
  });

  it('refuses roles without person.unmask (403)', async () => {
    for (const login of ['auditor', 'hy_finance']) {
      const response = await t.app.inject({
        method: 'POST',
        url: `/api/persons/${hengyangId}/reveal`,
        headers: await t.loginAs(login),
        payload: { reason: '核对身份' },
      });
      expect(response.statusCode).toBe(403);
      expect(response.body).not.toContain(HENGYANG_ID);
    }
  });

  it('limits reveals per officer (429), not per address', async () => {
    const headers = await t.loginAs('js_province');
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const response = await t.app.inject({
        method: 'POST',
        url: `/api/persons/${nanjingId}/reveal`,
        headers,
        payload: { reason: `第 ${attempt + 1} 次核对` },
      });
      statuses.push(response.statusCode);
      if (response.statusCode === 429) {
        expect(response.json().error.code).toBe('RATE_LIMITED');
        expect(response.body).not.toContain(NANJING_ID);
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    // Another officer from the same address is not affected.
    const other = await t.app.inject({
      method: 'POST',
      url: `/api/persons/${nanjingId}/reveal`,
      headers: await t.loginAs('nj_county'),
      payload: { reason: '核对身份' },
    });
    expect(other.statusCode).toBe(200);
  });

  it('masks the ID number and the name a person.register audit entry quotes', async () => {
    const response = await t.app.inject({
      url: `/api/audit/entries?action=person.register&objectId=${hengyangId}`,
      headers: await t.loginAs('auditadmin'),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const [entry] = response.json().items;
    expect(entry.after).toMatchObject({ name: '欧**华', idNumber: `4304**********${HENGYANG_ID.slice(-4)}` });
    expect(response.body).not.toContain('欧阳明华');
    expect(response.body).not.toContain(HENGYANG_ID);
  });
});

async function countReads(t: TestApp, personId: number): Promise<number> {
  const row = await t.database.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('action', '=', 'personal_data.read')
    .where('object_id', '=', String(personId))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
