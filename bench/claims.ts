/**
 * A batch claim for a 50-trainee class on the embedded database (PGlite): the class is set up
 * through the HTTP API at a business date in 2021, then the claim is created (every line decided
 * by the policy engine with history from the database) and submitted (decided again, with
 * entitlements reserved). Target (issue 5): the batch decided in under 1 s. Run with
 * `npx tsx bench/claims.ts` (BENCH_TRAINEES changes the class size); the last line is the summary
 * and a JSON line is appended to bench/results/claims.jsonl.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/api/app.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrator.ts';
import { DEMO_PASSWORD, seedDemo } from '../src/demo/demo.service.ts';
import { idNumberCheckCharacter } from '../src/registry/identifiers.ts';
import { ManualClock } from '../src/shared/clock.ts';
import { loadConfig } from '../src/shared/config.ts';

const TRAINEES = Number(process.env.BENCH_TRAINEES ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const clock = new ManualClock('2021-03-01T01:00:00Z');
const database = await openDatabase({});
await migrate(database);
await seedDemo(database.db);
const app = await buildApp({
  config: loadConfig({ LOG_LEVEL: 'silent', SKILLFUND_DATA_DIR: 'memory://' }),
  database,
  clock,
});

async function call(method: 'GET' | 'POST', url: string, token: string, payload?: unknown) {
  const response = await app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload ? { payload: payload as object } : {}),
  });
  if (response.statusCode >= 300)
    throw new Error(`${method} ${url} → ${response.statusCode} ${response.body}`);
  return response.json();
}
async function login(loginName: string): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { loginName, password: DEMO_PASSWORD },
  });
  return response.json().token;
}

const county = await login('hy_county');
const city = await login('hy_city');
const school = await login('hy_school');
const version = await call('POST', '/api/catalog/versions', city, {
  regionCode: '430400',
  title: '衡阳市2021年补贴目录',
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
await call('POST', `/api/catalog/versions/${version.id}/publish`, city);

async function completedClass(round: number): Promise<number> {
  const day = (offset: number, hour: number) =>
    `2021-03-${String(8 + offset + round * 7).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00+08:00`;
  const filed = await call('POST', '/api/classes', school, {
    regionCode: '430421',
    name: `基准测试班 ${round}`,
    occupationCode: round % 2 === 0 ? '4-10-01-05' : '4-03-02-01',
    level: 'primary',
    capacity: TRAINEES,
    teachingPlan: {},
    teachers: [{ name: '赵老师', qualification: '技师' }],
    assessmentPlan: {},
    sessions: [0, 1].map((offset) => ({
      startsAt: day(offset, 8),
      endsAt: day(offset, 12),
      mode: 'offline',
      topic: `第${offset + 1}讲`,
    })),
  });
  await call('POST', `/api/classes/${filed.id}/approve`, county, {});
  const detail = await call('GET', `/api/classes/${filed.id}`, school);
  const records = [];
  const trainees: { personId: number; index: number }[] = [];
  for (let index = 0; index < TRAINEES; index += 1) {
    const first17 = `430421199${round}0101${String(index * 2 + 1).padStart(3, '0')}`;
    const person = await call('POST', '/api/persons', county, {
      name: `学员${round}-${index}`,
      idNumber: `${first17}${idNumberCheckCharacter(first17)}`,
      registeringRegionCode: '430421',
      groups: [
        {
          groupCode: 'registered_unemployed',
          certifierCode: 'public_employment_service',
          validFrom: '2021-01-01',
        },
      ],
    });
    // The institution enrols the real-name way (name and ID number).
    await call('POST', `/api/classes/${filed.id}/enrolments`, school, {
      name: `学员${round}-${index}`,
      idNumber: `${first17}${idNumberCheckCharacter(first17)}`,
    });
    for (const session of detail.sessions) {
      records.push({
        sessionId: session.id,
        personId: person.id,
        event: 'sign_in',
        at: session.startsAt,
        method: 'face',
      });
      records.push({
        sessionId: session.id,
        personId: person.id,
        event: 'sign_out',
        at: session.endsAt,
        method: 'face',
      });
    }
    trainees.push({ personId: person.id, index });
  }
  // What happened is recorded after it happened: the business clock moves past the class.
  clock.set(new Date(day(1, 18)).toISOString());
  await call('POST', `/api/classes/${filed.id}/attendance`, school, { records });
  for (const { personId, index } of trainees) {
    await call('POST', `/api/classes/${filed.id}/results`, school, {
      personId,
      score: 88,
      isPassed: true,
      examDate: day(1, 16).slice(0, 10),
    });
    await call('POST', '/api/certificates', school, {
      personId,
      classId: filed.id,
      certificateType: 'training_qualified',
      level: 'primary',
      occupationCode: round % 2 === 0 ? '4-10-01-05' : '4-03-02-01',
      certificateNumber: `BENCH-${round}-${index}`,
      issuer: '衡阳县人力资源和社会保障局',
      issuedOn: day(1, 16).slice(0, 10),
    });
  }
  return filed.id;
}

const timings: { createMs: number; submitMs: number }[] = [];
for (let round = 0; round < ROUNDS; round += 1) {
  clock.set('2021-03-01T01:00:00Z');
  const classId = await completedClass(round);
  clock.set('2021-04-30T01:00:00Z');
  let started = performance.now();
  const claim = await call('POST', '/api/claims', school, {
    applicationDate: '2021-04-30',
    payeeAccount: { bankName: '工商银行衡阳县支行', accountNumber: '1904020109000012345' },
    claim: { source: 'class', classId, subsidyKind: 'training' },
  });
  const createMs = performance.now() - started;
  if (claim.lines.length !== TRAINEES || claim.eligibleLineCount !== TRAINEES)
    throw new Error(`unexpected claim: ${claim.eligibleLineCount}/${claim.lines.length}`);
  const checklist = await call('GET', `/api/claims/${claim.id}/materials`, school);
  for (const item of checklist.items) {
    const boundary = 'benchboundary';
    await app.inject({
      method: 'POST',
      url: `/api/claims/${claim.id}/attachments`,
      headers: {
        authorization: `Bearer ${school}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="materialCode"\r\n\r\n${item.code}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 ${item.code}\r\n--${boundary}--\r\n`,
    });
  }
  started = performance.now();
  const submitted = await call('POST', `/api/claims/${claim.id}/submit`, school);
  const submitMs = performance.now() - started;
  if (submitted.totalAmountFen <= 0) throw new Error('submitted claim has no amount');
  timings.push({ createMs, submitMs });
  console.log(
    `round ${round + 1}: create (decide ${TRAINEES} lines) ${createMs.toFixed(0)} ms, submit (decide again + reserve) ${submitMs.toFixed(0)} ms`,
  );
}
await app.close();
await database.close();

const worstCreate = Math.max(...timings.map((timing) => timing.createMs));
const worstSubmit = Math.max(...timings.map((timing) => timing.submitMs));
const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
fs.mkdirSync(resultsDir, { recursive: true });
fs.appendFileSync(
  path.join(resultsDir, 'claims.jsonl'),
  `${JSON.stringify({ date: new Date().toISOString(), database: 'pglite', trainees: TRAINEES, rounds: ROUNDS, worstCreateMs: Math.round(worstCreate), worstSubmitMs: Math.round(worstSubmit) })}\n`,
);
console.log(
  `claims: ${TRAINEES}-trainee class on PGlite, worst of ${ROUNDS}: create ${worstCreate.toFixed(0)} ms, submit ${worstSubmit.toFixed(0)} ms (target < 1000 ms each)`,
);
