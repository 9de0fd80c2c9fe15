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

const PAYEE_ACCOUNT = { bankName: '中国建设银行衡阳分行', accountNumber: '43050100000000001' };

/**
 * The races here are real only on PostgreSQL, where each request runs on its own pooled
 * connection: CI runs this file a second time with DATABASE_URL set, and that run is the proof
 * that the database (the unique keys of subsidy_usage) lets exactly one of two racing claims
 * take an entitlement. PGlite has one connection and serialises the transactions, so on the
 * embedded database the same tests only check the sequential outcome (the later claim finds the
 * earlier one in its history) — which must be the same outcome.
 */
describe('claims under concurrency and retries', () => {
  const clock = new ManualClock('2021-04-01T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let county: Headers;
  let city: Headers;
  let school: Headers;
  let classA: number;
  let classB: number;
  const shared = trainee('钱进', '051');
  const certificateHolder = trainee('孙立', '061');
  const frequent = trainee('冯雪', '071');
  /** Classes filed (and approved) on 28 April for the certificate and yearly-limit races. */
  let certificateClass: number;
  const frequentClasses: number[] = [];

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
    county = await harness.loginAs('hy_county');
    city = await harness.loginAs('hy_city');
    school = await harness.loginAs('hy_school');
    await publishHengyangCatalog(harness, city);
    // The same person in two classes of the same occupation and level, one after the other.
    classA = await completeClass(harness, {
      school,
      county,
      startDay: '2021-04-05',
      trainees: [shared],
      tag: 'RA',
    });
    classB = await completeClass(harness, {
      school,
      county,
      startDay: '2021-04-12',
      trainees: [shared],
      tag: 'RB',
    });
    clock.set('2021-04-19T01:00:00Z');
  });

  /**
   * Files, approves and completes the classes of the two later races while the clock stands on
   * 28 April (before each starts). 冯雪 takes four trainings of four different occupations at
   * the primary level, one a week, each in the city catalog (some through a county catalog).
   */
  const prepareLaterRaces = async () => {
    clock.set('2021-04-28T01:00:00Z');
    const county430421 = await call('POST', '/api/catalog/versions', city, {
      regionCode: '430421',
      title: '衡阳县2021年补充培训项目目录',
      effectiveFrom: '2021-01-01',
      citation: { document: '衡人社发【2019】21号', article: '六（一）' },
      entries: ['4-10-01-01', '4-10-01-02', '4-10-01-06'].map((occupationCode) => ({
        occupationCode,
        level: 'primary',
        standardAmountFen: 90_000,
        standardDays: 10,
        standardClassHours: 60,
      })),
    });
    expect(county430421.statusCode, county430421.body).toBe(201);
    const published = await call('POST', `/api/catalog/versions/${county430421.json().id}/publish`, city);
    expect(published.statusCode, published.body).toBe(200);
    certificateClass = await completeClass(harness, {
      school,
      county,
      startDay: '2021-05-03',
      trainees: [certificateHolder],
      tag: 'RC',
    });
    const schedule: [string, string][] = [
      ['2021-05-03', '4-03-02-01'],
      ['2021-05-10', '4-10-01-01'],
      ['2021-05-17', '4-10-01-02'],
      ['2021-05-24', '4-10-01-06'],
    ];
    for (const [index, [startDay, occupationCode]] of schedule.entries()) {
      frequentClasses.push(
        await completeClass(harness, {
          school,
          county,
          startDay,
          trainees: [frequent],
          occupationCode,
          tag: `RY${index + 1}`,
        }),
      );
    }
    clock.set('2021-06-01T01:00:00Z');
  };
  afterAll(async () => harness.close());

  const createFor = (classId: number, key?: string, applicationDate = '2021-04-19') =>
    call(
      'POST',
      '/api/claims',
      school,
      {
        applicationDate,
        payeeAccount: PAYEE_ACCOUNT,
        claim: { source: 'class', classId, subsidyKind: 'training' },
      },
      key ? { 'idempotency-key': key } : {},
    );

  /** Creates a draft claim for the class on 1 June 2021 with its materials; both racers look eligible. */
  const draftFor = async (classId: number) => {
    const created = await createFor(classId, undefined, '2021-06-01');
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().lines[0].isEligible).toBe(true);
    await uploadRequiredMaterials(harness, created.json().id, school);
    return created.json().id as number;
  };

  /** Submits the two claims at the same moment; exactly one line stays eligible. */
  const race = async (claimIds: [number, number], denialCode: string) => {
    const submitted = await Promise.all(
      claimIds.map((claimId) => call('POST', `/api/claims/${claimId}/submit`, school)),
    );
    for (const response of submitted) expect(response.statusCode, response.body).toBe(200);
    const lines = submitted.map((response) => response.json().lines[0]);
    expect(lines.filter((line) => line.isEligible)).toHaveLength(1);
    const denied = lines.find((line) => !line.isEligible);
    expect(denied.decision.denials.map((denial: { code: string }) => denial.code)).toContain(denialCode);
    const totals = submitted.map((response) => response.json().totalAmountFen as number).sort();
    expect(totals[0]).toBe(0);
    expect(totals[1]).toBeGreaterThan(0);
  };

  it('a retried submission with the same Idempotency-Key returns the first claim; another body is refused', async () => {
    const attempts = await Promise.all([1, 2, 3, 4, 5].map(() => createFor(classA, 'retry-key-0001')));
    for (const attempt of attempts) expect(attempt.statusCode, attempt.body).toBe(201);
    const ids = new Set(attempts.map((attempt) => attempt.json().id));
    expect(ids.size).toBe(1);
    const claims = await harness.database.db
      .selectFrom('claim')
      .select('id')
      .where('class_id', '=', classA)
      .execute();
    expect(claims).toHaveLength(1);
    const otherBody = await createFor(classB, 'retry-key-0001');
    expect(otherBody.statusCode).toBe(409);
    expect(otherBody.json().error.code).toBe('IDEMPOTENCY_CONFLICT');
  });

  it('two claims racing for the same occupation and level yield exactly one approval', async () => {
    const claimA = (
      await harness.database.db
        .selectFrom('claim')
        .select('id')
        .where('class_id', '=', classA)
        .executeTakeFirstOrThrow()
    ).id;
    const created = await createFor(classB);
    expect(created.statusCode, created.body).toBe(201);
    const claimB = created.json().id as number;
    // Both drafts look eligible on their own: neither is in the other's history yet.
    expect(created.json().lines[0].isEligible).toBe(true);
    await uploadRequiredMaterials(harness, claimA, school);
    await uploadRequiredMaterials(harness, claimB, school);

    const [submittedA, submittedB] = await Promise.all([
      call('POST', `/api/claims/${claimA}/submit`, school),
      call('POST', `/api/claims/${claimB}/submit`, school),
    ]);
    expect(submittedA.statusCode, submittedA.body).toBe(200);
    expect(submittedB.statusCode, submittedB.body).toBe(200);
    const lines = [submittedA.json().lines[0], submittedB.json().lines[0]];
    expect(lines.filter((line) => line.isEligible)).toHaveLength(1);
    const denied = lines.find((line) => !line.isEligible);
    expect(denied.decision.denials.map((denial: { code: string }) => denial.code)).toContain(
      'DUPLICATE_OCCUPATION_LEVEL',
    );
    const usage = await harness.database.db
      .selectFrom('subsidy_usage')
      .selectAll()
      .where('kind', '=', 'occupation_level')
      .execute();
    expect(usage).toHaveLength(1);

    const approvals = [];
    for (const claimId of [claimA, claimB]) {
      expect((await call('POST', `/api/claims/${claimId}/review`, county, {})).statusCode).toBe(200);
      expect((await call('POST', `/api/claims/${claimId}/start-notice`, county, {})).statusCode).toBe(200);
    }
    clock.set('2021-04-27T01:00:00Z');
    for (const claimId of [claimA, claimB])
      approvals.push(await call('POST', `/api/claims/${claimId}/approve`, city, {}));
    expect(approvals.filter((response) => response.statusCode === 200)).toHaveLength(1);
    const refused = approvals.find((response) => response.statusCode !== 200)!;
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.details[0].field).toBe('totalAmountFen');
  });

  it('a claim with a wrong field is refused with the field named, and nothing is written', async () => {
    const before = await harness.database.db.selectFrom('claim').select('id').execute();
    const response = await call('POST', '/api/claims', school, {
      applicationDate: '2021-13-01',
      payeeAccount: { bankName: '工行', accountNumber: 'abc' },
      claim: { source: 'class', classId: 'x', subsidyKind: 'training' },
    });
    expect(response.statusCode).toBe(400);
    const fields = response.json().error.details.map((detail: { field: string }) => detail.field);
    expect(fields).toEqual(expect.arrayContaining(['applicationDate', 'payeeAccount.accountNumber']));
    const future = await call('POST', '/api/claims', school, {
      applicationDate: '2021-12-31',
      payeeAccount: PAYEE_ACCOUNT,
      claim: { source: 'class', classId: classA, subsidyKind: 'training' },
    });
    expect(future.statusCode).toBe(422);
    expect(future.json().error.details[0].field).toBe('applicationDate');
    expect(await harness.database.db.selectFrom('claim').select('id').execute()).toHaveLength(before.length);
  });

  it('claims created at the same moment in one region get distinct, consecutive claim numbers', async () => {
    // On PostgreSQL these run on separate connections; before the per-prefix lock two of them read
    // the same sequence value and the loser's insert failed with a unique violation (a 500).
    // Each class already has its training claim: of six racing requests, the two living-allowance
    // claims (one per class) are created and the four training ones are refused (one live claim
    // per class and kind), never a 500.
    const requests = [
      [classA, 'living_allowance'],
      [classB, 'living_allowance'],
      [classA, 'training'],
      [classB, 'training'],
      [classA, 'training'],
      [classB, 'training'],
    ] as const;
    const responses = await Promise.all(
      requests.map(([classId, subsidyKind]) =>
        call('POST', '/api/claims', school, {
          applicationDate: '2021-04-19',
          payeeAccount: PAYEE_ACCOUNT,
          claim: { source: 'class', classId, subsidyKind },
        }),
      ),
    );
    for (const response of responses.slice(2)) expect(response.json().error.code).toBe('CLAIM_EXISTS');
    const created = responses.slice(0, 2);
    for (const response of created) expect(response.statusCode, response.body).toBe(201);
    const numbers = created.map((response) => response.json().claimNumber as string).sort();
    expect(new Set(numbers).size).toBe(numbers.length);
    const sequence = numbers.map((claimNumber) => Number(claimNumber.slice(-6)));
    expect(sequence).toEqual(sequence.map((_, index) => sequence[0]! + index));
    for (const response of created) {
      expect(response.json().claimNumber).toMatch(new RegExp(`^BT${response.json().regionCode}2021\\d{6}$`));
    }
  });

  it('a certificate’s subsidy is claimed once: a second claim for its class is refused', async () => {
    await prepareLaterRaces();
    // A second claim for the same completed class (same trainee, same certificate) is refused
    // outright; the one claim reserves the certificate once — through the trainee's occupation
    // and level, which a training line's certificate (its class's own) always shares.
    const claimId = await draftFor(certificateClass);
    const second = await createFor(certificateClass, undefined, '2021-06-01');
    expect(second.json().error.code).toBe('CLAIM_EXISTS');
    const submitted = await call('POST', `/api/claims/${claimId}/submit`, school);
    expect(submitted.statusCode, submitted.body).toBe(200);
    const claims = [claimId];
    const certificate = await harness.database.db
      .selectFrom('certificate')
      .select('id')
      .where('class_id', '=', certificateClass)
      .executeTakeFirstOrThrow();
    const usage = await harness.database.db
      .selectFrom('subsidy_usage')
      .select(['claim_id', 'kind', 'usage_key'])
      .where('claim_line_id', 'in', (query) =>
        query.selectFrom('claim_line').select('id').where('certificate_id', '=', certificate.id),
      )
      .where('kind', '!=', 'annual_slot')
      .execute();
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ kind: 'occupation_level' });
    expect(claims).toContain(usage[0]!.claim_id);
  });

  it('two claims racing for a person’s last yearly subsidy (different occupations): exactly one gets it', async () => {
    // Two trainings already subsidised in 2021: the yearly limit (3) leaves one.
    for (const classId of frequentClasses.slice(0, 2)) {
      const claimId = await draftFor(classId);
      const submitted = await call('POST', `/api/claims/${claimId}/submit`, school);
      expect(submitted.statusCode, submitted.body).toBe(200);
      expect(submitted.json().lines[0].isEligible).toBe(true);
    }
    const claims: [number, number] = [
      await draftFor(frequentClasses[2]!),
      await draftFor(frequentClasses[3]!),
    ];
    await race(claims, 'ANNUAL_LIMIT_REACHED');
    const slots = await harness.database.db
      .selectFrom('subsidy_usage')
      .select(['usage_key', 'claim_id'])
      .where('kind', '=', 'annual_slot')
      .where('usage_key', 'like', `${frequent.personId}:2021:%`)
      .execute();
    expect(slots.map((slot) => slot.usage_key).sort()).toEqual(
      [1, 2, 3].map((slot) => `${frequent.personId}:2021:${slot}`),
    );
    expect(slots.filter((slot) => claims.includes(slot.claim_id))).toHaveLength(1);
  });
});
