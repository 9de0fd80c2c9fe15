import { api, idNumberWithCheckDigit, type ServerHandle } from './harness.ts';

/** `today` + `days` at `hour` o'clock China time, as an ISO instant with offset. */
function at(today: string, days: number, hour: number): string {
  const day = new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  return `${day}T${String(hour).padStart(2, '0')}:00:00+08:00`;
}

/** Publishes Hengyang's catalog unless one is in force (the full flow publishes it through the page). */
export async function ensureHengyangCatalog(server: ServerHandle): Promise<void> {
  const published = (await api(
    server,
    'hy_city',
    'GET',
    `/api/catalog/versions?regionCode=430400&status=published&effectiveOn=${server.today()}`,
  )) as { total: number };
  if (published.total > 0) return;
  const version = await api(server, 'hy_city', 'POST', '/api/catalog/versions', {
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
    ],
  });
  await api(server, 'hy_city', 'POST', `/api/catalog/versions/${version.id}/publish`, {});
}

/**
 * Set-up through the API, as the institution and the county would do it: a class of 衡阳县 filed
 * and approved, one registered-unemployed trainee enrolled, attended, passed and certified, and the
 * school's training-subsidy claim of it (a draft, lines decided). Moves the server's business clock
 * seven days on, past the class. Returns the claim's id.
 */
export async function completedClassClaim(
  server: ServerHandle,
  options: {
    className: string;
    trainee: { name: string; idNumberFirst17: string };
    certificateNumber: string;
    payeeAccountNumber: string;
  },
): Promise<number> {
  await ensureHengyangCatalog(server);
  const today = server.today();
  const sessions = [3, 4, 5, 6].map((offset) => ({
    startsAt: at(today, offset, 8),
    endsAt: at(today, offset, 12),
    mode: 'offline',
    topic: `第${offset - 2}讲`,
    location: '衡阳县实训楼101',
  }));
  const filed = await api(server, 'hy_school', 'POST', '/api/classes', {
    regionCode: '430421',
    name: options.className,
    occupationCode: '4-10-01-05',
    level: 'primary',
    capacity: 40,
    teachingPlan: { modules: ['安全用电', '实操训练'] },
    teachers: [{ name: '周老师', qualification: '电工技师' }],
    assessmentPlan: { method: '理论+实操', passScore: 60 },
    sessions,
  });
  const classId = filed.id as number;
  await api(server, 'hy_county', 'POST', `/api/classes/${classId}/approve`, {});
  const { name } = options.trainee;
  const idNumber = idNumberWithCheckDigit(options.trainee.idNumberFirst17);
  const person = await api(server, 'hy_county', 'POST', '/api/persons', {
    name,
    idNumber,
    registeringRegionCode: '430421',
    groups: [
      {
        groupCode: 'registered_unemployed',
        certifierCode: 'public_employment_service',
        validFrom: '2021-01-01',
      },
    ],
  });
  const personId = person.id as number;
  await api(server, 'hy_school', 'POST', `/api/classes/${classId}/enrolments`, { name, idNumber });
  // What happened in the class is recorded after it: the business clock moves past it.
  server.advanceDays(7);
  const detail = (await api(server, 'hy_school', 'GET', `/api/classes/${classId}`)) as {
    sessions: { id: number; startsAt: string; endsAt: string }[];
  };
  await api(server, 'hy_school', 'POST', `/api/classes/${classId}/attendance`, {
    records: detail.sessions.flatMap((session) => [
      { sessionId: session.id, personId, event: 'sign_in', at: session.startsAt, method: 'face' },
      { sessionId: session.id, personId, event: 'sign_out', at: session.endsAt, method: 'face' },
    ]),
  });
  const examDate = at(today, 6, 14).slice(0, 10);
  await api(server, 'hy_school', 'POST', `/api/classes/${classId}/results`, {
    personId,
    score: 88,
    isPassed: true,
    examDate,
  });
  await api(server, 'hy_school', 'POST', '/api/certificates', {
    personId,
    classId,
    certificateType: 'training_qualified',
    level: 'primary',
    occupationCode: '4-10-01-05',
    certificateNumber: options.certificateNumber,
    issuer: '衡阳县人力资源和社会保障局',
    issuedOn: examDate,
  });
  const claim = await api(server, 'hy_school', 'POST', '/api/claims', {
    applicationDate: server.today(),
    payeeAccount: { bankName: '中国工商银行衡阳县支行', accountNumber: options.payeeAccountNumber },
    claim: { source: 'class', classId, subsidyKind: 'training' },
  });
  return claim.id as number;
}
