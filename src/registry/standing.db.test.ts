import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database.ts';
import { SYSTEM_CONTEXT } from '../auth/audit.service.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { AppError } from '../shared/errors.ts';
import { changeOrganisationStatus } from './organisation.service.ts';
import { assertOrganisationInGoodStanding } from './standing.service.ts';

describe('assertOrganisationInGoodStanding', () => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase({ seeded: true });
  });
  afterAll(async () => database.close());

  it('lets an active organisation act and refuses it, naming the field, while blacklisted', async () => {
    const { id } = await database.db
      .selectFrom('organisation')
      .select('id')
      .where('kind', '=', 'institution')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const options = { field: 'institutionId', action: '申请补贴' };
    expect((await assertOrganisationInGoodStanding(database.db, id, options)).id).toBe(id);
    await changeOrganisationStatus(database.db, SYSTEM_CONTEXT, id, {
      status: 'blacklisted',
      effectiveDate: '2021-05-01',
      reason: '虚假培训',
    });
    const refusal = await assertOrganisationInGoodStanding(database.db, id, options).catch((error) => error);
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal.code).toBe('ORGANISATION_SANCTIONED');
    expect(refusal.statusCode).toBe(409);
    expect(refusal.details[0].field).toBe('institutionId');
    expect(refusal.message).toContain('黑名单');
  });

  it('answers 404 for an organisation that does not exist', async () => {
    const refusal = await assertOrganisationInGoodStanding(database.db, 987_654, {
      field: 'organisationId',
      action: '开班',
    }).catch((error) => error);
    expect(refusal.code).toBe('NOT_FOUND');
  });
});
