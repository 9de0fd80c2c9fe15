import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber } from '../../test/scenarios/training-helpers.ts';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { evaluate } from '../policy/evaluate.ts';
import type { EvaluateRequest, GroupCode } from '../policy/evaluate.types.ts';

/** A Hengyang free training at the catalog standard (衡人社发【2019】21号 六（一）). */
function hengyangTraining(occupationCode: string, standardFen: number, groups: string[]): EvaluateRequest {
  return {
    region: '430421',
    date: '2020-06-01',
    subsidy: 'training',
    person: { groups: groups as GroupCode[] },
    training: {
      filed: true,
      occupationCode,
      inCatalog: true,
      level: 'primary',
      catalogStandardFen: standardFen,
    },
    certificate: { type: 'skill_level', number: `SIM-${occupationCode}-${groups.join('-')}` },
    history: [],
  };
}

describe('POST /api/policy/simulate over stored claims', () => {
  let harness: TestApp;
  const personIds: number[] = [];
  const requests: EvaluateRequest[] = [];

  beforeAll(async () => {
    harness = await createTestApp();
    const county = await harness.loginAs('hy_county');
    for (const [index, name] of ['模拟甲', '模拟乙', '模拟丙'].entries()) {
      const person = await harness.app.inject({
        method: 'POST',
        url: '/api/persons',
        headers: county,
        payload: {
          name,
          idNumber: idNumber('430421', '19900101', `09${index}`),
          registeringRegionCode: '430421',
        },
      });
      expect(person.statusCode, person.body).toBe(201);
      personIds.push(person.json().id as number);
    }
    requests.push(
      hengyangTraining('4-10-01-01', 100_000, ['registered_unemployed']),
      hengyangTraining('4-10-01-01', 100_000, ['rural_migrant_worker', 'poor_labor']),
      hengyangTraining('6-18-01-01', 120_000, ['veteran']),
      // Not in a free-training group: refused before and after.
      hengyangTraining('4-10-01-01', 100_000, ['flexible_worker']),
    );
    const claim = await harness.database.db
      .insertInto('claim')
      .values({
        province_code: '430000',
        claim_number: 'BT4304212020SIM001',
        region_code: '430421',
        subsidy_kind: 'training',
        mode: 'full',
        applicant_kind: 'institution',
        applicant_organisation_id: null,
        applicant_person_id: null,
        class_id: null,
        advance_claim_id: null,
        application_date: '2020-06-01',
        payee_bank_name: null,
        payee_bank_account_ciphertext: null,
        payment_batch_id: null,
        idempotency_key: null,
        request_hash: null,
        notice_starts_on: null,
        notice_ends_on: null,
        submitted_at: new Date('2020-06-01T02:00:00Z'),
        reviewed_at: null,
        reviewed_by_user_id: null,
        approved_at: null,
        approved_by_user_id: null,
        payment_ordered_at: null,
        paid_at: null,
        last_reason: null,
        created_by_user_id: null,
        status: 'submitted',
        line_count: requests.length,
        eligible_line_count: 3,
        total_amount_fen: 320_000,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await harness.database.db
      .insertInto('claim_line')
      .values(
        requests.map((request, index) => {
          const decision = evaluate(request);
          return {
            province_code: '430000',
            claim_id: claim.id,
            line_number: index + 1,
            person_id: personIds[index % personIds.length]!,
            person_province_code: '430000',
            certificate_id: null,
            employment_id: null,
            subject: `模拟明细${index + 1}`,
            policy_id: decision.policy,
            is_eligible: decision.eligible,
            amount_fen: decision.amountFen,
            payee: decision.payee,
            payee_organisation_id: null,
            payee_person_id: null,
            payee_ids: JSON.stringify({}),
            counts_toward_annual_limit: decision.countsTowardAnnualLimit,
            occupation_code: request.training?.occupationCode ?? null,
            level: request.training?.level ?? null,
            period_start: null,
            period_end: null,
            request: JSON.stringify(request),
            decision: JSON.stringify(decision),
            excluded_reason: null,
          };
        }),
      )
      .execute();
  });
  afterAll(async () => harness.close());

  it('re-decides the stored lines under a catalog change; its total is the sum of the lines re-decided one by one', async () => {
    const city = await harness.loginAs('hy_city');
    const catalogChanges = [
      { occupationCode: '4-10-01-01', level: 'primary' as const, standardFen: 130_000 },
    ];
    const response = await harness.app.inject({
      method: 'POST',
      url: '/api/policy/simulate',
      headers: city,
      payload: { regionCode: '430400', from: '2020-01-01', to: '2020-12-31', catalogChanges },
    });
    expect(response.statusCode, response.body).toBe(200);
    const result = response.json();

    const oneByOne = requests.map((request) => {
      const changed =
        request.training?.occupationCode === '4-10-01-01'
          ? { ...request, training: { ...request.training, catalogStandardFen: 130_000 } }
          : request;
      return { before: evaluate(request).amountFen, after: evaluate(changed).amountFen };
    });
    const sum = (side: 'before' | 'after') => oneByOne.reduce((total, line) => total + line[side], 0);
    expect(result.lineCount).toBe(requests.length);
    expect(result.totalBeforeFen).toBe(sum('before'));
    expect(result.totalAfterFen).toBe(sum('after'));
    expect(result.totalAfterFen).toBe(130_000 + 130_000 + 120_000);
    expect(result.differenceFen).toBe(60_000);
    expect(result.storedTotalFen).toBe(320_000);
    expect(result.changedLineCount).toBe(2);
    expect(result.personsAffected).toBe(2);
    expect(result.bySubsidyKind).toEqual([
      { key: 'training', lineCount: 4, beforeFen: 320_000, afterFen: 380_000, differenceFen: 60_000 },
    ]);
    expect(result.byRegion).toEqual([
      { key: '430421', lineCount: 4, beforeFen: 320_000, afterFen: 380_000, differenceFen: 60_000 },
    ]);
    const group = (key: string) => result.byGroup.find((total: { key: string }) => total.key === key);
    expect(group('poor_labor')).toMatchObject({ beforeFen: 100_000, afterFen: 130_000 });
    expect(group('veteran')).toMatchObject({ beforeFen: 120_000, afterFen: 120_000 });
    expect(result.specialAccount.balanceAfterChangeFen).toBe(result.specialAccount.balanceFen - 60_000);
  });

  it('refuses a simulation without a change, without a period, or outside the caller region, naming the field', async () => {
    const city = await harness.loginAs('hy_city');
    const post = (payload: unknown, headers = city) =>
      harness.app.inject({
        method: 'POST',
        url: '/api/policy/simulate',
        headers,
        payload: payload as object,
      });
    const noChange = await post({ regionCode: '430400', from: '2020-01-01', to: '2020-12-31' });
    expect(noChange.statusCode).toBe(422);
    expect(noChange.json().error.details[0].field).toBe('changes');
    const noPeriod = await post({
      regionCode: '430400',
      catalogChanges: [{ occupationCode: '4-10-01-01', level: 'primary', standardFen: 1 }],
    });
    expect(noPeriod.json().error.details[0].field).toBe('from');
    const reversed = await post({
      regionCode: '430400',
      from: '2020-12-31',
      to: '2020-01-01',
      catalogChanges: [{ occupationCode: '4-10-01-01', level: 'primary', standardFen: 1 }],
    });
    expect(reversed.json().error.details[0].field).toBe('to');
    const badLevel = await post({
      regionCode: '430400',
      from: '2020-01-01',
      to: '2020-12-31',
      catalogChanges: [{ occupationCode: '4-10-01-01', level: 'grand', standardFen: 1 }],
    });
    expect(badLevel.statusCode).toBe(400);
    const outside = await post({
      regionCode: '500000',
      from: '2020-01-01',
      to: '2020-12-31',
      catalogChanges: [{ occupationCode: '4-10-01-01', level: 'primary', standardFen: 1 }],
    });
    expect(outside.statusCode).toBe(403);
  });

  it('publishing a parameter effective before today needs confirmation that lists the claims it re-prices', async () => {
    const province = await harness.loginAs('js_province');
    const claim = await harness.database.db
      .insertInto('claim')
      .values({
        province_code: '320000',
        claim_number: 'BT3201022020RETRO1',
        region_code: '320102',
        subsidy_kind: 'on_the_job_training',
        mode: 'full',
        applicant_kind: 'enterprise',
        applicant_organisation_id: null,
        applicant_person_id: null,
        class_id: null,
        advance_claim_id: null,
        application_date: '2020-06-01',
        payee_bank_name: null,
        payee_bank_account_ciphertext: null,
        payment_batch_id: null,
        idempotency_key: null,
        request_hash: null,
        notice_starts_on: null,
        notice_ends_on: null,
        submitted_at: new Date('2020-06-01T02:00:00Z'),
        reviewed_at: null,
        reviewed_by_user_id: null,
        approved_at: null,
        approved_by_user_id: null,
        payment_ordered_at: null,
        paid_at: null,
        last_reason: null,
        created_by_user_id: null,
        status: 'submitted',
        line_count: 1,
        eligible_line_count: 0,
        total_amount_fen: 0,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await harness.database.db
      .insertInto('claim_line')
      .values({
        province_code: '320000',
        claim_id: claim.id,
        line_number: 1,
        person_id: null,
        person_province_code: null,
        certificate_id: null,
        employment_id: null,
        subject: '以工代训',
        policy_id: 'cn-320000-2019',
        is_eligible: false,
        amount_fen: 0,
        payee: 'enterprise',
        payee_organisation_id: null,
        payee_person_id: null,
        payee_ids: JSON.stringify({}),
        counts_toward_annual_limit: false,
        occupation_code: null,
        level: null,
        period_start: null,
        period_end: null,
        request: '{}',
        decision: '{}',
        excluded_reason: null,
      })
      .execute();
    const change = {
      packId: 'cn-320000-2019',
      key: 'on-the-job-training.monthlyAmountFen',
      effectiveFrom: '2020-01-01',
      value: 50000,
      citation: { doc: '苏人社发〔2020〕1号', article: '三' },
    };
    const post = (payload: object) =>
      harness.app.inject({
        method: 'POST',
        url: '/api/policy/parameter-versions',
        headers: province,
        payload,
      });
    const versions = () =>
      harness.database.db
        .selectFrom('policy_parameter_version')
        .select('id')
        .where('pack_id', '=', change.packId)
        .execute();
    const before = (await versions()).length;
    const unconfirmed = await post(change);
    expect(unconfirmed.statusCode, unconfirmed.body).toBe(409);
    expect(unconfirmed.json().error.code).toBe('RETROACTIVE_CONFIRMATION_REQUIRED');
    expect(
      unconfirmed
        .json()
        .error.details.map((detail: { message: string }) => detail.message)
        .join(),
    ).toContain('BT3201022020RETRO1');
    expect((await versions()).length).toBe(before);
    const confirmed = await post({ ...change, confirmRetroactive: true });
    expect(confirmed.statusCode, confirmed.body).toBe(201);
    expect((await versions()).length).toBe(before + 1);
    const audit = await harness.database.db
      .selectFrom('audit_log')
      .select('after_state')
      .where('action', '=', 'policy.parameter.publish')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(audit.after_state)).toContain('BT3201022020RETRO1');
  });
});
