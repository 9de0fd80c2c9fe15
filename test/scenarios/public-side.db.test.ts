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

/**
 * The public side without login (issue 21, finding 4): the published catalogs, the institution
 * catalog and the claims in their public notice (公示) are readable by anyone; a notice names no
 * person, and leaves the list when its period ends.
 */
describe('the public reads catalogs and current notices without logging in', () => {
  const clock = new ManualClock('2021-05-06T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let county: Headers;
  let city: Headers;
  let school: Headers;
  let claimNumber: string;
  const trainees = [trainee('周敏', '121'), trainee('吴刚', '133'), trainee('郑洁', '142')];
  const anonymous = (url: string) => harness.app.inject({ method: 'GET', url });

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
    county = await harness.loginAs('hy_county');
    city = await harness.loginAs('hy_city');
    school = await harness.loginAs('hy_school');
    await publishHengyangCatalog(harness, city);
  });
  afterAll(async () => harness.close());

  it('reads occupations and the published standards in force', async () => {
    const occupations = await anonymous('/api/occupations?search=养老护理员');
    expect(occupations.statusCode, occupations.body).toBe(200);
    expect(occupations.json().items.map((item: { code: string }) => item.code)).toContain('4-10-01-05');
    const standards = await anonymous('/api/public/catalog-entries?regionCode=430421&on=2021-05-06');
    expect(standards.statusCode, standards.body).toBe(200);
    expect(standards.json().items).toContainEqual(
      expect.objectContaining({ occupationCode: '4-10-01-05', standardAmountFen: 120_000 }),
    );
    // The officers' catalog administration stays behind login.
    expect((await anonymous('/api/catalog/versions')).statusCode).toBe(401);
  });

  it('reads the institution catalog in force, institutions by name', async () => {
    const me = (await call('GET', '/api/auth/me', school)).json();
    const added = await call('POST', '/api/catalog/institutions', city, {
      institutionId: me.organisationId,
      occupationCode: '4-10-01-05',
      level: 'primary',
      regionCode: '430421',
      validFrom: '2021-01-01',
    });
    expect(added.statusCode, added.body).toBe(201);
    const listed = await anonymous('/api/public/institution-catalog?regionCode=430400&on=2021-05-06');
    expect(listed.statusCode, listed.body).toBe(200);
    const entry = listed.json().items.find((item: { id: number }) => item.id === added.json().id);
    expect(entry).toMatchObject({ occupationCode: '4-10-01-05', level: 'primary', regionCode: '430421' });
    expect(entry.institutionName).toEqual(expect.any(String));
    expect(entry.occupationName).toBe('养老护理员');
    const before = await anonymous('/api/public/institution-catalog?regionCode=430400&on=2020-12-31');
    expect(before.json().items.some((item: { id: number }) => item.id === added.json().id)).toBe(false);
  });

  it('lists a claim in its public notice with organisation, class, head count and amount, and no person', async () => {
    const classId = await completeClass(harness, {
      school,
      county,
      startDay: '2021-05-10',
      trainees,
      tag: 'PUB',
    });
    clock.set('2021-05-24T01:00:00Z');
    const created = await call('POST', '/api/claims', school, {
      applicationDate: '2021-05-24',
      payeeAccount: { bankName: '中国工商银行衡阳县支行', accountNumber: '1904020109000012345' },
      claim: { source: 'class', classId, subsidyKind: 'training' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const claimId = created.json().id;
    claimNumber = created.json().claimNumber;
    await uploadRequiredMaterials(harness, claimId, school);
    expect((await call('POST', `/api/claims/${claimId}/submit`, school)).statusCode).toBe(200);
    expect((await call('POST', `/api/claims/${claimId}/review`, county, {})).statusCode).toBe(200);
    expect((await anonymous('/api/public/notices')).json().items).toEqual([]);
    const notice = await call('POST', `/api/claims/${claimId}/start-notice`, county, {});
    expect(notice.statusCode, notice.body).toBe(200);
    // The officer's claim detail names its class (the web links it to roster and attendance).
    const detail = await call('GET', `/api/claims/${claimId}`, county);
    expect(detail.json()).toMatchObject({ classId, className: '养老护理员（初级）PUB' });

    const listed = await anonymous('/api/public/notices?regionCode=430400');
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().total).toBe(1);
    expect(listed.json().items[0]).toMatchObject({
      claimNumber,
      regionCode: '430421',
      subsidyKind: 'training',
      className: '养老护理员（初级）PUB',
      lineCount: 3,
      totalAmountFen: 360_000,
      noticeStartsOn: '2021-05-24',
      noticeEndsOn: '2021-05-28',
    });
    expect(listed.json().items[0].applicantName).toEqual(expect.any(String));
    for (const person of trainees) {
      expect(listed.body).not.toContain(person.name);
      expect(listed.body).not.toContain(person.idNumber);
    }
    expect(listed.body).not.toContain('1904020109000012345');
    expect((await anonymous('/api/public/notices?regionCode=320000')).json().items).toEqual([]);
  });

  it('drops the claim from the list once the notice period has ended', async () => {
    clock.set('2021-05-31T01:00:00Z');
    const listed = await anonymous('/api/public/notices');
    expect(listed.json().items.map((item: { claimNumber: string }) => item.claimNumber)).not.toContain(
      claimNumber,
    );
  });
});
