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

const PAYEE_ACCOUNT = { bankName: '中国农业银行衡阳县支行', accountNumber: '43050100000000077' };

/**
 * A submission reserves what its lines use in one statement (src/claims/claim.usage.ts,
 * `reserveLinesTogether`). A line whose entitlement another claim holds must come out as it did
 * when every entitlement was reserved on its own: that line denied as having lost a race, the
 * others reserved, and nothing of the losing line left behind. PGlite serialises the requests of
 * claim-concurrency.db.test.ts, so the race is set up here by hand: a draft claim of another class
 * holds the shared trainee's occupation and level, as a claim being submitted at the same moment
 * would (a draft is not in anyone's history, so the submitted claim decides the line eligible).
 */
describe('reservations at submission, together and after a lost race', () => {
  const clock = new ManualClock('2021-04-01T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let school: Headers;
  let county: Headers;
  const shared = trainee('赵一', '081');
  const other = trainee('赵二', '082');
  const third = trainee('赵三', '083');

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
    county = await harness.loginAs('hy_county');
    const city = await harness.loginAs('hy_city');
    school = await harness.loginAs('hy_school');
    await publishHengyangCatalog(harness, city);
  });
  afterAll(async () => harness.close());

  const draft = async (classId: number) => {
    const created = await call('POST', '/api/claims', school, {
      applicationDate: clock.today(),
      payeeAccount: PAYEE_ACCOUNT,
      claim: { source: 'class', classId, subsidyKind: 'training' },
    });
    expect(created.statusCode, created.body).toBe(201);
    await uploadRequiredMaterials(harness, created.json().id, school);
    return created.json() as {
      id: number;
      lines: Array<{ id: number; personId: number; isEligible: boolean }>;
    };
  };

  const usageOf = (claimId: number) =>
    harness.database.db
      .selectFrom('subsidy_usage')
      .innerJoin('claim_line', 'claim_line.id', 'subsidy_usage.claim_line_id')
      .select(['claim_line.person_id', 'subsidy_usage.kind', 'subsidy_usage.usage_key'])
      .where('subsidy_usage.claim_id', '=', claimId)
      .orderBy('claim_line.person_id')
      .orderBy('subsidy_usage.kind')
      .execute();

  it('every line of a claim is reserved together; a line another claim holds is denied as a lost race', async () => {
    const first = await completeClass(harness, {
      school,
      county,
      startDay: '2021-04-05',
      trainees: [shared, other, third],
      tag: 'RSV1',
    });
    const second = await completeClass(harness, {
      school,
      county,
      startDay: '2021-04-12',
      trainees: [shared],
      tag: 'RSV2',
    });
    clock.set('2021-04-19T01:00:00Z');
    const racing = await draft(second);
    const claim = await draft(first);
    expect(claim.lines.every((line) => line.isEligible)).toBe(true);
    const sharedId = shared.personId!;
    const racingLine = await harness.database.db
      .selectFrom('claim_line')
      .select(['id', 'province_code', 'person_province_code', 'occupation_code', 'level'])
      .where('claim_id', '=', racing.id)
      .executeTakeFirstOrThrow();
    // The racing claim took the shared trainee's occupation and level first.
    await harness.database.db
      .insertInto('subsidy_usage')
      .values({
        province_code: racingLine.person_province_code!,
        kind: 'occupation_level',
        usage_key: `${sharedId}:${racingLine.occupation_code}:${racingLine.level}`,
        claim_id: racing.id,
        claim_province_code: racingLine.province_code,
        claim_line_id: racingLine.id,
      })
      .execute();

    const submitted = await call('POST', `/api/claims/${claim.id}/submit`, school);
    expect(submitted.statusCode, submitted.body).toBe(200);
    const lines = submitted.json().lines as Array<{
      personId: number;
      isEligible: boolean;
      amountFen: number;
      decision: { denials: Array<{ code: string; message: string }> };
    }>;
    const lost = lines.find((line) => line.personId === sharedId)!;
    expect(lost.isEligible).toBe(false);
    expect(lost.amountFen).toBe(0);
    expect(lost.decision.denials).toContainEqual({
      code: 'DUPLICATE_OCCUPATION_LEVEL',
      message: '该资格已被同时提交的另一笔申请占用',
    });
    const kept = lines.filter((line) => line.personId !== sharedId);
    expect(kept.map((line) => line.isEligible)).toEqual([true, true]);
    expect(submitted.json().eligibleLineCount).toBe(2);
    expect(submitted.json().totalAmountFen).toBe(kept.reduce((sum, line) => sum + line.amountFen, 0));

    // The two kept lines hold their occupation and level and their first yearly slot; the lost
    // line holds nothing (neither its key, which the racer has, nor a slot).
    const usage = await usageOf(claim.id);
    expect(usage.map((row) => [row.person_id, row.kind])).toEqual(
      [other.personId!, third.personId!]
        .sort((a, b) => a - b)
        .flatMap((personId) => [
          [personId, 'annual_slot'],
          [personId, 'occupation_level'],
        ]),
    );
    for (const row of usage.filter((row) => row.kind === 'annual_slot'))
      expect(row.usage_key).toBe(`${row.person_id}:2021:1`);
    const racersKey = await harness.database.db
      .selectFrom('subsidy_usage')
      .select('claim_id')
      .where('kind', '=', 'occupation_level')
      .where('usage_key', '=', `${sharedId}:${racingLine.occupation_code}:${racingLine.level}`)
      .execute();
    expect(racersKey).toEqual([{ claim_id: racing.id }]);
  });
});
