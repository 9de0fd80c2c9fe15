import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { caller, type Headers, trainee } from './claim-support.ts';

/**
 * Person groups (人员类别认定, issue 17 finding 7): certified by an officer of the person's region
 * from the controlled list of certifying bodies, the recording officer and date stored, no
 * overlapping duplicate, a validity period, and revocation with a reason.
 */
describe('person groups: certified by an officer from the list of certifying bodies, never twice, revocable', () => {
  const clock = new ManualClock('2021-05-06T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let county: Headers;
  let personId: number;
  const worker = trainee('类别认定', '711');
  const groupCount = async () =>
    Number(
      (
        await harness.database.db
          .selectFrom('person_group')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('person_id', '=', personId)
          .executeTakeFirstOrThrow()
      ).count,
    );

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
    county = await harness.loginAs('hy_county');
    const registered = await call('POST', '/api/persons', county, {
      name: worker.name,
      idNumber: worker.idNumber,
      registeringRegionCode: '430421',
    });
    expect(registered.statusCode, registered.body).toBe(201);
    personId = registered.json().id;
  });
  afterAll(async () => harness.close());

  it('refuses free-text certifiers and bad input naming the field, and writes nothing', async () => {
    const path = `/api/persons/${personId}/groups`;
    const freeText = await call('POST', path, county, {
      groupCode: 'registered_unemployed',
      certifiedByOrganisation: '任意机构',
      certifiedByOfficer: '任意人',
      validFrom: '2021-01-01',
    });
    expect(freeText.statusCode).toBe(400);
    const unknown = await call('POST', path, county, {
      groupCode: 'registered_unemployed',
      certifierCode: 'anyone',
      validFrom: '2021-01-01',
    });
    expect(unknown.statusCode).toBe(400);
    expect(JSON.stringify(unknown.json().error.details)).toContain('certifierCode');
    const backwards = await call('POST', path, county, {
      groupCode: 'registered_unemployed',
      certifierCode: 'public_employment_service',
      validFrom: '2021-06-01',
      validTo: '2021-01-01',
    });
    expect(backwards.statusCode).toBe(422);
    expect(backwards.json().error.details[0].field).toBe('validTo');
    // An officer of another province does not see the person at all.
    const foreign = await call('POST', path, await harness.loginAs('nj_county'), {
      groupCode: 'registered_unemployed',
      certifierCode: 'public_employment_service',
      validFrom: '2021-01-01',
    });
    expect(foreign.statusCode).toBe(404);
    expect(await groupCount()).toBe(0);
  });

  it('stores the certifying body, the recording officer and date; an overlapping duplicate is refused; revocation ends its use', async () => {
    const path = `/api/persons/${personId}/groups`;
    const certified = await call('POST', path, county, {
      groupCode: 'registered_unemployed',
      certifierCode: 'public_employment_service',
      validFrom: '2021-01-01',
      validTo: '2021-12-31',
    });
    expect(certified.statusCode, certified.body).toBe(201);
    const officer = await harness.database.db
      .selectFrom('app_user')
      .select('id')
      .where('login_name', '=', 'hy_county')
      .executeTakeFirstOrThrow();
    const [group] = (await call('GET', path, county)).json().items;
    expect(group).toMatchObject({
      groupCode: 'registered_unemployed',
      certifierCode: 'public_employment_service',
      certifiedByOrganisation: '公共就业服务机构',
      recordedByUserId: officer.id,
      recordedOn: '2021-05-06',
      revokedOn: null,
    });
    const duplicate = await call('POST', path, county, {
      groupCode: 'registered_unemployed',
      certifierCode: 'human_resources_social_security',
      validFrom: '2021-03-01',
    });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.details[0]).toMatchObject({ field: 'groupCode', groupId: group.id });
    const next = await call('POST', path, county, {
      groupCode: 'registered_unemployed',
      certifierCode: 'public_employment_service',
      validFrom: '2022-01-01',
    });
    expect(next.statusCode, next.body).toBe(201);
    expect(await groupCount()).toBe(2);

    const revoke = `${path}/${group.id}/revoke`;
    expect((await call('POST', revoke, county, {})).statusCode).toBe(400);
    const blank = await call('POST', revoke, county, { reason: '  ' });
    expect(blank.statusCode).toBe(422);
    expect(blank.json().error.details[0].field).toBe('reason');
    expect((await call('POST', `${path}/999999/revoke`, county, { reason: '不存在' })).statusCode).toBe(404);
    expect(
      (await call('POST', revoke, await harness.loginAs('nj_county'), { reason: '他省' })).statusCode,
    ).toBe(404);
    const revoked = await call('POST', revoke, county, { reason: '核实其已就业，不属于登记失业人员' });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json()).toMatchObject({
      revokedOn: '2021-05-06',
      revocationReason: '核实其已就业，不属于登记失业人员',
    });
    expect((await call('POST', revoke, county, { reason: '再次' })).statusCode).toBe(409);
    // The person's groups (what claims decide on) no longer hold the revoked certification.
    const person = (await call('GET', `/api/persons/${personId}`, county)).json();
    expect(person.groups.map((item: { id: number }) => item.id)).toEqual([next.json().groups.at(-1).id]);
    const history = (await call('GET', path, county)).json().items;
    expect(history.map((item: { revokedOn: string | null }) => item.revokedOn)).toEqual(['2021-05-06', null]);
    const audit = await harness.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'in', ['person.group.add', 'person.group.revoke'])
      .execute();
    expect(audit.map((entry) => entry.action).sort()).toEqual([
      'person.group.add',
      'person.group.add',
      'person.group.revoke',
    ]);
  });
});
