import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import {
  caller,
  completeClass,
  type Headers,
  publishHengyangCatalog,
  trainee,
  uploadRequiredMaterials,
} from './claim-support.ts';

const PAYEE_ACCOUNT = { bankName: '中国工商银行衡阳县支行', accountNumber: '1904020109000012345' };

/**
 * One live claim per class and subsidy kind; rejected and objection-excluded trainees are not
 * claimed again unless an officer reopens them; the subsidy kind is the class's project type.
 */
describe('a class is claimed once: rejected and excluded trainees stay out unless reopened', () => {
  const clock = new ManualClock('2021-05-06T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let county: Headers;
  let city: Headers;
  let school: Headers;
  let classId: number;
  const trainees = [trainee('一号学员', '711'), trainee('二号学员', '723')];

  const create = (subsidyKind = 'training') =>
    call('POST', '/api/claims', school, {
      applicationDate: clock.today(),
      payeeAccount: PAYEE_ACCOUNT,
      claim: { source: 'class', classId, subsidyKind },
    });
  const claimsOfClass = async () =>
    (await harness.database.db.selectFrom('claim').select('id').where('class_id', '=', classId).execute())
      .length;

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
    county = await harness.loginAs('hy_county');
    city = await harness.loginAs('hy_city');
    school = await harness.loginAs('hy_school');
    await publishHengyangCatalog(harness, city);
    classId = await completeClass(harness, { school, county, startDay: '2021-05-10', trainees, tag: 'ONCE' });
    clock.set('2021-05-17T01:00:00Z');
  });
  afterAll(async () => harness.close());

  it('the subsidy kind follows the class: technician training or apprenticeship on a primary training class is refused', async () => {
    for (const kind of ['technician_training', 'apprenticeship']) {
      const refused = await create(kind);
      expect(refused.statusCode).toBe(422);
      expect(refused.json().error.details[0].field).toBe('claim.subsidyKind');
    }
    expect(await claimsOfClass()).toBe(0);
  });

  it('a second live claim for the same class and kind is refused, naming the first', async () => {
    const first = await create();
    expect(first.statusCode, first.body).toBe(201);
    const second = await create();
    expect(second.statusCode).toBe(409);
    expect(second.json().error).toMatchObject({
      code: 'CLAIM_EXISTS',
      details: [{ field: 'claim.classId', claimId: first.json().id }],
    });
    // Rejected as 虚假培训: the class's next claim finds nobody to claim.
    await uploadRequiredMaterials(harness, first.json().id, school);
    expect((await call('POST', `/api/claims/${first.json().id}/submit`, school)).statusCode).toBe(200);
    const rejected = await call('POST', `/api/claims/${first.json().id}/reject`, county, {
      reason: '虚假培训',
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    const again = await create();
    expect(again.statusCode).toBe(422);
    expect(again.json().error.details[0].field).toBe('claim');
    expect(await claimsOfClass()).toBe(1);
  });

  it('reopening: bad input is refused naming the field; an officer reopens one trainee with a reason (audited)', async () => {
    const url = `/api/classes/${classId}/claim-reopenings`;
    const [one] = trainees;
    const cases: Array<[unknown, number, string]> = [
      [{ personId: one!.personId, subsidyKind: 'training' }, 400, 'reason'],
      [{ personId: one!.personId, subsidyKind: 'bonus', reason: '复核' }, 400, 'subsidyKind'],
      [{ personId: one!.personId, subsidyKind: 'training', reason: '' }, 400, 'reason'],
      [{ personId: 999_999, subsidyKind: 'training', reason: '复核' }, 404, 'personId'],
      [{ personId: one!.personId, subsidyKind: 'living_allowance', reason: '复核' }, 409, 'personId'],
    ];
    for (const [payload, status, field] of cases) {
      const refused = await call('POST', url, city, payload);
      expect(refused.statusCode, refused.body).toBe(status);
      expect(refused.json().error.details[0].field).toBe(field);
    }
    const bySchool = await call('POST', url, school, {
      personId: one!.personId,
      subsidyKind: 'training',
      reason: '复核',
    });
    expect(bySchool.statusCode).toBe(403);
    expect(await harness.database.db.selectFrom('claim_reopening').select('id').execute()).toHaveLength(0);

    const reopened = await call('POST', url, city, {
      personId: one!.personId,
      subsidyKind: 'training',
      reason: '复核确认该学员实际参训',
    });
    expect(reopened.statusCode, reopened.body).toBe(201);
    const audit = await harness.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'claim.reopen_trainee')
      .execute();
    expect(audit).toHaveLength(1);
    const next = await create();
    expect(next.statusCode, next.body).toBe(201);
    expect(next.json().lines.map((line: { personId: number }) => line.personId)).toEqual([one!.personId]);
  });

  it('a trainee excluded by an upheld objection is not claimed again after the claim is rejected', async () => {
    const claim = (
      await harness.database.db
        .selectFrom('claim')
        .select('id')
        .where('class_id', '=', classId)
        .where('status', '=', 'draft')
        .executeTakeFirstOrThrow()
    ).id;
    await uploadRequiredMaterials(harness, claim, school);
    expect((await call('POST', `/api/claims/${claim}/submit`, school)).statusCode).toBe(200);
    expect((await call('POST', `/api/claims/${claim}/review`, county, {})).statusCode).toBe(200);
    expect((await call('POST', `/api/claims/${claim}/start-notice`, county, {})).statusCode).toBe(200);
    const detail = (await call('GET', `/api/claims/${claim}`, county)).json();
    const objection = await call('POST', `/api/claims/${claim}/objections`, county, {
      objector: '群众',
      content: '该学员未参训',
      lineId: detail.lines[0].id,
    });
    expect(objection.statusCode, objection.body).toBe(201);
    const upheld = await call(
      'POST',
      `/api/claims/${claim}/objections/${objection.json().id}/resolve`,
      county,
      {
        resolution: '核实未参训',
        isUpheld: true,
      },
    );
    expect(upheld.statusCode, upheld.body).toBe(200);
    // The claim page lists the objection with its conclusion and who recorded and resolved it.
    const listed = await call('GET', `/api/claims/${claim}/objections`, county);
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().items).toEqual([
      expect.objectContaining({
        id: objection.json().id,
        lineId: detail.lines[0].id,
        objector: '群众',
        isUpheld: true,
        resolution: '核实未参训',
        recordedByName: expect.any(String),
        resolvedByName: expect.any(String),
      }),
    ]);
    expect(
      (await call('POST', `/api/claims/${claim}/reject`, county, { reason: '剔除后无可补贴人员' }))
        .statusCode,
    ).toBe(200);
    // The earlier reopening was used up by that claim: nobody is claimable again.
    const again = await create();
    expect(again.statusCode).toBe(422);
    expect(again.json().error.details[0].field).toBe('claim');
  });

  it('a trainee excluded by an upheld objection on an approved claim is not claimed again: the class has its claim', async () => {
    clock.set('2021-05-06T01:00:00Z');
    const pair = [trainee('异议甲', '731'), trainee('异议乙', '743')];
    const ownClass = await completeClass(harness, {
      school,
      county,
      startDay: '2021-05-10',
      trainees: pair,
      tag: 'OBJ',
    });
    clock.set('2021-05-17T01:00:00Z');
    const claimOfClass = () =>
      call('POST', '/api/claims', school, {
        applicationDate: clock.today(),
        payeeAccount: PAYEE_ACCOUNT,
        claim: { source: 'class', classId: ownClass, subsidyKind: 'training' },
      });
    const created = await claimOfClass();
    expect(created.statusCode, created.body).toBe(201);
    const claimId = created.json().id as number;
    await uploadRequiredMaterials(harness, claimId, school);
    expect((await call('POST', `/api/claims/${claimId}/submit`, school)).statusCode).toBe(200);
    expect((await call('POST', `/api/claims/${claimId}/review`, county, {})).statusCode).toBe(200);
    expect((await call('POST', `/api/claims/${claimId}/start-notice`, county, {})).statusCode).toBe(200);
    const lineOf = (claim: { lines: Array<{ id: number; personId: number }> }) =>
      claim.lines.find((line) => line.personId === pair[1]!.personId)!;
    const objection = await call('POST', `/api/claims/${claimId}/objections`, county, {
      objector: '群众',
      content: '该学员从未到课',
      lineId: lineOf(created.json()).id,
    });
    expect(objection.statusCode, objection.body).toBe(201);
    const upheld = await call(
      'POST',
      `/api/claims/${claimId}/objections/${objection.json().id}/resolve`,
      county,
      { resolution: '核实从未到课', isUpheld: true },
    );
    expect(upheld.statusCode, upheld.body).toBe(200);
    clock.set('2021-05-25T01:00:00Z');
    const approved = await call('POST', `/api/claims/${claimId}/approve`, city, {});
    expect(approved.statusCode, approved.body).toBe(200);
    const detail = (await call('GET', `/api/claims/${claimId}`, county)).json();
    expect(lineOf(detail)).toMatchObject({ status: 'excluded' });
    // The next claim of the class does not claim him again: the class has its live claim.
    const next = await claimOfClass();
    expect(next.statusCode).toBe(409);
    expect(next.json().error).toMatchObject({
      code: 'CLAIM_EXISTS',
      details: [{ field: 'claim.classId', claimId }],
    });
    const lines = await harness.database.db
      .selectFrom('claim_line')
      .innerJoin('claim', 'claim.id', 'claim_line.claim_id')
      .select('claim_line.id')
      .where('claim.class_id', '=', ownClass)
      .where('claim_line.person_id', '=', pair[1]!.personId!)
      .execute();
    expect(lines).toHaveLength(1);
    clock.set('2021-05-17T01:00:00Z');
  });
});
