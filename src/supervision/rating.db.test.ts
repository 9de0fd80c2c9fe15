import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCode } from '../../test/scenarios/training-helpers.ts';
import { createTestDatabase } from '../../test/support/database.ts';
import { SYSTEM_CONTEXT } from '../auth/audit.service.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { registerOrganisation } from '../registry/organisation.service.ts';
import { ManualClock } from '../shared/clock.ts';
import { designateHighSkillBase, recomputeRatings } from './rating.service.ts';

/**
 * The yearly check of high-skill training bases (渝人社发〔2021〕12号 六), which the ratings ask
 * the policy service for (policy/parameter.query.ts highSkillBaseCheck): the scale and the
 * article come from the Chongqing pack, and a document with no such rule revokes nothing.
 */
describe('high-skill bases at the year end', () => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase({ seeded: true });
  });
  afterAll(async () => database.close());

  it("revokes a Chongqing base below its pack's yearly scale, citing the article; a Jiangxi base is kept", async () => {
    const db = database.db;
    const institution = (regionCode: string, name: string, serial: string) =>
      registerOrganisation(db, SYSTEM_CONTEXT, {
        kind: 'institution',
        regionCode,
        name,
        creditCode: creditCode(`52${regionCode}MJJ000${serial}`),
        licenceNumber: `许可${regionCode}${serial}`,
      });
    const chongqing = await institution('500103', '渝中区高技能人才培训基地测试学校', '901');
    const jiangxi = await institution('360102', '东湖区高技能人才培训基地测试学校', '902');
    for (const organisation of [chongqing, jiangxi])
      await designateHighSkillBase(db, SYSTEM_CONTEXT, {
        organisationId: organisation.id,
        baseLevel: 'national',
        designatedOn: '2021-03-01',
      });

    const result = await recomputeRatings(
      db,
      SYSTEM_CONTEXT,
      { year: 2021, institutionIds: [chongqing.id, jiangxi.id] },
      new ManualClock('2022-01-05'),
    );

    expect(result.revokedBases).toEqual([
      { organisationId: chongqing.id, baseLevel: 'national', advancedPersonTimes: 0 },
    ]);
    const bases = await db
      .selectFrom('high_skill_base')
      .select(['organisation_id', 'status', 'revoke_reason'])
      .where('organisation_id', 'in', [chongqing.id, jiangxi.id])
      .orderBy('organisation_id')
      .execute();
    expect(bases).toEqual([
      {
        organisation_id: chongqing.id,
        status: 'revoked',
        revoke_reason: '2021年高级工及以上培训 0 人次，未达到渝人社发〔2021〕12号 六规定的年度规模',
      },
      { organisation_id: jiangxi.id, status: 'active', revoke_reason: null },
    ]);
  });
});
