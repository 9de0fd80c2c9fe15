import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/ledger/verify.service.ts';
import { evaluate } from '../../src/policy/evaluate.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import {
  caller,
  completeClass,
  type Headers,
  moveClockTo,
  publishHengyangCatalog,
  trainee,
  uploadRequiredMaterials,
} from './claim-support.ts';

const PAYEE_ACCOUNT = { bankName: '中国工商银行衡阳县支行', accountNumber: '1904020109000012345' };

describe('claims end to end: class completes → institution claims → review → notice → approval → payment ordered', () => {
  // Thursday 6 May 2021, 09:00 China time: the Hengyang policy (2019-08-30..2021-12-31) is in force.
  const clock = new ManualClock('2021-05-06T01:00:00Z');
  let harness: TestApp;
  let call: ReturnType<typeof caller>;
  let county: Headers;
  let city: Headers;
  let finance: Headers;
  let school: Headers;
  let classId: number;
  let claimId: number;
  const trainees = [trainee('周敏', '021'), trainee('吴刚', '033'), trainee('郑洁', '042')];

  beforeAll(async () => {
    harness = await createTestApp({ clock });
    call = caller(harness);
    county = await harness.loginAs('hy_county');
    city = await harness.loginAs('hy_city');
    finance = await harness.loginAs('hy_finance');
    school = await harness.loginAs('hy_school');
    await publishHengyangCatalog(harness, city);
    classId = await completeClass(harness, { school, county, startDay: '2021-05-10', trainees, tag: 'E2E' });
  });
  afterAll(async () => harness.close());

  it('the institution claims the completed class; each line is the engine’s decision with citations', async () => {
    clock.set('2021-05-24T01:00:00Z'); // Monday after the class ended
    const created = await call('POST', '/api/claims', school, {
      applicationDate: '2021-05-24',
      payeeAccount: PAYEE_ACCOUNT,
      claim: { source: 'class', classId, subsidyKind: 'training' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const claim = created.json();
    claimId = claim.id;
    expect(claim.status).toBe('draft');
    expect(claim.lines).toHaveLength(3);
    for (const line of claim.lines) {
      // The stored decision is exactly what the engine answers for the stored request.
      expect(line.decision).toEqual(evaluate(line.request));
      expect(line.request.history).toEqual([]);
      expect(line.request.training).toMatchObject({
        filed: true,
        inCatalog: true,
        catalogStandardFen: 120_000,
      });
      expect(line.decision.policy).toBe('cn-430400-2019');
      expect(line.amountFen).toBe(120_000);
      expect(line.decision.lines[0].citation).toEqual({ doc: '衡人社发【2019】21号', article: '六（一）' });
      expect(line.decision.parameterVersions.length).toBeGreaterThan(0);
    }
    expect(claim.totalAmountFen).toBe(360_000);
  });

  it('refuses to submit before the required materials are uploaded, and stores uploads by content hash', async () => {
    const early = await call('POST', `/api/claims/${claimId}/submit`, school);
    expect(early.statusCode).toBe(422);
    expect(early.json().error.code).toBe('MATERIALS_MISSING');
    expect(early.json().error.details.map((detail: { field: string }) => detail.field)).toEqual([
      'materials.roster',
      'materials.certificates',
      'materials.sign_in_sheets',
      'materials.invoice',
    ]);
    await uploadRequiredMaterials(harness, claimId, school);
    const checklist = (await call('GET', `/api/claims/${claimId}/materials`, school)).json().items;
    expect(checklist.every((item: { attachments: unknown[] }) => item.attachments.length === 1)).toBe(true);
    expect(checklist[0].attachments[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('submits, and a county officer reviews; the institution cannot review its own claim', async () => {
    const submitted = await call('POST', `/api/claims/${claimId}/submit`, school);
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(submitted.json().status).toBe('submitted');
    const byInstitution = await call('POST', `/api/claims/${claimId}/review`, school, {});
    expect(byInstitution.statusCode).toBe(403);
    const reviewed = await call('POST', `/api/claims/${claimId}/review`, county, {});
    expect(reviewed.statusCode, reviewed.body).toBe(200);
    expect(reviewed.json().status).toBe('reviewed');
  });

  it('refuses an officer of another region', async () => {
    const nanjing = await harness.loginAs('nj_county');
    const response = await call('POST', `/api/claims/${claimId}/start-notice`, nanjing, {});
    expect(response.statusCode).toBe(403);
    const read = await call('GET', `/api/claims/${claimId}`, nanjing);
    expect(read.statusCode).toBe(403);
  });

  it('publishes the notice for five working days and refuses approval before it ends', async () => {
    const notice = await call('POST', `/api/claims/${claimId}/start-notice`, county, {});
    expect(notice.statusCode, notice.body).toBe(200);
    expect(notice.json()).toMatchObject({
      status: 'in_notice',
      noticeStartsOn: '2021-05-24',
      noticeEndsOn: '2021-05-28',
    });
    const early = await call('POST', `/api/claims/${claimId}/approve`, city, {});
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('INVALID_STATE');
  });

  it('the public-notice xlsx shows every ID number masked, whatever the caller may unmask', async () => {
    // The county officer holds person.unmask and sees a full ID number only by revealing it with a
    // reason; the 公示 list is published, so it is masked for every caller. The xlsx is
    // zip-compressed: read its cells.
    const unmasked = await call('POST', `/api/persons/${trainees[0]!.personId}/reveal`, county, {
      reason: '核对公示名单',
    });
    expect(unmasked.json().idNumber).toBe(trainees[0]!.idNumber);
    for (const headers of [county, school]) {
      const exported = await call('GET', `/api/claims/${claimId}/notice.xlsx`, headers);
      expect(exported.statusCode).toBe(200);
      expect(exported.headers['content-type']).toContain('spreadsheetml');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(exported.rawPayload as unknown as ExcelJS.Buffer);
      const sheet = workbook.getWorksheet('公示名单')!;
      const rows: string[][] = [];
      sheet.eachRow((row) => {
        const values = (row.values as unknown[]).slice(1);
        rows.push(values.map((value) => (value === null || value === undefined ? '' : String(value))));
      });
      const header = rows.findIndex((row) => row.includes('公民身份号码'));
      expect(header).toBeGreaterThanOrEqual(0);
      const idColumn = rows[header]!.indexOf('公民身份号码');
      const nameColumn = rows[header]!.indexOf('姓名');
      const lines = rows.slice(header + 1).filter((row) => row[0] !== '合计');
      expect(lines.map((row) => row[nameColumn])).toEqual(trainees.map((person) => person.name));
      for (const [index, person] of trainees.entries()) {
        expect(lines[index]![idColumn]).toBe(
          `${person.idNumber.slice(0, 4)}${'*'.repeat(10)}${person.idNumber.slice(-4)}`,
        );
      }
      // No cell anywhere carries a full ID number, or its birth-date middle part.
      const text = rows.flat().join('\n');
      for (const person of trainees) {
        expect(text).not.toContain(person.idNumber);
        expect(text).not.toContain(person.idNumber.slice(6, 14));
      }
      expect(text).not.toMatch(/\d{17}[\dX]/);
    }
  });

  it('after the notice, the reviewer may not approve, another HRSS officer may', async () => {
    clock.set('2021-05-31T01:00:00Z');
    const byReviewer = await call('POST', `/api/claims/${claimId}/approve`, county, {});
    expect(byReviewer.statusCode).toBe(403);
    expect(byReviewer.json().error.message).toContain('同一人');
    const approved = await call('POST', `/api/claims/${claimId}/approve`, city, {});
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', totalAmountFen: 360_000 });
  });

  it('finance orders payment: one ledger batch for the engine’s amount, the county training account falls by it', async () => {
    const balance = async () => {
      const accounts = await call('GET', '/api/ledger/accounts?regionCode=430421', finance);
      expect(accounts.statusCode, accounts.body).toBe(200);
      const training = accounts
        .json()
        .items.find(
          (account: { kind: string; regionCode: string }) =>
            account.kind === 'training' && account.regionCode === '430421',
        );
      return training.balanceFen as number;
    };
    const before = await balance();
    const byOfficer = await call('POST', '/api/claims/payments', city, {
      claimIds: [claimId],
      valueDate: '2021-05-31',
      idempotencyId: 'pay-e2e-0001',
    });
    expect(byOfficer.statusCode).toBe(403);
    // The finance officer's request moves no money; a second finance officer's approval posts it.
    const requested = await call('POST', '/api/claims/payments', finance, {
      claimIds: [claimId],
      valueDate: '2021-05-31',
      idempotencyId: 'pay-e2e-0001',
    });
    expect(requested.statusCode, requested.body).toBe(202);
    expect(requested.json().totalFen).toBe(360_000);
    expect(await balance()).toBe(before);
    const retried = await call('POST', '/api/claims/payments', finance, {
      claimIds: [claimId],
      valueDate: '2021-05-31',
      idempotencyId: 'pay-e2e-0001',
    });
    expect(retried.statusCode).toBe(200);
    expect(retried.json().approval.id).toBe(requested.json().approval.id);
    const approvalId = requested.json().approval.id;
    const bySelf = await call('POST', `/api/claims/payment-orders/${approvalId}/decision`, finance, {
      isApproved: true,
    });
    expect(bySelf.statusCode).toBe(403);
    expect(bySelf.json().error.code).toBe('SAME_USER_APPROVAL');
    expect(await balance()).toBe(before);
    const decided = await call(
      'POST',
      `/api/claims/payment-orders/${approvalId}/decision`,
      await harness.loginAs('hy_finance_checker'),
      { isApproved: true },
    );
    expect(decided.statusCode, decided.body).toBe(200);
    const ordered = { json: () => decided.json().batch };
    expect(ordered.json().totalFen).toBe(360_000);
    expect(await balance()).toBe(before - 360_000);
    const claim = (await call('GET', `/api/claims/${claimId}`, county)).json();
    expect(claim.status).toBe('payment_ordered');
    expect(claim.transitions.map((transition: { toStatus: string }) => transition.toStatus)).toEqual([
      'submitted',
      'reviewed',
      'in_notice',
      'approved',
      'payment_ordered',
    ]);
    const reference = ordered.json().disbursements[0].reference;
    // The bank answers the next day; nothing is recorded dated after the business date.
    const restoreClock = moveClockTo(harness, '2021-06-01T01:00:00Z');
    const result = await call('POST', `/api/claims/payments/${ordered.json().id}/bank-result`, finance, {
      csv: `disbursement_id,status,reason\n${reference},paid,\n`,
      valueDate: '2021-06-01',
    });
    restoreClock();
    expect(result.statusCode, result.body).toBe(200);
    expect((await call('GET', `/api/claims/${claimId}`, county)).json().status).toBe('paid');
    const archive = await call('GET', `/api/persons/${trainees[0]!.personId}/archive`, county);
    expect(archive.json().subsidies).toEqual([
      {
        claimId,
        claimNumber: expect.any(String),
        status: 'paid',
        subsidyKind: 'training',
        amountFen: 120_000,
        // The payment order's business date, not the machine's instant of the bank's answer.
        paidOn: '2021-05-31',
        classId,
        certificateId: expect.any(Number),
      },
    ]);
  });

  it('a second claim for the same class is refused: the class has a live claim of this kind', async () => {
    const again = await call('POST', '/api/claims', school, {
      applicationDate: '2021-05-31',
      payeeAccount: PAYEE_ACCOUNT,
      claim: { source: 'class', classId, subsidyKind: 'training' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({
      code: 'CLAIM_EXISTS',
      details: [{ field: 'claim.classId', claimId }],
    });
  });

  it('leaves a ledger whose every balance and invariant verifies (skillfund ledger verify)', async () => {
    const verification = await verifyLedger(harness.database.db);
    expect(verification.isPassed, JSON.stringify(verification)).toBe(true);
  });
});
