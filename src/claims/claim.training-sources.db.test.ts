import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCode, idNumber } from '../../test/scenarios/training-helpers.ts';
import { createTestDatabase } from '../../test/support/database.ts';
import { SYSTEM_CONTEXT } from '../auth/audit.service.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { type Organisation, registerOrganisation } from '../registry/organisation.service.ts';
import { type Person, registerPerson } from '../registry/person.service.ts';
import { employersOn } from './claim.training-sources.ts';

let database: DatabaseHandle;

beforeAll(async () => {
  database = await createTestDatabase({ seeded: true });
});

afterAll(async () => {
  await database?.close();
});

describe('employersOn (the employer facts of a class claim, read for all trainees at once)', () => {
  it('picks, per person, the record running on the day that started last, and skips the others', async () => {
    const db = database.db;
    const enterprise = (index: number, enterpriseSize: 'small' | 'medium') =>
      registerOrganisation(db, SYSTEM_CONTEXT, {
        kind: 'enterprise',
        regionCode: '430405',
        name: `衡阳测试企业${index}`,
        creditCode: creditCode(`91430405MA4L0000${index}`),
        enterpriseSize,
      });
    const person = (index: number, name: string) =>
      registerPerson(db, SYSTEM_CONTEXT, {
        name,
        idNumber: idNumber('430405', '19880808', `01${index}`),
        registeringRegionCode: '430405',
      });
    const first = await enterprise(1, 'small');
    const second = await enterprise(2, 'medium');
    const changedJob = await person(1, '甲某');
    const endedBefore = await person(2, '乙某');
    const noRecord = await person(3, '丙某');
    const startsLater = await person(4, '丁某');
    const record = (
      person: Person,
      enterprise: Organisation,
      start: string,
      end: string | null,
      contractMonths: number,
    ) => ({
      province_code: enterprise.provinceCode,
      enterprise_id: enterprise.id,
      person_id: person.id,
      person_province_code: person.provinceCode,
      contract_months: contractMonths,
      start_date: start,
      end_date: end,
    });
    await db
      .insertInto('employment_record')
      .values([
        // Still employed by the first enterprise, and since March also by the second: the later wins.
        record(changedJob, first, '2020-01-01', null, 36),
        record(changedJob, second, '2021-03-01', '2023-02-28', 24),
        // Left before the class started.
        record(endedBefore, first, '2019-01-01', '2021-05-31', 12),
        // Hired after the class started.
        record(startsLater, second, '2021-07-01', null, 12),
      ])
      .execute();

    const employers = await employersOn(
      db,
      [changedJob.id, endedBefore.id, noRecord.id, startsLater.id, changedJob.id],
      '2021-06-07',
    );

    expect([...employers.keys()]).toEqual([changedJob.id]);
    const employer = employers.get(changedJob.id)!;
    expect(employer.enterpriseId).toBe(second.id);
    expect(employer.facts).toMatchObject({ contractMonths: 24, start: '2021-03-01', end: '2023-02-28' });
    expect(await employersOn(db, [], '2021-06-07')).toEqual(new Map());
  });
});
