import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { caller, type Headers } from './claim-support.ts';
import { creditCode } from './training-helpers.ts';

/** The two catalogs enforced: admissions within the licence; a superseded version ends. */
describe('the catalogs enforced: institution admissions within the licence, superseded catalog versions end', () => {
  const clock = new ManualClock('2021-05-06T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let county: Headers;
  let city: Headers;

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
    county = await harness.loginAs('hy_county');
    city = await harness.loginAs('hy_city');
  });
  afterAll(async () => harness.close());

  it('an admission outside the licensed occupations or after the licence expired is refused; the admission ends with the licence', async () => {
    const institution = await call('POST', '/api/organisations', county, {
      kind: 'institution',
      regionCode: '430421',
      name: '衡阳县许可期限培训学校',
      creditCode: creditCode('52430421MJJ00077X'.slice(0, 17)),
      licenceNumber: '湘人社民培430421077',
      licenceValidTo: '2021-12-31',
      capacity: 50,
      allowedOccupationCodes: ['4-10-01-05'],
    });
    expect(institution.statusCode, institution.body).toBe(201);
    const admit = (occupationCode: string, validFrom: string) =>
      call('POST', '/api/catalog/institutions', county, {
        institutionId: institution.json().id,
        occupationCode,
        level: 'primary',
        regionCode: '430421',
        validFrom,
      });
    const outside = await admit('4-03-02-01', '2021-05-01');
    expect(outside.statusCode).toBe(422);
    expect(outside.json().error.details[0].field).toBe('occupationCode');
    const expired = await admit('4-10-01-05', '2022-01-01');
    expect(expired.statusCode).toBe(422);
    expect(expired.json().error.details[0].field).toBe('validFrom');
    const admitted = await admit('4-10-01-05', '2021-05-01');
    expect(admitted.statusCode, admitted.body).toBe(201);
    expect(admitted.json().validTo).toBe('2021-12-31');
  });

  it('publishing a new catalog version ends the superseded one the day before: a dropped occupation no longer pays', async () => {
    const publish = async (effectiveFrom: string, occupationCodes: string[]) => {
      const version = await call('POST', '/api/catalog/versions', city, {
        regionCode: '430400',
        title: `衡阳市补贴目录 ${effectiveFrom}`,
        effectiveFrom,
        citation: { document: '衡人社发【2019】21号', article: '六（一）' },
        entries: occupationCodes.map((occupationCode) => ({
          occupationCode,
          level: 'primary',
          standardAmountFen: 100_000,
          standardDays: 10,
          standardClassHours: 60,
        })),
      });
      expect(version.statusCode, version.body).toBe(201);
      const published = await call('POST', `/api/catalog/versions/${version.json().id}/publish`, city);
      expect(published.statusCode, published.body).toBe(200);
      return version.json().id as number;
    };
    const first = await publish('2021-01-01', ['4-10-01-05', '4-03-02-01']);
    await publish('2021-07-01', ['4-10-01-05']);
    const old = (await call('GET', `/api/catalog/versions/${first}`, city)).json();
    expect(old).toMatchObject({ status: 'superseded', effectiveTo: '2021-06-30' });
    const entries = await harness.database.db
      .selectFrom('catalog_entry')
      .select(['occupation_code', 'effective_to'])
      .where('version_id', '=', first)
      .execute();
    expect(entries.map((entry) => entry.effective_to)).toEqual(['2021-06-30', '2021-06-30']);
  });
});
