import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { caller, type Headers } from './claim-support.ts';
import { idNumber } from './training-helpers.ts';

/**
 * 用户管理 binds an organisation's or a worker's account by picking the organisation or the person
 * by name (issue 21: pickers, not typed ids). The system administrator holds no registry
 * permission (三员分立), so the choices come from two narrow lookups of its own region: names,
 * kinds and regions of organisations; names, masked ID numbers and regions of persons.
 */
describe('account-binding choices for the system administrator', () => {
  const clock = new ManualClock('2021-05-06T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let admin: Headers;
  let county: Headers;

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
    admin = await harness.loginAs('sysadmin');
    county = await harness.loginAs('hy_county');
  });
  afterAll(async () => harness.close());

  it('finds organisations of its region by part of the name, filtered by kind', async () => {
    const found = await call(
      'GET',
      '/api/admin/organisation-choices?search=职业技能培训&kind=institution',
      admin,
    );
    expect(found.statusCode, found.body).toBe(200);
    expect(found.json().items).toEqual([
      expect.objectContaining({ name: '衡阳县职业技能培训学校', kind: 'institution', regionCode: '430421' }),
    ]);
    const none = await call(
      'GET',
      '/api/admin/organisation-choices?search=职业技能培训&kind=enterprise',
      admin,
    );
    expect(none.json().items).toEqual([]);
    // A "%" is a character to find, not a wildcard.
    expect((await call('GET', '/api/admin/organisation-choices?search=%25', admin)).json().items).toEqual([]);
  });

  it('finds persons of its region by the beginning of the name or the full ID number, masked', async () => {
    const number = idNumber('430421', '19850315', '273');
    const registered = await call('POST', '/api/persons', county, {
      name: '欧阳选择',
      idNumber: number,
      registeringRegionCode: '430421',
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const byName = await call('GET', `/api/admin/person-choices?search=${encodeURIComponent('欧阳')}`, admin);
    expect(byName.statusCode, byName.body).toBe(200);
    expect(byName.json().items).toEqual([
      {
        id: registered.json().id,
        name: '欧阳选择',
        idNumber: expect.stringMatching(/\*/),
        registeringRegionCode: '430421',
      },
    ]);
    expect(byName.body).not.toContain(number);
    const byNumber = await call('GET', `/api/admin/person-choices?search=${number}`, admin);
    expect(byNumber.json().items.map((item: { id: number }) => item.id)).toEqual([registered.json().id]);
  });

  it('answers only administrators of users', async () => {
    expect((await call('GET', '/api/admin/organisation-choices?search=学校', county)).statusCode).toBe(403);
    expect((await call('GET', '/api/admin/person-choices?search=欧阳', county)).statusCode).toBe(403);
  });
});
