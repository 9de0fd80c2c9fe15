import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { caller, type Headers, operatorHeaders } from './claim-support.ts';
import { creditCode, csvOf, idNumber, multipartFile, xlsxOf } from './training-helpers.ts';

const ACCOUNT = { bankName: '中国银行南昌东湖支行', accountNumber: '200012345678' };
const HEADER = ['公民身份号码', '姓名', '统一社会信用代码', '费款所属期', '缴费金额（元）'];

/**
 * Issue 17 finding 8: a 以工代训 month is verified only by the social-insurance contribution list
 * an officer imports — a contribution above zero by the enterprise for the person in that month.
 * The enterprise's own payroll entries verify nothing; unverified months are not paid and are
 * named on the line.
 */
describe('以工代训 months verified against the imported social-insurance contributions', () => {
  const clock = new ManualClock('2021-06-02T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let province: Headers;

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
    province = await harness.loginAs('jx_province');
  }, 600_000);
  afterAll(async () => harness?.close());

  /** A Jiangxi enterprise, its operator, and one registered-unemployed employee from 1 March to 31 May 2021. */
  async function employee(tag: string, sequence: string) {
    const code = creditCode(`91360102MA39${sequence}00`);
    const enterprise = await call('POST', '/api/organisations', province, {
      kind: 'enterprise',
      regionCode: '360102',
      name: `南昌东湖${tag}制造有限公司`,
      creditCode: code,
      enterpriseSize: 'small',
      employerFlags: ['insured'],
    });
    expect(enterprise.statusCode, enterprise.body).toBe(201);
    const enterpriseId = enterprise.json().id as number;
    const operator = await operatorHeaders(harness, province, enterpriseId, `si_${sequence}`);
    const person = { name: `社${tag}`, idNumber: idNumber('360102', '19970404', sequence) };
    const registered = await call('POST', '/api/persons', province, {
      ...person,
      registeringRegionCode: '360102',
      groups: [
        {
          groupCode: 'registered_unemployed',
          certifierCode: 'public_employment_service',
          validFrom: '2020-12-01',
        },
      ],
    });
    expect(registered.statusCode, registered.body).toBe(201);
    const employment = await call('POST', '/api/employment-records', operator, {
      enterpriseId,
      ...person,
      contractMonths: 12,
      start: '2021-03-01',
      end: '2021-05-31',
    });
    expect(employment.statusCode, employment.body).toBe(201);
    return {
      enterpriseId,
      creditCode: code,
      operator,
      person: { ...person, id: registered.json().id as number },
      employmentId: employment.json().id as number,
    };
  }

  const claimOf = async (subject: Awaited<ReturnType<typeof employee>>) => {
    const claim = await call('POST', '/api/claims', subject.operator, {
      applicationDate: '2021-06-02',
      payeeAccount: ACCOUNT,
      claim: { source: 'employment', employmentIds: [subject.employmentId] },
    });
    expect(claim.statusCode, claim.body).toBe(201);
    return claim.json();
  };

  const upload = (headers: Headers, file: ReturnType<typeof multipartFile>, accept = true) =>
    harness.app.inject({
      method: 'POST',
      url: `/api/social-insurance-contributions/import${accept ? '?accept=valid' : ''}`,
      headers: { ...headers, ...file.headers },
      payload: file.payload,
    });

  const gbkCsv = (rows: string[][]) =>
    multipartFile(
      'contributions.csv',
      iconv.encode(rows.map((row) => row.join(',')).join('\r\n'), 'gbk'),
      'text/csv',
    );

  it('enterprise payroll alone, even for every month, verifies nothing: no month is paid and the line names them', async () => {
    const subject = await employee('自报', '101');
    const payroll = await call(
      'POST',
      `/api/employment-records/${subject.employmentId}/payroll`,
      subject.operator,
      {
        months: [
          { month: '2021-03', grossPayFen: 350_000 },
          { month: '2021-04', grossPayFen: 0 },
          { month: '2021-05', grossPayFen: 350_000 },
        ],
      },
    );
    expect(payroll.statusCode, payroll.body).toBe(200);
    expect(payroll.json().verifiedMonths).toEqual([]);
    const claim = await claimOf(subject);
    const line = claim.lines[0];
    expect(line).toMatchObject({ isEligible: false, amountFen: 0 });
    expect(line.decision.denials[0].code).toBe('DURATION_OUT_OF_RANGE');
    expect(line.decision.denials[0].message).toContain('2021-03、2021-04、2021-05');
    // Without the official comparison the roster and the bank statement stay required.
    const materials = await call('GET', `/api/claims/${claim.id}/materials`, subject.operator);
    const required = materials
      .json()
      .items.filter((item: { isRequired: boolean }) => item.isRequired)
      .map((item: { code: string }) => item.code);
    expect(required).toEqual(expect.arrayContaining(['employee_roster', 'payroll_bank_statement']));
  }, 600_000);

  it('a 0-yuan contribution does not verify its month, and months without a contribution are unpaid and named', async () => {
    const subject = await employee('零元', '102');
    const imported = await upload(
      province,
      gbkCsv([
        HEADER,
        [subject.person.idNumber, subject.person.name, subject.creditCode, '202103', '350.00'],
        [subject.person.idNumber, subject.person.name, subject.creditCode, '2021-04', '0'],
      ]),
    );
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json()).toMatchObject({
      totalRows: 2,
      validRows: 2,
      isWritten: true,
      inserted: 2,
      rejected: [],
    });

    const claim = await claimOf(subject);
    const line = claim.lines[0];
    // Only March is verified: 600 yuan, April (0 yuan) and May (no row) named and not paid.
    expect(line).toMatchObject({ isEligible: true, amountFen: 60_000 });
    expect(line.decision.lines[0].period).toEqual({ start: '2021-03-01', end: '2021-03-31' });
    expect(line.decision.lines[0].basis).toContain('不予补贴的月份：2021-04、2021-05');
    expect(line.decision.warnings.join('\n')).toContain('2021-04、2021-05');

    // Once April and May are imported with contributions, a new claim pays them.
    const later = await upload(
      province,
      gbkCsv([
        HEADER,
        [subject.person.idNumber, '', subject.creditCode, '2021年4月', '380.50'],
        [subject.person.idNumber, '', subject.creditCode, '2021/05', '380.50'],
      ]),
    );
    expect(later.json()).toMatchObject({ inserted: 1, updated: 1, isWritten: true });
    const detail = await call('GET', `/api/employment-records/${subject.employmentId}`, subject.operator);
    expect(detail.json().verifiedMonths).toEqual(['2021-03', '2021-04', '2021-05']);
    const second = await claimOf(subject);
    // (The first claim is still a draft and holds no month, so the new one pays all three.)
    expect(second.lines[0]).toMatchObject({ isEligible: true, amountFen: 180_000 });
    expect(second.lines[0].decision.lines[0].period).toEqual({ start: '2021-03-01', end: '2021-05-31' });
    expect(second.lines[0].decision.lines[0].basis).not.toContain('不予补贴');
  }, 600_000);

  it('an unverified month between verified ones is not paid, named on the line, and the roster stays required', async () => {
    const subject = await employee('中断', '103');
    const imported = await upload(
      province,
      multipartFile(
        'contributions.xlsx',
        await xlsxOf([
          HEADER,
          [subject.person.idNumber, subject.person.name, subject.creditCode, '2021-03', '350'],
          [subject.person.idNumber, subject.person.name, subject.creditCode, '2021-05', '350'],
        ]),
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      ),
    );
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json()).toMatchObject({ inserted: 2, isWritten: true });
    const claim = await claimOf(subject);
    expect(claim.lines[0]).toMatchObject({ isEligible: true, amountFen: 120_000 });
    expect(claim.lines[0].decision.lines[0].basis).toContain('2个月');
    expect(claim.lines[0].decision.lines[0].basis).toContain('不予补贴的月份：2021-04');
    const materials = await call('GET', `/api/claims/${claim.id}/materials`, subject.operator);
    const required = materials
      .json()
      .items.filter((item: { isRequired: boolean }) => item.isRequired)
      .map((item: { code: string }) => item.code);
    expect(required).toContain('employee_roster');
  }, 600_000);

  it('every month verified: paid in full and the roster and bank statement are waived (赣人社字〔2021〕151号)', async () => {
    const subject = await employee('全额', '104');
    const rows = ['2021-03', '2021-04', '2021-05'].map((month) => [
      subject.person.idNumber,
      subject.person.name,
      subject.creditCode,
      month,
      '412.36',
    ]);
    const imported = await upload(province, multipartFile('c.csv', csvOf([HEADER, ...rows]), 'text/csv'));
    expect(imported.json()).toMatchObject({ inserted: 3 });
    const claim = await claimOf(subject);
    expect(claim.lines[0]).toMatchObject({ isEligible: true, amountFen: 180_000 });
    const materials = await call('GET', `/api/claims/${claim.id}/materials`, subject.operator);
    const required = materials
      .json()
      .items.filter((item: { isRequired: boolean }) => item.isRequired)
      .map((item: { code: string }) => item.code);
    expect(required).toEqual(['labour_contracts']);
  }, 600_000);

  it('bad input: missing columns refused naming them, bad rows reported per row, nothing written without accept', async () => {
    const subject = await employee('校验', '105');
    const count = async () =>
      (
        await harness.database.db
          .selectFrom('social_insurance_contribution')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('enterprise_id', '=', subject.enterpriseId)
          .executeTakeFirstOrThrow()
      ).n;
    const before = Number(await count());

    const noColumns = await upload(
      province,
      multipartFile(
        'c.csv',
        csvOf([
          ['公民身份号码', '姓名'],
          [subject.person.idNumber, subject.person.name],
        ]),
        'text/csv',
      ),
    );
    expect(noColumns.statusCode).toBe(422);
    expect(noColumns.json().error.details.map((detail: { field: string }) => detail.field)).toEqual([
      'file.creditCode',
      'file.month',
      'file.amount',
    ]);
    const empty = await upload(province, multipartFile('c.csv', csvOf([HEADER]), 'text/csv'));
    expect(empty.statusCode).toBe(422);
    expect(empty.json().error.details[0].field).toBe('file');
    const notMultipart = await call('POST', '/api/social-insurance-contributions/import', province, {
      rows: [],
    });
    expect(notMultipart.statusCode).toBe(415);
    const badQuery = await harness.app.inject({
      method: 'POST',
      url: '/api/social-insurance-contributions/import?accept=all',
      headers: province,
    });
    expect(badQuery.statusCode).toBe(400);

    const unknown = idNumber('360102', '19900101', '555');
    const rows = [
      HEADER,
      [subject.person.idNumber, subject.person.name, subject.creditCode, '2021-03', '350'],
      ['12345', '', subject.creditCode, '2021-03', '350'],
      [unknown, '', subject.creditCode, '2021-03', '350'],
      [subject.person.idNumber, '别人', subject.creditCode, '2021-04', '350'],
      [subject.person.idNumber, '', creditCode('91360102MA3999900'), '2021-04', '350'],
      [subject.person.idNumber, '', subject.creditCode, '2021-13', '350'],
      [subject.person.idNumber, '', subject.creditCode, '2021-07', '350'],
      [subject.person.idNumber, '', subject.creditCode, '2021-05', '-1'],
      [subject.person.idNumber, '', subject.creditCode, '2021-03', '350'],
    ];
    const preview = await upload(province, gbkCsv(rows), false);
    expect(preview.statusCode, preview.body).toBe(200);
    const report = preview.json();
    expect(report).toMatchObject({ totalRows: 9, validRows: 1, isWritten: false, inserted: 0 });
    const fields = Object.fromEntries(
      report.rejected.map((problem: { rowNumber: number; reasons: { field: string }[] }) => [
        problem.rowNumber,
        problem.reasons.map((reason) => reason.field),
      ]),
    );
    expect(fields).toEqual({
      3: ['idNumber'],
      4: ['idNumber'],
      5: ['name'],
      6: ['creditCode'],
      7: ['month'],
      8: ['month'],
      9: ['amount'],
      10: ['month'],
    });
    // No answer echoes an ID number.
    expect(preview.body).not.toContain(subject.person.idNumber);
    expect(Number(await count())).toBe(before);

    // accept=valid writes the one valid row, audited.
    const accepted = await upload(province, gbkCsv(rows));
    expect(accepted.json()).toMatchObject({ validRows: 1, isWritten: true, inserted: 1 });
    expect(Number(await count())).toBe(before + 1);
    const audit = await harness.database.db
      .selectFrom('audit_log')
      .select(['action', 'object_type'])
      .where('action', '=', 'social_insurance.contribution.import')
      .execute();
    expect(audit.length).toBeGreaterThan(0);
  }, 600_000);

  it('scope: an officer of another region cannot import or see this region’s contributions; the enterprise cannot import', async () => {
    const subject = await employee('辖区', '106');
    const hunan = await harness.loginAs('hy_county');
    const row = [subject.person.idNumber, subject.person.name, subject.creditCode, '2021-03', '350'];
    const foreign = await upload(hunan, gbkCsv([HEADER, row]));
    expect(foreign.statusCode, foreign.body).toBe(200);
    expect(foreign.json()).toMatchObject({ validRows: 0, isWritten: false });
    expect(foreign.json().rejected[0].reasons).toEqual([
      { field: 'creditCode', message: '企业不在本账号辖区内' },
    ]);
    const byEnterprise = await upload(subject.operator, gbkCsv([HEADER, row]));
    expect(byEnterprise.statusCode).toBe(403);

    expect((await upload(province, gbkCsv([HEADER, row]))).json()).toMatchObject({ inserted: 1 });
    const own = await call(
      'GET',
      `/api/social-insurance-contributions?enterpriseId=${subject.enterpriseId}`,
      province,
    );
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().items).toHaveLength(1);
    expect(own.json().items[0]).toMatchObject({ month: '2021-03', amountFen: 35_000, isVerifying: true });
    expect(own.json().items[0].idNumber).not.toBe(subject.person.idNumber);
    const asEnterprise = await call('GET', '/api/social-insurance-contributions', subject.operator);
    expect(
      asEnterprise
        .json()
        .items.every((item: { enterpriseId: number }) => item.enterpriseId === subject.enterpriseId),
    ).toBe(true);
    const asHunan = await call('GET', '/api/social-insurance-contributions?monthFrom=2021-01', hunan);
    expect(asHunan.json().items).toEqual([]);
    const badMonth = await call('GET', '/api/social-insurance-contributions?monthFrom=2021-1', province);
    expect(badMonth.statusCode).toBe(400);
  }, 600_000);
});
