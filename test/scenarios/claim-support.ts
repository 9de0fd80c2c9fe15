import { expect } from 'vitest';
import { SYSTEM_CONTEXT } from '../../src/auth/audit.service.ts';
import type { Executor } from '../../src/db/database.ts';
import type { AccountKind, TransferCode } from '../../src/ledger/ledger.vocabulary.ts';
import { accountFor, postJournal, type TransferReferences } from '../../src/ledger/transfer.service.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import type { TestApp } from '../support/app.ts';
import { idNumber } from './training-helpers.ts';

export type Headers = { authorization: string };

export function caller(harness: TestApp) {
  return async (
    method: 'GET' | 'POST',
    url: string,
    headers: Headers,
    payload?: unknown,
    extra: Record<string, string> = {},
  ) =>
    harness.app.inject({
      method,
      url,
      headers: { ...headers, ...extra },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
}

/** Creates an operator account of an organisation (as `officer`) and logs it in. */
export async function operatorHeaders(
  harness: TestApp,
  officer: Headers,
  organisationId: number,
  loginName: string,
): Promise<Headers> {
  const call = caller(harness);
  const password = 'Xk9#river-Stone-77';
  const created = await call('POST', `/api/organisations/${organisationId}/operators`, officer, {
    loginName,
    displayName: loginName,
    password,
  });
  expect(created.statusCode, created.body).toBe(201);
  const login = await harness.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { loginName, password },
  });
  return { authorization: `Bearer ${login.json().token}` };
}

export interface Trainee {
  name: string;
  idNumber: string;
  personId?: number;
}

export function trainee(name: string, sequence: string): Trainee {
  return { name, idNumber: idNumber('430421', '19880808', sequence) };
}

/** Publishes a Hengyang city catalog in force from 2021-01-01 with one occupation at 1,200 yuan. */
export async function publishHengyangCatalog(harness: TestApp, city: Headers): Promise<void> {
  const call = caller(harness);
  const version = await call('POST', '/api/catalog/versions', city, {
    regionCode: '430400',
    title: '衡阳市2021年职业技能培训补贴标准目录',
    effectiveFrom: '2021-01-01',
    citation: { document: '衡人社发【2019】21号', article: '六（一）' },
    entries: [
      {
        occupationCode: '4-10-01-05',
        level: 'primary',
        standardAmountFen: 120_000,
        standardDays: 15,
        standardClassHours: 90,
      },
      {
        occupationCode: '4-03-02-01',
        level: 'primary',
        standardAmountFen: 100_000,
        standardDays: 12,
        standardClassHours: 72,
      },
    ],
  });
  expect(version.statusCode, version.body).toBe(201);
  const published = await call('POST', `/api/catalog/versions/${version.json().id}/publish`, city);
  expect(published.statusCode, published.body).toBe(200);
}

/** Sign-in at the start and sign-out at the end of every session, by face, for each person. */
export function fullAttendance(
  sessions: ReadonlyArray<{ id: number; startsAt: string; endsAt: string }>,
  personIds: ReadonlyArray<number | undefined>,
) {
  return sessions.flatMap((session) =>
    personIds.flatMap((personId) => [
      { sessionId: session.id, personId, event: 'sign_in', at: session.startsAt, method: 'face' },
      { sessionId: session.id, personId, event: 'sign_out', at: session.endsAt, method: 'face' },
    ]),
  );
}

/**
 * Files a four-session class in 衡阳县 starting on `startDay` (YYYY-MM-DD), has the county
 * officer approve it, enrols the trainees (registered unemployed), records full attendance,
 * passes them and issues training certificates. Returns the class id.
 */
export async function completeClass(
  harness: TestApp,
  options: {
    school: Headers;
    county: Headers;
    startDay: string;
    trainees: Trainee[];
    occupationCode?: string;
    tag: string;
  },
): Promise<number> {
  const call = caller(harness);
  const day = (offset: number, hour: number) => {
    const date = new Date(`${options.startDay}T00:00:00Z`);
    date.setUTCDate(date.getUTCDate() + offset);
    return `${date.toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:00:00+08:00`;
  };
  const sessions = [0, 1, 2, 3].map((offset) => ({
    startsAt: day(offset, 8),
    endsAt: day(offset, 12),
    mode: 'offline',
    topic: `第${offset + 1}讲`,
    location: '衡阳县实训楼101',
  }));
  const filed = await call('POST', '/api/classes', options.school, {
    regionCode: '430421',
    name: `养老护理员（初级）${options.tag}`,
    occupationCode: options.occupationCode ?? '4-10-01-05',
    level: 'primary',
    capacity: 40,
    teachingPlan: { modules: ['职业道德', '生活照料'] },
    teachers: [{ name: '赵老师', qualification: '养老护理员技师' }],
    assessmentPlan: { method: '理论+实操', passScore: 60 },
    sessions,
  });
  expect(filed.statusCode, filed.body).toBe(201);
  const classId = filed.json().id as number;
  const approved = await call('POST', `/api/classes/${classId}/approve`, options.county, {});
  expect(approved.statusCode, approved.body).toBe(200);
  expect(approved.json().isFiled).toBe(true);
  for (const person of options.trainees) {
    if (person.personId === undefined)
      await registerUnemployed(harness, options.county, person, `1390000${person.idNumber.slice(14, 17)}0`);
    // The institution enrols the real-name way (name and ID number): a person id registered by
    // the county is not one the institution may name until the person is on its roster.
    const enrolled = await call('POST', `/api/classes/${classId}/enrolments`, options.school, {
      name: person.name,
      idNumber: person.idNumber,
    });
    expect(enrolled.statusCode, enrolled.body).toBe(201);
  }
  const detail = (await call('GET', `/api/classes/${classId}`, options.school)).json();
  const records = fullAttendance(
    detail.sessions,
    options.trainees.map((person) => person.personId),
  );
  // What happened is recorded after it happened: the business clock moves past the class for
  // the records and then returns, so the caller's next steps keep their dates.
  const restore = moveClockTo(harness, day(3, 18));
  const attendance = await call('POST', `/api/classes/${classId}/attendance`, options.school, { records });
  expect(attendance.statusCode, attendance.body).toBe(200);
  for (const person of options.trainees) {
    const result = await call('POST', `/api/classes/${classId}/results`, options.school, {
      personId: person.personId,
      score: 88,
      isPassed: true,
      examDate: day(3, 14).slice(0, 10),
    });
    expect(result.statusCode, result.body).toBe(200);
    const certificate = await call('POST', '/api/certificates', options.school, {
      personId: person.personId,
      classId,
      certificateType: 'training_qualified',
      level: 'primary',
      occupationCode: options.occupationCode ?? '4-10-01-05',
      certificateNumber: `HY-${options.tag}-${person.personId}`,
      issuer: '衡阳县人力资源和社会保障局',
      issuedOn: day(3, 16).slice(0, 10),
    });
    expect(certificate.statusCode, certificate.body).toBe(201);
  }
  restore();
  return classId;
}

/**
 * Sets a test app's manual business clock to an instant (no-op on another clock); returns the
 * function that puts it back.
 */
export function moveClockTo(harness: TestApp, instant: string): () => void {
  const clock = harness.app.clock;
  if (!(clock instanceof ManualClock)) return () => undefined;
  const before = clock.now();
  if (before.getTime() < new Date(instant).getTime()) clock.set(instant);
  return () => clock.set(before);
}

/** Uploads a small PDF for every required item of the claim's materials checklist. */
export async function uploadRequiredMaterials(
  harness: TestApp,
  claimId: number,
  headers: Headers,
): Promise<void> {
  const call = caller(harness);
  const checklist = (await call('GET', `/api/claims/${claimId}/materials`, headers)).json().items as {
    code: string;
    isRequired: boolean;
  }[];
  for (const item of checklist.filter((entry) => entry.isRequired)) {
    const boundary = `----sf${Math.random().toString(16).slice(2)}`;
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="materialCode"\r\n\r\n${item.code}\r\n`,
      ),
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${item.code}.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
      ),
      Buffer.from(`%PDF-1.4 ${item.code} ${claimId}\n`),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const uploaded = await harness.app.inject({
      method: 'POST',
      url: `/api/claims/${claimId}/attachments`,
      headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: body,
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
  }
}

/**
 * Orders payment the two-person way: `maker` (a finance officer) requests it, `checker` (another)
 * approves it; returns the posted batch (what the single-step order used to answer).
 */
export async function orderAndApprovePayment(
  harness: TestApp,
  maker: Headers,
  checker: Headers,
  body: { claimIds: number[]; valueDate: string; idempotencyId: string },
) {
  const call = caller(harness);
  const requested = await call('POST', '/api/claims/payments', maker, body);
  expect(requested.statusCode, requested.body).toBe(202);
  const decided = await call(
    'POST',
    `/api/claims/payment-orders/${requested.json().approval.id}/decision`,
    checker,
    { isApproved: true },
  );
  expect(decided.statusCode, decided.body).toBe(200);
  return decided.json().batch as {
    id: number;
    totalFen: number;
    disbursements: {
      id: number;
      reference: string;
      status: string;
      amountFen: number;
      payee: { type: string; id: number; name: string; bankAccount: string };
      items: { id: number; claimId: number; lineId: number | null; amountFen: number; status: string }[];
    }[];
  };
}

/**
 * The second finance officer approves every failure or 退回 a bank result left in 待复核 (issue 15:
 * one person's import posts no money back); `imported` is the bank-result answer.
 */
export async function approveBankFailures(
  harness: TestApp,
  checker: Headers,
  imported: { pendingApprovals: { approvalId: number }[] },
): Promise<void> {
  const call = caller(harness);
  for (const { approvalId } of imported.pendingApprovals) {
    const decided = await call('POST', `/api/ledger/approvals/${approvalId}/decision`, checker, {
      isApproved: true,
    });
    expect(decided.statusCode, decided.body).toBe(200);
  }
}

/**
 * Registers a payee's bank account the two-person way (the trainee's social-security-card account
 * or an organisation's settlement account): `maker` records it, `checker` approves it.
 */
export async function registerPayeeAccount(
  harness: TestApp,
  maker: Headers,
  checker: Headers,
  payee: { payeeType: 'organisation' | 'person'; payeeId: number; accountNumber: string; bankName?: string },
): Promise<void> {
  const call = caller(harness);
  const requested = await call('POST', '/api/ledger/payee-accounts', maker, {
    idempotencyId: `payee-${payee.payeeType}-${payee.payeeId}-${payee.accountNumber}`,
    bankName: payee.bankName ?? '中国工商银行衡阳县支行',
    reason: '社会保障卡银行账户登记',
    ...payee,
  });
  expect([200, 202], requested.body).toContain(requested.statusCode);
  if (requested.json().status !== 'pending') return;
  const decided = await call('POST', `/api/ledger/approvals/${requested.json().id}/decision`, checker, {
    isApproved: true,
  });
  expect(decided.statusCode, decided.body).toBe(200);
}

/** Registers the account of every person the claim pays (living allowances go to the trainee). */
export async function registerPersonPayees(
  harness: TestApp,
  maker: Headers,
  checker: Headers,
  claimId: number,
): Promise<void> {
  const call = caller(harness);
  const claim = (await call('GET', `/api/claims/${claimId}`, maker)).json();
  for (const line of claim.lines as { payeePersonId: number | null }[]) {
    if (line.payeePersonId === null) continue;
    await registerPayeeAccount(harness, maker, checker, {
      payeeType: 'person',
      payeeId: line.payeePersonId,
      accountNumber: `62170${String(line.payeePersonId).padStart(14, '0')}`,
    });
  }
}

/**
 * An officer imports the social-insurance contribution list (accept=valid) for one person at one
 * enterprise: a contribution above zero in each month, which is what verifies a 以工代训 month.
 */
export async function importContributions(
  harness: TestApp,
  officer: Headers,
  subject: { idNumber: string; creditCode: string; months: string[]; amount?: string },
): Promise<void> {
  const csv = [
    '公民身份号码,统一社会信用代码,费款所属期,缴费金额（元）',
    ...subject.months.map(
      (month) => `${subject.idNumber},${subject.creditCode},${month},${subject.amount ?? '412.36'}`,
    ),
  ].join('\n');
  const boundary = `----sf${Math.random().toString(16).slice(2)}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="contributions.csv"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
    Buffer.from(csv, 'utf8'),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const response = await harness.app.inject({
    method: 'POST',
    url: '/api/social-insurance-contributions/import?accept=valid',
    headers: { ...officer, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.json().rejected, response.body).toEqual([]);
}

/**
 * Registers each name as a person of 衡阳县, registered unemployed since 2021-01-01, with ID
 * numbers whose sequence starts at `firstSequence` and steps by two; returns them with their ids.
 */
export async function registerTrainees(
  harness: TestApp,
  county: Headers,
  names: string[],
  firstSequence: number,
): Promise<Trainee[]> {
  return Promise.all(
    names.map(async (name, index) => {
      const person = trainee(name, String(firstSequence + index * 2).padStart(3, '0'));
      await registerUnemployed(harness, county, person);
      return person;
    }),
  );
}

/**
 * Registers the trainee as a person of 衡阳县, registered unemployed since 2021-01-01 (with a phone
 * when given), and sets its `personId`.
 */
async function registerUnemployed(harness: TestApp, county: Headers, person: Trainee, phone?: string) {
  const registered = await caller(harness)('POST', '/api/persons', county, {
    name: person.name,
    idNumber: person.idNumber,
    registeringRegionCode: '430421',
    ...(phone === undefined ? {} : { phone }),
    groups: [
      {
        groupCode: 'registered_unemployed',
        certifierCode: 'public_employment_service',
        validFrom: '2021-01-01',
      },
    ],
  });
  expect(registered.statusCode, registered.body).toBe(201);
  person.personId = registered.json().id;
}

/**
 * A completed class of the trainees (from 2021-05-10) and its training-subsidy claim: filed by the
 * school on 2021-05-24 with its materials, reviewed and put on notice by the county, approved by
 * the city on 2021-05-31. Moves the manual clock along; returns the approval's answer.
 */
export async function approvedTrainingClaim(
  harness: TestApp,
  clock: ManualClock,
  options: { school: Headers; county: Headers; city: Headers; trainees: Trainee[]; tag: string },
) {
  const call = caller(harness);
  const { school, county, city } = options;
  clock.set('2021-05-06T01:00:00Z');
  const classId = await completeClass(harness, {
    school,
    county,
    startDay: '2021-05-10',
    trainees: options.trainees,
    tag: options.tag,
  });
  clock.set('2021-05-24T01:00:00Z');
  const created = await call('POST', '/api/claims', school, {
    applicationDate: '2021-05-24',
    payeeAccount: { bankName: '中国工商银行衡阳县支行', accountNumber: '1904020109000088888' },
    claim: { source: 'class', classId, subsidyKind: 'training' },
  });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().id as number;
  await uploadRequiredMaterials(harness, id, school);
  for (const [step, who] of [
    ['submit', school],
    ['review', county],
    ['start-notice', county],
  ] as const) {
    const moved = await call('POST', `/api/claims/${id}/${step}`, who, step === 'submit' ? undefined : {});
    expect(moved.statusCode, moved.body).toBe(200);
  }
  clock.set('2021-05-31T01:00:00Z');
  const approved = await call('POST', `/api/claims/${id}/approve`, city, {});
  expect(approved.statusCode, approved.body).toBe(200);
  return approved.json() as {
    id: number;
    totalAmountFen: number;
    lines: { id: number; amountFen: number; personId: number }[];
  };
}

/**
 * Pays approved claims: the payment is ordered the two-person way on `orderedOn`, and the bank's
 * result, read on `paidOn`, pays every disbursement. Moves the manual clock; returns the batch.
 */
export async function payThroughBank(
  harness: TestApp,
  clock: ManualClock,
  options: {
    finance: Headers;
    checker: Headers;
    claimIds: number[];
    orderedOn: string;
    paidOn: string;
    idempotencyId: string;
  },
) {
  clock.set(`${options.orderedOn}T01:00:00Z`);
  const batch = await orderAndApprovePayment(harness, options.finance, options.checker, {
    claimIds: options.claimIds,
    valueDate: options.orderedOn,
    idempotencyId: options.idempotencyId,
  });
  clock.set(`${options.paidOn}T01:00:00Z`);
  const result = await caller(harness)(
    'POST',
    `/api/claims/payments/${batch.id}/bank-result`,
    options.finance,
    {
      csv: `disbursement_id,status,reason\n${batch.disbursements.map((d) => `${d.reference},paid,`).join('\n')}\n`,
      valueDate: options.paidOn,
    },
  );
  expect(result.statusCode, result.body).toBe(200);
  return batch;
}

/** One transfer of a journal posted by hand, its accounts named by region and kind. */
export interface LegByHand extends TransferReferences {
  idempotencyId: string;
  regionCode: string;
  debit: AccountKind;
  credit: AccountKind;
  amountFen: number;
  valueDate: string;
}

/**
 * Posts a journal straight to the ledger (sealed and audited as every posting is) past the
 * services' rules: what a test uses to write what older code or a stray writer left in the
 * books. Every transfer carries the journal's code. Run it inside `inLedgerTransaction`.
 */
export async function postJournalByHand(
  trx: Executor,
  journal: { provinceCode: string; code: TransferCode; description: string; legs: LegByHand[] },
) {
  const transfers = [];
  for (const { regionCode, debit, credit, ...transfer } of journal.legs)
    transfers.push({
      ...transfer,
      debitAccountId: (await accountFor(trx, regionCode, debit)).id,
      creditAccountId: (await accountFor(trx, regionCode, credit)).id,
      code: journal.code,
    });
  return postJournal(trx, SYSTEM_CONTEXT, {
    provinceCode: journal.provinceCode,
    code: journal.code,
    description: journal.description,
    transfers,
  });
}
