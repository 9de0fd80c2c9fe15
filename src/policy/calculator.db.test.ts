import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishHengyangCatalog } from '../../test/scenarios/claim-support.ts';
import { createTestApp, type TestApp } from '../../test/support/app.ts';

/** The public calculator: the catalog standard comes from the published catalog, cited with its version. */
describe('public calculator API (no login)', () => {
  let harness: TestApp;

  beforeAll(async () => {
    harness = await createTestApp();
    await publishHengyangCatalog(harness, await harness.loginAs('hy_city'));
  });
  afterAll(async () => harness.close());

  it('lists the published catalog in force for a Hengyang county, with the version', async () => {
    const response = await harness.app.inject({
      method: 'GET',
      url: '/api/public/catalog-entries?regionCode=430421&on=2021-06-15&pageSize=100',
    });
    expect(response.statusCode, response.body).toBe(200);
    const entry = response
      .json()
      .items.find((item: { occupationCode: string }) => item.occupationCode === '4-10-01-05');
    expect(entry).toMatchObject({
      level: 'primary',
      standardAmountFen: 120_000,
      citation: { document: '衡人社发【2019】21号', article: '六（一）' },
      version: { title: '衡阳市2021年职业技能培训补贴标准目录', regionCode: '430400' },
    });
    const before = await harness.app.inject({
      method: 'GET',
      url: '/api/public/catalog-entries?regionCode=430421&on=2020-06-15',
    });
    expect(before.json().total).toBe(0);
  });

  it('fills the standard from the catalog and answers with the amount, its citation and the catalog version', async () => {
    const response = await harness.app.inject({
      method: 'POST',
      url: '/api/public/calculate',
      payload: {
        region: '430421',
        date: '2021-06-15',
        subsidy: 'training',
        person: { groups: ['registered_unemployed'] },
        training: { filed: true, occupationCode: '4-10-01-05', level: 'primary' },
        certificate: { type: 'skill_level' },
      },
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.catalog).toMatchObject({ standardFen: 120_000, version: { versionNumber: 1 } });
    expect(body.decision).toMatchObject({ eligible: true, amountFen: 120_000, outcome: 'eligible' });
    expect(body.decision.lines[0].citation).toEqual({ doc: '衡人社发【2019】21号', article: '六（一）' });
  });

  it('an occupation outside the published catalog is not in the catalog; a missing fact comes with plain guidance', async () => {
    const outside = await harness.app.inject({
      method: 'POST',
      url: '/api/public/calculate',
      payload: {
        region: '430421',
        date: '2021-06-15',
        subsidy: 'training',
        person: { groups: ['registered_unemployed'] },
        training: { filed: true, occupationCode: '6-18-01-01', level: 'primary' },
        certificate: { type: 'skill_level' },
      },
    });
    expect(outside.json().catalog).toBeNull();
    expect(outside.json().decision.denials[0].code).toBe('NOT_IN_CATALOG');
    const missing = await harness.app.inject({
      method: 'POST',
      url: '/api/public/calculate',
      payload: {
        region: '430421',
        date: '2021-06-15',
        subsidy: 'training',
        training: { filed: true, occupationCode: '4-10-01-05', level: 'primary' },
        certificate: { type: 'skill_level' },
      },
    });
    expect(missing.json().guidance[0]).toContain('人员类别');
  });

  it('refuses bad input naming the field', async () => {
    const noRegion = await harness.app.inject({
      method: 'GET',
      url: '/api/public/catalog-entries?on=2021-06-15',
    });
    expect(noRegion.statusCode).toBe(400);
    expect(JSON.stringify(noRegion.json().error.details)).toContain('regionCode');
    const badDate = await harness.app.inject({
      method: 'POST',
      url: '/api/public/calculate',
      payload: { region: '430421', date: '2021-02-30', subsidy: 'training' },
    });
    expect(badDate.statusCode).toBe(400);
    expect(badDate.json().error.details[0].field).toBe('date');
  });
});
