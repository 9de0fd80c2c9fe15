import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { caller, completeClass, type Headers, publishHengyangCatalog, trainee } from './claim-support.ts';

const PAYEE_ACCOUNT = { bankName: '中国工商银行衡阳县支行', accountNumber: '1904020109000012345' };

/**
 * Certificates: numbers normalised and unique per issuer whatever the type; revocation by the
 * issuer with a reason (audited) shows in public verification and holds the subsidy claimed on it.
 */
describe('certificates from their issuers: one number per issuer, revocation shown publicly and holding the subsidy', () => {
  const clock = new ManualClock('2021-05-06T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let county: Headers;
  let school: Headers;
  let classId: number;
  const trainees = [trainee('证书甲', '811'), trainee('证书乙', '823')];
  const numberOf = (index: number) => `HY-CERT-${trainees[index]!.personId}`;
  const certificates = async () =>
    (await call('GET', `/api/certificates?classId=${classId}`, school)).json().items as Array<{
      id: number;
      personId: number;
      certificateNumber: string;
      revokedOn: string | null;
    }>;

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
    county = await harness.loginAs('hy_county');
    school = await harness.loginAs('hy_school');
    await publishHengyangCatalog(harness, await harness.loginAs('hy_city'));
    classId = await completeClass(harness, { school, county, startDay: '2021-05-10', trainees, tag: 'CERT' });
    clock.set('2021-05-17T01:00:00Z');
  });
  afterAll(async () => harness.close());

  it('a number with blanks or full-width characters is the same number: refused again for the issuer, whatever the type', async () => {
    const [first] = await certificates();
    expect(first!.certificateNumber).toBe(numberOf(0));
    const fullWidth = numberOf(0).replace(/[A-Z0-9-]/g, (char) =>
      String.fromCharCode(char.charCodeAt(0) + 0xfee0),
    );
    for (const [certificateNumber, certificateType] of [
      [` ${numberOf(0)} `, 'training_qualified'],
      [fullWidth, 'training_qualified'],
      [numberOf(0), 'special_operation'],
    ]) {
      const refused = await call('POST', '/api/certificates', school, {
        personId: trainees[1]!.personId,
        classId,
        certificateType,
        certificateNumber,
        // The institution's registered name: the issuer of its 培训合格证.
        issuer: '衡阳县职业技能培训学校',
        issuedOn: '2021-05-13',
      });
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.json().error).toMatchObject({
        code: 'DUPLICATE_CERTIFICATE',
        details: [{ field: 'certificateNumber', certificateId: first!.id }],
      });
    }
    const verified = await call('POST', '/api/public/certificates/verify', {} as Headers, {
      number: ` ${fullWidth} `,
      name: trainees[0]!.name,
    });
    expect(verified.json()).toMatchObject({ valid: true, certificateType: 'training_qualified' });
  });

  it('a training certificate needs the institution’s own filed class', async () => {
    const noClass = await call('POST', '/api/certificates', school, {
      personId: trainees[1]!.personId,
      certificateType: 'training_qualified',
      certificateNumber: 'HY-NOCLASS-1',
      issuer: '衡阳县人力资源和社会保障局',
      issuedOn: '2021-05-13',
    });
    expect(noClass.statusCode).toBe(422);
    expect(noClass.json().error.details[0].field).toBe('classId');
  });

  it('a training certificate is the institution’s, at its class’s occupation and level: another issuer text does not make a used number new', async () => {
    const before = await certificates();
    const [first] = before;
    // The issuer of a 培训合格证 is the institution that ran the class, by its registered name.
    expect(first).toMatchObject({ issuer: '衡阳县职业技能培训学校' });
    const base = {
      personId: trainees[1]!.personId,
      classId,
      certificateType: 'training_qualified',
      issuedOn: '2021-05-13',
    };
    const renamed = await call('POST', '/api/certificates', school, {
      ...base,
      certificateNumber: numberOf(0),
      issuer: '任意机构',
    });
    expect(renamed.statusCode, renamed.body).toBe(409);
    expect(renamed.json().error).toMatchObject({
      code: 'DUPLICATE_CERTIFICATE',
      details: [{ field: 'certificateNumber', certificateId: first!.id }],
    });
    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ level: 'intermediate' }, 'level'],
      [{ occupationCode: '4-03-02-01' }, 'occupationCode'],
    ];
    for (const [extra, field] of refusals) {
      const refused = await call('POST', '/api/certificates', school, {
        ...base,
        certificateNumber: `HY-OTHER-${field}`,
        issuer: '衡阳县职业技能培训学校',
        ...extra,
      });
      expect(refused.statusCode, `${field}: ${refused.body}`).toBe(422);
      expect(refused.json().error.details[0].field).toBe(field);
    }
    expect(await certificates()).toHaveLength(before.length);
  });

  it('revocation: bad input names the field and changes nothing; another organisation cannot revoke', async () => {
    const [first] = await certificates();
    const url = `/api/certificates/${first!.id}/revoke`;
    const noReason = await call('POST', url, school, {});
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.details[0].field).toBe('reason');
    const empty = await call('POST', url, school, { reason: '' });
    expect(empty.statusCode).toBe(400);
    const unknown = await call('POST', '/api/certificates/999999/revoke', school, { reason: '错发' });
    expect(unknown.statusCode).toBe(404);
    const officer = await call('POST', url, county, { reason: '错发' });
    expect(officer.statusCode).toBe(403);
    expect((await certificates()).every((certificate) => certificate.revokedOn === null)).toBe(true);
  });

  it('the issuer revokes a certificate: public verification shows it revoked, the unpaid line on it is excluded', async () => {
    const created = await call('POST', '/api/claims', school, {
      applicationDate: '2021-05-17',
      payeeAccount: PAYEE_ACCOUNT,
      claim: { source: 'class', classId, subsidyKind: 'training' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const [first] = await certificates();
    const revoked = await call('POST', `/api/certificates/${first!.id}/revoke`, school, {
      reason: '考核作弊',
    });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json()).toMatchObject({
      certificate: { id: first!.id, revokedOn: '2021-05-17', revocationReason: '考核作弊' },
      heldClaimIds: [created.json().id],
      toRecoverFen: 0,
    });
    const again = await call('POST', `/api/certificates/${first!.id}/revoke`, school, { reason: '重复' });
    expect(again.statusCode).toBe(409);
    const verified = await call('POST', '/api/public/certificates/verify', {} as Headers, {
      number: numberOf(0),
      name: trainees[0]!.name,
    });
    expect(verified.json()).toMatchObject({
      valid: false,
      isRevoked: true,
      revokedOn: '2021-05-17',
      revocationReason: '考核作弊',
    });
    const claim = (await call('GET', `/api/claims/${created.json().id}`, county)).json();
    const line = claim.lines.find(
      (candidate: { personId: number }) => candidate.personId === first!.personId,
    );
    expect(line).toMatchObject({ status: 'excluded' });
    expect(line.excludedReason).toContain('证书已撤销');
    const audit = await harness.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'certificate.revoke')
      .execute();
    expect(audit).toHaveLength(1);
  });
  it('a certificate revoked before the claim is no certificate: its holder’s line is not paid on it', async () => {
    clock.set('2021-05-06T01:00:00Z');
    const pair = [trainee('撤证在先甲', '835'), trainee('撤证在先乙', '847')];
    const ownClass = await completeClass(harness, {
      school,
      county,
      startDay: '2021-05-10',
      trainees: pair,
      tag: 'REVOKED-FIRST',
    });
    clock.set('2021-05-17T01:00:00Z');
    const issued = (await call('GET', `/api/certificates?classId=${ownClass}`, school)).json()
      .items as Array<{
      id: number;
      personId: number;
    }>;
    const revokedOne = issued.find((certificate) => certificate.personId === pair[0]!.personId)!;
    const revoked = await call('POST', `/api/certificates/${revokedOne.id}/revoke`, school, {
      reason: '考核作弊',
    });
    expect(revoked.statusCode, revoked.body).toBe(200);
    const created = await call('POST', '/api/claims', school, {
      applicationDate: '2021-05-17',
      payeeAccount: PAYEE_ACCOUNT,
      claim: { source: 'class', classId: ownClass, subsidyKind: 'training' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const lines = created.json().lines as Array<{
      personId: number;
      amountFen: number;
      request: { certificate?: unknown };
      decision: { eligible: boolean };
    }>;
    const lineOf = (person: { personId?: number }) =>
      lines.find((line) => line.personId === person.personId)!;
    expect(lineOf(pair[0]!)).toMatchObject({ amountFen: 0, decision: { eligible: false } });
    expect(lineOf(pair[0]!).request.certificate).toBeUndefined();
    expect(lineOf(pair[1]!)).toMatchObject({ amountFen: 120_000, decision: { eligible: true } });
  });
});
