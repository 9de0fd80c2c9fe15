import type { LightMyRequestResponse } from 'fastify';
import type { Role } from '../../src/auth/roles.ts';
import { accountFor } from '../../src/ledger/transfer.service.ts';
import { creditCodeCheckCharacter, idNumberCheckCharacter } from '../../src/registry/identifiers.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { fullAttendance } from '../scenarios/claim-support.ts';
import { bearer, createSecurityApp, type SecurityApp, seedUsers } from './security-app.ts';

/**
 * Objects for the object-level (BOLA) probes of the authorization matrix: real claims, classes,
 * persons, organisations, ledger rows, supervision alerts/cases/sanctions and report snapshots,
 * created through the HTTP API by officers and operators of three *foreign* places — another
 * province, another county of the caller's own city, and another organisation in the caller's
 * own county. The matrix then calls every route with an id in its path on each of them.
 */

/** Where a set of foreign objects lives, relative to the matrix callers (湖南 衡阳市 衡阳县). */
export interface Place {
  key: 'other-province' | 'other-county' | 'other-organisation';
  provinceCode: string;
  cityCode: string;
  countyCode: string;
  /** Written into every name and title of the place's objects; a response containing it leaked. */
  marker: string;
  /** Digits 2–3 of every ID-number sequence of the place (keeps ID numbers unique). */
  sequence: string;
  /** Claims, ledger, supervision and reports too (the other-organisation place needs fewer). */
  isFull: boolean;
}

export const PLACES: readonly Place[] = [
  {
    key: 'other-province',
    provinceCode: '320000',
    cityCode: '320100',
    countyCode: '320102',
    marker: 'BOLA外省',
    sequence: '1',
    isFull: true,
  },
  {
    key: 'other-county',
    provinceCode: '430000',
    cityCode: '430400',
    countyCode: '430481',
    marker: 'BOLA外县',
    sequence: '2',
    isFull: true,
  },
  {
    key: 'other-organisation',
    provinceCode: '430000',
    cityCode: '430400',
    countyCode: '430421',
    marker: 'BOLA他单位',
    sequence: '3',
    isFull: false,
  },
];

/** The kinds of object a route's id can name (the matrix maps every route to one of them). */
export const OBJECT_KINDS = [
  'user',
  'person',
  'organisation',
  'institution',
  'catalogDraft',
  'catalogEntry',
  'classFiled',
  'class',
  'claimDraft',
  'claimSubmitted',
  'claimInNotice',
  'claimApproved',
  'objection',
  'paymentBatch',
  'ledgerAccount',
  'ledgerTransfer',
  'fundRequest',
  'recoveryOrder',
  'paymentOrder',
  'ledgerApproval',
  'bankStatement',
  'reconciliation',
  'employmentRecord',
  'reportSnapshot',
  'alert',
  'case',
  'sanction',
  'sanctionAppealed',
  'certificate',
  'admission',
  'evaluationAdmission',
  'assessment',
  'personGroup',
] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

export interface SeededObject {
  kind: ObjectKind;
  place: Place['key'];
  regionCode: string;
  /** Values of the route's path parameters (`id`, `userId`, `batchId`, `objectionId`). */
  params: Record<string, number>;
  /** Ids a valid request body needs (a session and person of the class, …). */
  context: Record<string, number>;
  /** Strings only this object's (or its place's) data contains. */
  markers: string[];
}

export type MatrixApp = SecurityApp & { appClock: ManualClock };

/** Thursday 6 May 2021, 09:00 China time: the Hengyang and Jiangsu policies are in force. */
export const SEED_START = '2021-05-06T01:00:00Z';

/** Like createSecurityApp (demo mode), with a manual business clock for notices and dates. */
export async function createMatrixApp(): Promise<MatrixApp> {
  const appClock = new ManualClock(SEED_START);
  const app = await createSecurityApp({
    isDemoMode: true,
    env: { SKILLFUND_UPLOAD_DIR: '/tmp/skillfund-test-uploads' },
    appClock,
  });
  return { ...app, appClock };
}

export function idNumberOf(region: string, birth: string, sequence: string): string {
  const first17 = `${region}${birth}${sequence}`;
  return `${first17}${idNumberCheckCharacter(first17)}`;
}

function creditCodeOf(first17: string): string {
  return `${first17}${creditCodeCheckCharacter(first17)}`;
}

/** A multipart body: text fields first, then one file field named `file`. */
export function multipart(fields: Record<string, string>, fileName: string, content: Buffer, type: string) {
  const boundary = `----bola${Math.random().toString(16).slice(2)}`;
  const parts = Object.entries(fields).map(([name, value]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
  );
  return {
    payload: Buffer.concat([
      ...parts,
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${type}\r\n\r\n`,
      ),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

interface Trainee {
  name: string;
  idNumber: string;
  personId?: number;
}

const PAYEE = { bankName: '中国工商银行探针支行', accountNumber: '6222020200112233' };

/** Creates the foreign objects; everything goes through the API as a legitimate user would. */
class Seeder {
  readonly objects: SeededObject[] = [];
  #serial = 0;

  constructor(readonly t: MatrixApp) {}

  async token(loginName: string): Promise<string> {
    const response = await this.t.login(loginName);
    if (response.statusCode !== 200) throw new Error(`seed login ${loginName}: ${response.body}`);
    return response.json().token as string;
  }

  /** One request that must succeed; returns the parsed JSON body. */
  async call(
    token: string,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) {
    const response: LightMyRequestResponse = await this.t.app.inject({
      method,
      url,
      headers: { ...bearer(token), ...headers },
      ...(payload !== undefined && { payload: payload as object }),
    });
    if (response.statusCode >= 300)
      throw new Error(`seed ${method} ${url} → ${response.statusCode}: ${response.body}`);
    return response.json();
  }

  add(place: Place, kind: ObjectKind, params: Record<string, number>, more: Partial<SeededObject> = {}) {
    this.objects.push({
      kind,
      place: place.key,
      regionCode: more.regionCode ?? place.countyCode,
      params,
      context: more.context ?? {},
      markers: [place.marker, ...(more.markers ?? [])],
    });
  }

  next(): number {
    this.#serial += 1;
    return this.#serial;
  }
}

interface PlaceActors {
  county: string;
  city: string;
  finance: string;
  /** A second finance officer: approves what `finance` requests (双人复核). */
  checker: string;
  school: string;
  factory: string;
  institutionId: number;
  enterpriseId: number;
}

async function setUpActors(s: Seeder, place: Place): Promise<PlaceActors> {
  const prefix = `bola_${place.key.replace(/-/g, '_')}`;
  const officers: Array<{ loginName: string; role: Role; regionCode: string }> = [
    { loginName: `${prefix}_county`, role: 'county_officer', regionCode: place.countyCode },
    { loginName: `${prefix}_city`, role: 'city_officer', regionCode: place.cityCode },
    { loginName: `${prefix}_finance`, role: 'finance_officer', regionCode: place.cityCode },
  ];
  const userIds = await seedUsers(s.t.database, officers);
  const county = await s.token(`${prefix}_county`);
  const serial = String(s.next()).padStart(5, '0');
  const institution = await s.call(county, 'POST', '/api/organisations', {
    kind: 'institution',
    regionCode: place.countyCode,
    name: `${place.marker}职业技能培训学校`,
    creditCode: creditCodeOf(`52${place.countyCode}MJ${place.sequence}${serial}0`),
    licenceNumber: `${place.marker}民培${serial}`,
    capacity: 200,
    allowedOccupationCodes: ['4-10-01-05'],
  });
  const enterprise = await s.call(county, 'POST', '/api/organisations', {
    kind: 'enterprise',
    regionCode: place.countyCode,
    name: `${place.marker}制造有限公司`,
    creditCode: creditCodeOf(`91${place.countyCode}MA${place.sequence}${serial}0`),
    enterpriseSize: 'small',
  });
  await seedUsers(s.t.database, [
    {
      loginName: `${prefix}_school`,
      role: 'institution_operator',
      regionCode: place.countyCode,
      organisationId: institution.id,
    },
    {
      loginName: `${prefix}_factory`,
      role: 'enterprise_operator',
      regionCode: place.countyCode,
      organisationId: enterprise.id,
    },
  ]);
  await seedUsers(s.t.database, [
    { loginName: `${prefix}_checker`, role: 'finance_officer', regionCode: place.cityCode },
  ]);
  // Admitted to the institution catalog (机构目录), so it may file its classes.
  const admission = await s.call(county, 'POST', '/api/catalog/institutions', {
    institutionId: institution.id,
    occupationCode: '4-10-01-05',
    level: 'primary',
    regionCode: place.countyCode,
    validFrom: '2020-01-01',
  });
  s.add(place, 'admission', { id: admission.id });
  s.add(place, 'organisation', { id: institution.id }, { markers: [institution.creditCode] });
  s.add(place, 'institution', { id: institution.id }, { markers: [institution.creditCode] });
  if (place.isFull) {
    for (const officer of officers)
      s.add(
        place,
        'user',
        { userId: userIds[officer.loginName]! },
        { regionCode: officer.regionCode, markers: [officer.loginName] },
      );
  }
  return {
    county,
    city: await s.token(`${prefix}_city`),
    finance: await s.token(`${prefix}_finance`),
    checker: await s.token(`${prefix}_checker`),
    school: await s.token(`${prefix}_school`),
    factory: await s.token(`${prefix}_factory`),
    institutionId: institution.id,
    enterpriseId: enterprise.id,
  };
}

/** A published city catalog (so classes are in the catalog) and, for full places, a county draft. */
async function seedCatalogs(s: Seeder, place: Place, actors: PlaceActors, isCityPublished: boolean) {
  const entry = {
    occupationCode: '4-10-01-05',
    level: 'primary',
    standardAmountFen: 100_000,
    standardDays: 4,
    standardClassHours: 20,
  };
  const citation = { document: '探针目录文件', article: '一' };
  if (isCityPublished) {
    const version = await s.call(actors.city, 'POST', '/api/catalog/versions', {
      regionCode: place.cityCode,
      title: `${place.marker}市2021年补贴目录`,
      effectiveFrom: '2021-01-01',
      citation,
      entries: [entry],
    });
    await s.call(actors.city, 'POST', `/api/catalog/versions/${version.id}/publish`);
    // A published entry of the city's catalog (withdrawn only by an officer of the city or above).
    s.add(
      place,
      'catalogEntry',
      { id: version.entries[0].id },
      { regionCode: place.cityCode, markers: [version.title] },
    );
  }
  if (!place.isFull) return;
  const draft = await s.call(actors.county, 'POST', '/api/catalog/versions', {
    regionCode: place.countyCode,
    title: `${place.marker}县补贴目录草稿`,
    effectiveFrom: '2021-07-01',
    citation,
    entries: [{ ...entry, occupationCode: '4-03-02-01' }],
  });
  s.add(place, 'catalogDraft', { id: draft.id }, { markers: [draft.title] });
}

function dayAt(startDay: string, offset: number, hour: number): string {
  const date = new Date(`${startDay}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + offset);
  return `${date.toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:00:00+08:00`;
}

async function fileClass(s: Seeder, place: Place, actors: PlaceActors, startDay: string, tag: string) {
  return s.call(actors.school, 'POST', '/api/classes', {
    regionCode: place.countyCode,
    name: `${place.marker}养老护理员${tag}班`,
    occupationCode: '4-10-01-05',
    level: 'primary',
    capacity: 40,
    teachingPlan: { modules: ['职业道德', '生活照料'] },
    teachers: [{ name: '探针老师', qualification: '养老护理员技师' }],
    assessmentPlan: { method: '理论+实操', passScore: 60 },
    sessions: [0, 1, 2, 3].map((offset) => ({
      startsAt: dayAt(startDay, offset, 8),
      endsAt: dayAt(startDay, offset, 13),
      mode: 'offline',
      topic: `第${offset + 1}讲`,
      location: `${place.marker}实训楼`,
    })),
  });
}

/** Files, approves and completes a class: enrolment, full attendance, passing results, certificates. */
async function completeClass(
  s: Seeder,
  place: Place,
  actors: PlaceActors,
  options: { startDay: string; trainees: Trainee[]; tag: string },
): Promise<{ classId: number; sessionId: number }> {
  const filed = await fileClass(s, place, actors, options.startDay, options.tag);
  await s.call(actors.county, 'POST', `/api/classes/${filed.id}/approve`, {});
  for (const person of options.trainees) {
    const registered = await s.call(actors.county, 'POST', '/api/persons', {
      name: person.name,
      idNumber: person.idNumber,
      registeringRegionCode: place.countyCode,
      groups: [
        {
          groupCode: 'registered_unemployed',
          certifierCode: 'public_employment_service',
          validFrom: '2021-01-01',
        },
      ],
    });
    person.personId = registered.id;
    await s.call(actors.school, 'POST', `/api/classes/${filed.id}/enrolments`, {
      name: person.name,
      idNumber: person.idNumber,
    });
  }
  const detail = await s.call(actors.school, 'GET', `/api/classes/${filed.id}`);
  const sessions = detail.sessions as Array<{ id: number; startsAt: string; endsAt: string }>;
  const records = fullAttendance(
    sessions,
    options.trainees.map((person) => person.personId),
  );
  // Records of what happened are made after it happened; the clock then returns for the seeding.
  const before = s.t.appClock.now();
  s.t.appClock.set(dayAt(options.startDay, 3, 18));
  await s.call(actors.school, 'POST', `/api/classes/${filed.id}/attendance`, { records });
  for (const person of options.trainees) {
    await s.call(actors.school, 'POST', `/api/classes/${filed.id}/results`, {
      personId: person.personId,
      score: 88,
      isPassed: true,
      examDate: dayAt(options.startDay, 3, 14).slice(0, 10),
    });
    const certificate = await s.call(actors.school, 'POST', '/api/certificates', {
      personId: person.personId,
      classId: filed.id,
      certificateType: 'training_qualified',
      level: 'primary',
      occupationCode: '4-10-01-05',
      certificateNumber: `BOLA-${place.sequence}-${options.tag}-${person.personId}`,
      issuer: `${place.marker}人力资源和社会保障局`,
      issuedOn: dayAt(options.startDay, 3, 16).slice(0, 10),
    });
    if (options.tag === 'C0' && person === options.trainees[0])
      s.add(place, 'certificate', { id: certificate.id }, { markers: [certificate.certificateNumber] });
  }
  s.t.appClock.set(before);
  return { classId: filed.id, sessionId: sessions[0]!.id };
}

async function uploadMaterials(s: Seeder, claimId: number, token: string): Promise<void> {
  const checklist = await s.call(token, 'GET', `/api/claims/${claimId}/materials`);
  for (const item of (checklist.items as Array<{ code: string; isRequired: boolean }>).filter(
    (entry) => entry.isRequired,
  )) {
    const body = multipart(
      { materialCode: item.code },
      `${item.code}.pdf`,
      Buffer.from(`%PDF-1.4 ${item.code} ${claimId}\n`),
      'application/pdf',
    );
    await s.call(token, 'POST', `/api/claims/${claimId}/attachments`, body.payload, body.headers);
  }
}

interface PlaceClaims {
  trainees: Trainee[];
  classes: Array<{ classId: number; sessionId: number; personId: number }>;
}

/** Completed classes, one per claim to come (a class is claimed once). */
async function seedClasses(s: Seeder, place: Place, actors: PlaceActors): Promise<PlaceClaims> {
  const sizes = place.isFull ? [6, 1, 1, 1, 1] : [1, 1];
  const trainees: Trainee[] = [];
  const classes: PlaceClaims['classes'] = [];
  for (const [index, size] of sizes.entries()) {
    const group: Trainee[] = Array.from({ length: size }, (_, n) => ({
      name: `${place.marker}学员${index}${n}`,
      idNumber: idNumberOf(place.countyCode, '19880808', `${place.sequence}${index}${n}`),
    }));
    const completed = await completeClass(s, place, actors, {
      startDay: '2021-05-10',
      trainees: group,
      tag: `C${index}`,
    });
    trainees.push(...group);
    classes.push({ ...completed, personId: group[0]!.personId! });
    if (index > 0) continue; // one completed class per place is enough to probe
    s.add(
      place,
      'class',
      { id: completed.classId },
      {
        context: { sessionId: completed.sessionId, personId: group[0]!.personId! },
        markers: [`${place.marker}养老护理员C${index}班`],
      },
    );
  }
  const filed = await fileClass(s, place, actors, '2021-09-06', 'F');
  s.add(place, 'classFiled', { id: filed.id }, { markers: [filed.name] });
  const person = trainees[0]!;
  s.add(place, 'person', { id: person.personId! }, { markers: [person.name] });
  const groups = await s.call(actors.county, 'GET', `/api/persons/${person.personId}/groups`);
  s.add(place, 'personGroup', {
    id: person.personId!,
    groupId: (groups.items as Array<{ id: number }>)[0]!.id,
  });
  return { trainees, classes };
}

/** Claims of the place in several states; returns the ids by state. */
async function seedClaims(s: Seeder, place: Place, actors: PlaceActors, seeded: PlaceClaims) {
  s.t.appClock.set('2021-05-17T01:00:00Z'); // Monday after the classes ended
  const create = async (classId: number) => {
    const claim = await s.call(actors.school, 'POST', '/api/claims', {
      applicationDate: '2021-05-17',
      payeeAccount: PAYEE,
      claim: { source: 'class', classId, subsidyKind: 'training' },
    });
    return claim as { id: number; claimNumber: string };
  };
  const submit = async (claimId: number) => {
    await uploadMaterials(s, claimId, actors.school);
    await s.call(actors.school, 'POST', `/api/claims/${claimId}/submit`);
  };
  const claimObject = (kind: ObjectKind, claim: { id: number; claimNumber: string }, personId: number) =>
    s.add(place, kind, { id: claim.id }, { context: { personId }, markers: [claim.claimNumber] });
  const [alerted, draft, notice, paid, ordered] = seeded.classes;
  // The six trainees of the first class sign in at the same second: screening raises alerts.
  const submitted = await create(alerted!.classId);
  await submit(submitted.id);
  claimObject('claimSubmitted', submitted, alerted!.personId);
  const drafted = await create(draft!.classId);
  claimObject('claimDraft', drafted, draft!.personId);
  if (!place.isFull) return { submittedId: submitted.id };
  const inNotice = await create(notice!.classId);
  const toPay = await create(paid!.classId);
  const toOrder = await create(ordered!.classId);
  for (const claim of [inNotice, toPay, toOrder]) {
    await submit(claim.id);
    await s.call(actors.county, 'POST', `/api/claims/${claim.id}/review`, {});
    await s.call(actors.county, 'POST', `/api/claims/${claim.id}/start-notice`, {});
  }
  claimObject('claimInNotice', inNotice, notice!.personId);
  const objection = await s.call(actors.county, 'POST', `/api/claims/${inNotice.id}/objections`, {
    objector: `${place.marker}群众`,
    content: `${place.marker}反映该学员未参训`,
  });
  s.add(place, 'objection', { id: inNotice.id, objectionId: objection.id }, { markers: [objection.content] });
  s.t.appClock.set('2021-05-25T01:00:00Z'); // the five-working-day notice has ended
  for (const claim of [toPay, toOrder])
    await s.call(actors.city, 'POST', `/api/claims/${claim.id}/approve`, {});
  claimObject('claimApproved', toPay, paid!.personId);
  const requestPayment = (claimId: number, key: string) =>
    s.call(actors.finance, 'POST', '/api/claims/payments', {
      claimIds: [claimId],
      valueDate: '2021-05-25',
      idempotencyId: `bola-${place.sequence}-${key}`,
    });
  const batchOf = async (claimId: number, key: string) => {
    const requested = await requestPayment(claimId, key);
    const decided = await s.call(
      actors.checker,
      'POST',
      `/api/claims/payment-orders/${requested.approval.id}/decision`,
      { isApproved: true },
    );
    return decided.batch;
  };
  // A payment order left waiting for its checker (the decision probe's object).
  const waiting = await requestPayment(toOrder.id, 'waiting');
  s.add(place, 'paymentOrder', { id: waiting.approval.id }, { markers: [waiting.approval.summary] });
  const paidBatch = await batchOf(toPay.id, 'paid');
  // The bank's result (26 May) and the recovery order (27 May) are dated no later than the
  // business date (issue 15): the clock moves on to the 27th once the payments are ordered.
  s.t.appClock.set('2021-05-27T01:00:00Z');
  await s.call(actors.finance, 'POST', `/api/claims/payments/${paidBatch.id}/bank-result`, {
    csv: `disbursement_id,status,reason\n${paidBatch.disbursements[0].reference},paid,\n`,
    valueDate: '2021-05-26',
  });
  const openBatch = await batchOf(toOrder.id, 'open');
  s.add(
    place,
    'paymentBatch',
    { id: openBatch.id, batchId: openBatch.id },
    // markers[1], the disbursement reference, is also what the bank-result probe names.
    { markers: [openBatch.disbursements[0].reference] },
  );
  return { submittedId: submitted.id, paidId: toPay.id };
}

/** The other county has no training money in the demo ledger: the city allocates some (maker-checker). */
async function fundCounty(s: Seeder, place: Place, actors: PlaceActors): Promise<void> {
  const moves = [
    { maker: actors.city, from: place.cityCode, to: place.countyCode, toKind: 'special' },
    { maker: actors.county, from: place.countyCode, to: place.countyCode, toKind: 'training' },
  ];
  for (const move of moves) {
    const request = await s.call(move.maker, 'POST', '/api/ledger/fund-requests', {
      kind: 'allocation',
      fromRegionCode: move.from,
      toRegionCode: move.to,
      toKind: move.toKind,
      amountFen: 50_000_000,
      valueDate: '2021-05-06',
      reason: `${place.marker}下拨`,
    });
    await s.call(actors.finance, 'POST', `/api/ledger/fund-requests/${request.id}/decision`, {
      isApproved: true,
    });
  }
}

async function seedLedger(s: Seeder, place: Place, actors: PlaceActors, paidClaimId: number) {
  const db = s.t.database.db;
  const training = await accountFor(db, place.countyCode, 'training');
  s.add(place, 'ledgerAccount', { id: training.id });
  const transfer = await db
    .selectFrom('ledger_transfer')
    .select('id')
    .where('debit_account_id', '=', training.id)
    .orderBy('id')
    .executeTakeFirstOrThrow();
  s.add(place, 'ledgerTransfer', { id: transfer.id });
  const pending = await s.call(actors.county, 'POST', '/api/ledger/fund-requests', {
    kind: 'allocation',
    fromRegionCode: place.countyCode,
    toRegionCode: place.countyCode,
    toKind: 'living_allowance',
    amountFen: 1_000,
    valueDate: '2021-05-26',
    reason: `${place.marker}待复核划拨`,
  });
  s.add(place, 'fundRequest', { id: pending.id }, { markers: [pending.reason] });
  // A pending reversal of the allocation into the training account (a payment's transfer is
  // corrected by the bank's return, not reversed by hand).
  const allocation = await db
    .selectFrom('ledger_transfer')
    .select('id')
    .where('credit_account_id', '=', training.id)
    .where('code', '=', 'allocation')
    .orderBy('id')
    .executeTakeFirstOrThrow();
  const reversal = await s.call(actors.finance, 'POST', `/api/ledger/transfers/${allocation.id}/reversal`, {
    idempotencyId: `bola-reversal-${place.sequence}`,
    valueDate: '2021-05-25',
    reason: `${place.marker}待复核冲正`,
  });
  s.add(place, 'ledgerApproval', { id: reversal.id }, { markers: [reversal.summary] });
  const recovery = await s.call(actors.county, 'POST', '/api/ledger/recovery-orders', {
    idempotencyId: `bola-recovery-${place.sequence}`,
    claimId: paidClaimId,
    regionCode: place.countyCode,
    subAccount: 'training',
    amountFen: 10_000,
    reason: `${place.marker}追回`,
    valueDate: '2021-05-27',
  });
  s.add(place, 'recoveryOrder', { id: recovery.id }, { markers: [recovery.reason] });
  const statement = await s.call(actors.finance, 'POST', '/api/ledger/statements', {
    regionCode: place.countyCode,
    fileName: `${place.marker}对账单.csv`,
    csv: `reference,amount,date\nBOLA-${place.sequence}-STMT,100.00,2021-05-24\n`,
    closingBalanceFen: 0,
  });
  s.add(place, 'bankStatement', { id: statement.statementId }, { markers: [`BOLA-${place.sequence}-STMT`] });
  const reconciliation = await s.call(actors.finance, 'POST', '/api/ledger/reconciliations', {
    statementId: statement.statementId,
    period: '2021-05',
  });
  s.add(place, 'reconciliation', { id: reconciliation.id });
  const line = await db
    .selectFrom('bank_statement_line')
    .select('id')
    .where('statement_id', '=', statement.statementId)
    .executeTakeFirstOrThrow();
  // Interest from a statement line is a manual posting awaiting its checker (a ledger approval).
  await s.call(actors.finance, 'POST', '/api/ledger/statement-postings', {
    statementLineId: line.id,
    kind: 'interest',
  });
}

async function seedSupervision(s: Seeder, place: Place, actors: PlaceActors, submittedClaimId: number) {
  const alerts = (await s.call(actors.county, 'GET', `/api/supervision/claims/${submittedClaimId}/alerts`))
    .items as Array<{ id: number; ruleCode: string }>;
  if (alerts.length < 2) throw new Error(`${place.key}: expected two alerts, got ${JSON.stringify(alerts)}`);
  s.add(place, 'alert', { id: alerts[0]!.id });
  const opened = await s.call(actors.county, 'POST', '/api/supervision/cases', {
    alertIds: [alerts[1]!.id],
    title: `${place.marker}集中签到核查`,
  });
  s.add(place, 'case', { id: opened.id }, { markers: [opened.title] });
  const serial = String(s.next()).padStart(5, '0');
  const sanctions: number[] = [];
  for (const tag of ['A', 'B']) {
    const evaluator = await s.call(actors.county, 'POST', '/api/organisations', {
      kind: 'evaluation_org',
      regionCode: place.countyCode,
      name: `${place.marker}评价机构${tag}`,
      creditCode: creditCodeOf(`52${place.countyCode}MJ${place.sequence}${serial}${tag === 'A' ? '1' : '2'}`),
    });
    const sanction = await s.call(actors.city, 'POST', '/api/supervision/sanctions', {
      organisationId: evaluator.id,
      action: 'suspended',
      effectiveDate: '2021-05-26',
      reason: `${place.marker}评价机构${tag}违规`,
    });
    sanctions.push(sanction.id);
  }
  s.add(place, 'sanction', { id: sanctions[0]! }, { markers: [`${place.marker}评价机构A`] });
  await s.call(actors.city, 'POST', `/api/supervision/sanctions/${sanctions[1]}/appeal`, {
    filedOn: '2021-05-27',
    grounds: `${place.marker}申诉理由`,
  });
  s.add(place, 'sanctionAppealed', { id: sanctions[1]! }, { markers: [`${place.marker}申诉理由`] });
  await s.call(actors.city, 'POST', '/api/supervision/ratings/recompute', { year: 2021 });
}

async function seedEmployment(s: Seeder, place: Place, actors: PlaceActors, trainee: Trainee) {
  const personId = trainee.personId!;
  // The enterprise names its employee the real-name way: ID number and name.
  const record = await s.call(actors.factory, 'POST', '/api/employment-records', {
    enterpriseId: actors.enterpriseId,
    idNumber: trainee.idNumber,
    name: trainee.name,
    contractMonths: 12,
    start: '2021-03-01',
  });
  s.add(place, 'employmentRecord', { id: record.id }, { context: { personId } });
}

/** An evaluation organisation admitted to the evaluation catalog, its operator and one assessment. */
async function seedEvaluation(s: Seeder, place: Place, actors: PlaceActors) {
  const serial = String(s.next()).padStart(5, '0');
  const station = await s.call(actors.county, 'POST', '/api/organisations', {
    kind: 'evaluation_org',
    regionCode: place.countyCode,
    name: `${place.marker}等级认定中心`,
    creditCode: creditCodeOf(`52${place.countyCode}MJ${place.sequence}${serial}3`),
  });
  const admission = await s.call(actors.county, 'POST', '/api/catalog/evaluation-organisations', {
    organisationId: station.id,
    occupationCode: '4-10-01-05',
    level: 'primary',
    regionCode: place.countyCode,
    validFrom: '2021-01-01',
  });
  s.add(place, 'evaluationAdmission', { id: admission.id });
  const loginName = `bola_${place.key.replace(/-/g, '_')}_assessor`;
  await seedUsers(s.t.database, [
    { loginName, role: 'evaluation_org_operator', regionCode: place.countyCode, organisationId: station.id },
  ]);
  const assessment = await s.call(await s.token(loginName), 'POST', '/api/assessments', {
    occupationCode: '4-10-01-05',
    level: 'primary',
    assessedOn: '2021-05-06',
  });
  s.add(place, 'assessment', { id: assessment.id });
}

async function seedReport(s: Seeder, place: Place, actors: PlaceActors) {
  const snapshot = await s.call(actors.county, 'POST', '/api/reports/finalize', {
    regionCode: place.countyCode,
    year: 2021,
    reason: `${place.marker}年报定稿`,
  });
  s.add(place, 'reportSnapshot', { id: snapshot.id });
}

/** Tokens of each place's own county officer and city finance officer (in-scope readers). */
export type PlaceReaders = Record<Place['key'], { county: string; finance: string }>;

/**
 * Seeds every foreign place and returns its objects, and in-scope readers for the positive
 * controls. The app clock is left on Friday 2021-05-28 (the probes' value dates); the matrix's
 * callers are created afterwards.
 */
export async function seedForeignObjects(
  t: MatrixApp,
): Promise<{ objects: SeededObject[]; readers: PlaceReaders }> {
  const s = new Seeder(t);
  const readers: Partial<PlaceReaders> = {};
  let isHengyangCatalogPublished = false;
  for (const place of PLACES) {
    t.appClock.set(SEED_START);
    const actors = await setUpActors(s, place);
    readers[place.key] = { county: actors.county, finance: actors.finance };
    const isCityPublished = place.cityCode !== '430400' || !isHengyangCatalogPublished;
    await seedCatalogs(s, place, actors, isCityPublished);
    if (place.cityCode === '430400') isHengyangCatalogPublished = true;
    if (place.key === 'other-county') await fundCounty(s, place, actors);
    const classes = await seedClasses(s, place, actors);
    const claims = await seedClaims(s, place, actors, classes);
    await seedEmployment(s, place, actors, classes.trainees[0]!);
    await seedEvaluation(s, place, actors);
    if (!place.isFull) continue;
    await seedLedger(s, place, actors, claims.paidId!);
    await seedSupervision(s, place, actors, claims.submittedId);
    await seedReport(s, place, actors);
  }
  t.appClock.set('2021-05-28T01:00:00Z');
  return { objects: s.objects, readers: readers as PlaceReaders };
}
