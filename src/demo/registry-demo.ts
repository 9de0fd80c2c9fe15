import { SYSTEM_CONTEXT } from '../auth/audit.service.ts';
import type { Executor } from '../db/database.ts';
import { addInstitutionCatalogEntry } from '../registry/catalog.service.ts';
import { upsertOccupations } from '../registry/occupation.service.ts';
import { OCCUPATION_SEED } from '../registry/occupations.data.ts';
import { createOrganisationOperator, registerOrganisation } from '../registry/organisation.service.ts';
import { importJurisdictionRegions } from '../registry/region.service.ts';

/** The demo training institution in 衡阳县 and its operator account (password: the demo password). */
export const DEMO_INSTITUTION = {
  kind: 'institution',
  regionCode: '430421',
  name: '衡阳县职业技能培训学校',
  creditCode: '52430421MJJ0000014',
  licenceNumber: '湘人社民培430421001',
  capacity: 200,
  allowedOccupationCodes: [
    '4-10-01-05',
    '4-03-02-01',
    '6-18-02-04',
    '4-10-01-01',
    '4-10-01-02',
    '4-10-01-06',
  ],
} as const;

export const DEMO_INSTITUTION_OPERATOR = {
  loginName: 'hy_school',
  displayName: '衡阳县职业技能培训学校 教务',
} as const;

/**
 * Every region of the five jurisdictions, the occupation seed, and the demo institution with
 * its operator. Idempotent: runs inside seedDemo's transaction.
 */
export async function seedRegistryDemo(executor: Executor, password: string): Promise<void> {
  await importJurisdictionRegions(executor);
  await upsertOccupations(executor, OCCUPATION_SEED);
  const existing = await executor
    .selectFrom('organisation')
    .select('id')
    .where('kind', '=', 'institution')
    .where('credit_code', '=', DEMO_INSTITUTION.creditCode)
    .executeTakeFirst();
  if (existing) return;
  // Registered on the day the county admitted it to the catalog (below), not on the machine's date.
  const institution = await registerOrganisation(
    executor,
    { ...SYSTEM_CONTEXT, businessDate: '2019-01-01' },
    {
      ...DEMO_INSTITUTION,
      allowedOccupationCodes: [...DEMO_INSTITUTION.allowedOccupationCodes],
    },
  );
  // The county admitted it to the institution catalog (机构目录) for its licensed occupations at
  // the primary and intermediate levels, for the whole city, so its classes may be filed.
  for (const occupationCode of DEMO_INSTITUTION.allowedOccupationCodes)
    for (const level of ['primary', 'intermediate'] as const)
      await addInstitutionCatalogEntry(executor, SYSTEM_CONTEXT, {
        institutionId: institution.id,
        occupationCode,
        level,
        regionCode: '430400',
        validFrom: '2019-01-01',
      });
  const user = await executor
    .selectFrom('app_user')
    .select('id')
    .where('login_name', '=', DEMO_INSTITUTION_OPERATOR.loginName)
    .executeTakeFirst();
  if (!user)
    await createOrganisationOperator(executor, SYSTEM_CONTEXT, institution.id, {
      ...DEMO_INSTITUTION_OPERATOR,
      password,
    });
}
