import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { caller, completeClass, type Headers, publishHengyangCatalog, trainee } from './claim-support.ts';

const PAYEE_ACCOUNT = { bankName: '中国工商银行衡阳县支行', accountNumber: '1904020109000012345' };

/**
 * A person's record lists his claim lines (GET /api/persons/:id/claim-lines), each linking to its
 * claim; the claim's lines link back to the person. Only a caller who may see the person reads
 * them, and only the lines of claims that caller may see.
 */
describe('a person’s claim lines, read from the person’s record', () => {
  const clock = new ManualClock('2021-05-06T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let county: Headers;
  let school: Headers;
  let claimId: number;
  let classId: number;
  const trainees = [trainee('钱丽', '051'), trainee('孙强', '063')];

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
    county = await harness.loginAs('hy_county');
    school = await harness.loginAs('hy_school');
    await publishHengyangCatalog(harness, await harness.loginAs('hy_city'));
    classId = await completeClass(harness, {
      school,
      county,
      startDay: '2021-05-10',
      trainees,
      tag: 'LINKS',
    });
    clock.set('2021-05-24T01:00:00Z');
    const created = await call('POST', '/api/claims', school, {
      applicationDate: '2021-05-24',
      payeeAccount: PAYEE_ACCOUNT,
      claim: { source: 'class', classId, subsidyKind: 'training' },
    });
    expect(created.statusCode, created.body).toBe(201);
    claimId = created.json().id;
  });
  afterAll(async () => harness.close());

  it('the claim names each line’s person, and the person’s record lists the line with its claim', async () => {
    const claim = (await call('GET', `/api/claims/${claimId}`, county)).json();
    const line = claim.lines.find((candidate: { subject: string }) => candidate.subject.includes('钱丽'));
    expect(line.personId).toBe(trainees[0]!.personId);
    const listed = await call('GET', `/api/persons/${line.personId}/claim-lines`, county);
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().items).toEqual([
      {
        claimId,
        claimNumber: claim.claimNumber,
        subsidyKind: 'training',
        claimStatus: 'draft',
        applicationDate: '2021-05-24',
        regionCode: claim.regionCode,
        classId: claim.classId,
        lineId: line.id,
        lineNumber: line.lineNumber,
        amountFen: 120_000,
        isEligible: true,
        lineStatus: 'active',
        excludedReason: null,
      },
    ]);
    // Claim lines carry no personal data: no ID number, masked or not.
    expect(listed.body).not.toContain(trainees[0]!.idNumber.slice(6, 14));
    expect(listed.body).not.toContain('idNumber');
  });

  it('the applicant institution reads the lines of its own claims', async () => {
    const listed = await call('GET', `/api/persons/${trainees[1]!.personId}/claim-lines`, school);
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().items.map((item: { claimId: number }) => item.claimId)).toEqual([claimId]);
  });

  it('an officer of another province, or of a county elsewhere, gets 404: the person is out of scope', async () => {
    for (const loginName of ['js_province', 'nj_county']) {
      const outsider = await harness.loginAs(loginName);
      const listed = await call('GET', `/api/persons/${trainees[0]!.personId}/claim-lines`, outsider);
      expect(listed.statusCode, `${loginName}: ${listed.body}`).toBe(404);
      expect(listed.json().error.code).toBe('NOT_FOUND');
    }
  });

  it('a class lists its claims (GET /api/claims?classId=), and a class outside the caller’s scope is refused', async () => {
    const listed = await call('GET', `/api/claims?classId=${classId}`, county);
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().items.map((item: { id: number }) => item.id)).toEqual([claimId]);
    const otherClass = await call('GET', `/api/claims?classId=${classId + 1000}`, county);
    expect(otherClass.statusCode).toBeGreaterThanOrEqual(400);
    expect(otherClass.statusCode).toBeLessThan(500);
    const outsider = await harness.loginAs('js_province');
    const refused = await call('GET', `/api/claims?classId=${classId}`, outsider);
    expect([403, 404]).toContain(refused.statusCode);
  });

  it('a person nobody registered gets 404, and a role without claim.read 403', async () => {
    const unknown = await call('GET', '/api/persons/987654/claim-lines', county);
    expect(unknown.statusCode).toBe(404);
    const admin = await harness.loginAs('sysadmin');
    const refused = await call('GET', `/api/persons/${trainees[0]!.personId}/claim-lines`, admin);
    expect(refused.statusCode).toBe(403);
  });
});
