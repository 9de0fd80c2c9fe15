import type { FastifyInstance } from 'fastify';
import { SYSTEM_CONTEXT } from '../auth/audit.service.ts';
import { createUser } from '../auth/auth.service.ts';
import type { ClaimStatus } from '../claims/claim.workflow.ts';
import type { ManualClock } from '../shared/clock.ts';
import { DEMO_PASSWORD } from './demo.service.ts';
import { addDays, chinaTime, DemoDriver, demoCreditCode, demoIdNumber } from './demo-driver.ts';

/**
 * The living demo (issue 21): a year of Hengyang city's programme in 2021, played through the
 * platform's own API on a business clock that runs from January to {@link LIVING_DEMO_TODAY}.
 * Every class, claim, payment, alert and case below went through the real rules and left its
 * audit entries; nothing is inserted behind the services' back.
 */

/**
 * The value date of the demo funds under the living demo (`seedDemo(db, { ledgerValueDate })`):
 * its first business day, so the year's payments draw on that year's allocations.
 */
export const LIVING_DEMO_LEDGER_DATE = '2021-01-04';

/** The business date the living demo ends on; `npm start` runs the training clock from here. */
export const LIVING_DEMO_TODAY = '2021-11-16';

const COUNTY = '430421';
const CITY = '430400';
const SCHOOL = 'hy_school';
const SCHOOL2 = 'hn_school';
const OFFICER = 'hy_county';
const CITY_OFFICER = 'hy_city';
const FINANCE = 'hy_finance';
const CHECKER = 'hy_finance_checker';
const INSTITUTION_PAYEE = { bankName: '中国工商银行衡阳县支行', accountNumber: '1904020109000012345' };
const SCHOOL2_PAYEE = { bankName: '中国农业银行衡南县支行', accountNumber: '1856010400012345678' };

const SURNAMES =
  '王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段';
const GIVEN = [
  '秀英',
  '建国',
  '丽华',
  '志强',
  '海燕',
  '伟',
  '芳',
  '敏',
  '静',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '霞',
  '平',
  '刚',
  '桂英',
  '玉兰',
];

interface DemoPerson {
  name: string;
  idNumber: string;
  personId?: number;
}

let personSequence = 0;
function nextPerson(): DemoPerson {
  personSequence += 1;
  const index = personSequence;
  const name = `${SURNAMES[index % SURNAMES.length]}${GIVEN[(index * 7) % GIVEN.length]}`;
  const year = 1970 + (index % 30);
  const month = String(1 + (index % 12)).padStart(2, '0');
  const day = String(1 + (index % 28)).padStart(2, '0');
  return { name, idNumber: demoIdNumber(COUNTY, `${year}${month}${day}`, 100 + index * 2) };
}

/** What one demo class is for: the state its class and claim end in on {@link LIVING_DEMO_TODAY}. */
interface ClassPlan {
  tag: string;
  /** The day the class starts (four half-day sessions on consecutive days). */
  startDay: string;
  school: typeof SCHOOL | typeof SCHOOL2;
  occupationCode: '4-10-01-05' | '4-03-02-01';
  trainees: number;
  /** Where the class stops: filed, rejected, approved (not yet held) or completed with a claim. */
  classTarget: 'filed' | 'rejected' | 'approved' | 'completed';
  claimTarget?: ClaimStatus;
  /** A third-party agency under contract reviews the claim instead of the county officer. */
  isReviewedByAgency?: boolean;
}

const OCCUPATION_NAMES = { '4-10-01-05': '养老护理员', '4-03-02-01': '中式烹调师' } as const;

/** Eleven claims in every workflow state, and classes in every state, over 2021. */
const CLASS_PLANS: ClassPlan[] = [
  {
    tag: '2101',
    startDay: '2021-01-18',
    school: SCHOOL,
    occupationCode: '4-10-01-05',
    trainees: 4,
    classTarget: 'completed',
    claimTarget: 'paid',
  },
  {
    tag: '2103',
    startDay: '2021-03-01',
    school: SCHOOL,
    occupationCode: '4-03-02-01',
    trainees: 4,
    classTarget: 'completed',
    claimTarget: 'paid',
  },
  {
    tag: '2104',
    startDay: '2021-04-12',
    school: SCHOOL2,
    occupationCode: '4-10-01-05',
    trainees: 3,
    classTarget: 'completed',
    claimTarget: 'paid',
  },
  {
    tag: '2105',
    startDay: '2021-05-17',
    school: SCHOOL,
    occupationCode: '4-10-01-05',
    trainees: 3,
    classTarget: 'completed',
    claimTarget: 'payment_failed',
  },
  {
    tag: '2106',
    startDay: '2021-06-21',
    school: SCHOOL,
    occupationCode: '4-03-02-01',
    trainees: 4,
    classTarget: 'completed',
    claimTarget: 'paid',
  },
  {
    tag: '2108',
    startDay: '2021-08-02',
    school: SCHOOL,
    occupationCode: '4-10-01-05',
    trainees: 3,
    classTarget: 'completed',
    claimTarget: 'rejected',
  },
  {
    tag: '2109',
    startDay: '2021-08-30',
    school: SCHOOL,
    occupationCode: '4-03-02-01',
    trainees: 3,
    classTarget: 'completed',
    claimTarget: 'returned',
  },
  {
    tag: '2110',
    startDay: '2021-09-20',
    school: SCHOOL,
    occupationCode: '4-10-01-05',
    trainees: 3,
    classTarget: 'completed',
    claimTarget: 'payment_ordered',
  },
  {
    tag: '2111',
    startDay: '2021-10-04',
    school: SCHOOL,
    occupationCode: '4-03-02-01',
    trainees: 3,
    classTarget: 'completed',
    claimTarget: 'approved',
  },
  {
    tag: '2112',
    startDay: '2021-10-18',
    school: SCHOOL,
    occupationCode: '4-10-01-05',
    trainees: 3,
    classTarget: 'completed',
    claimTarget: 'reviewed',
    isReviewedByAgency: true,
  },
  {
    tag: '2113',
    startDay: '2021-10-25',
    school: SCHOOL,
    occupationCode: '4-03-02-01',
    trainees: 3,
    classTarget: 'completed',
    claimTarget: 'submitted',
  },
  {
    tag: '2114',
    startDay: '2021-11-01',
    school: SCHOOL,
    occupationCode: '4-10-01-05',
    trainees: 3,
    classTarget: 'completed',
    claimTarget: 'in_notice',
  },
  {
    tag: '2115',
    startDay: '2021-11-01',
    school: SCHOOL,
    occupationCode: '4-03-02-01',
    trainees: 2,
    classTarget: 'completed',
    claimTarget: 'draft',
  },
  {
    tag: '2116',
    startDay: '2021-11-25',
    school: SCHOOL,
    occupationCode: '4-10-01-05',
    trainees: 0,
    classTarget: 'filed',
  },
  {
    tag: '2117',
    startDay: '2021-11-19',
    school: SCHOOL,
    occupationCode: '4-03-02-01',
    trainees: 2,
    classTarget: 'approved',
  },
  {
    tag: '2118',
    startDay: '2021-11-22',
    school: SCHOOL,
    occupationCode: '4-03-02-01',
    trainees: 0,
    classTarget: 'rejected',
  },
];

/** One timed step of the year; steps run in time order, the clock set to each one's instant. */
interface Step {
  at: string;
  what: string;
  run: () => Promise<void>;
}

interface DemoState {
  driver: DemoDriver;
  institutionIds: Record<string, number>;
  agencyId?: number;
  evaluationId?: number;
  classIds: Record<string, number>;
  claimIds: Record<string, number>;
  persons: Record<string, DemoPerson[]>;
  batchIds: number[];
}

export interface LivingDemoSummary {
  classes: number;
  claims: number;
  persons: number;
  requests: number;
  today: string;
}

/**
 * Plays the year on `app`, an application built over the (already seeded: {@link seedDemo})
 * database with `clock` as its business clock. Leaves the clock on {@link LIVING_DEMO_TODAY}.
 */
export async function seedLivingDemo(app: FastifyInstance, clock: ManualClock): Promise<LivingDemoSummary> {
  personSequence = 0;
  clock.set(chinaTime('2021-01-04', 8));
  const driver = new DemoDriver(app, clock, DEMO_PASSWORD);
  const state: DemoState = {
    driver,
    institutionIds: {},
    classIds: {},
    claimIds: {},
    persons: {},
    batchIds: [],
  };
  const steps: Step[] = [
    ...openingSteps(app, state),
    ...CLASS_PLANS.flatMap((plan) => classSteps(state, plan)),
    ...supervisionSteps(state),
    ...yearEndSteps(app, state),
    ...jiangsuSteps(state),
  ];
  // Stable: steps at the same instant keep the order they were planned in.
  const ordered = steps
    .map((step, index) => ({ step, index, time: Date.parse(step.at) }))
    .sort((a, b) => a.time - b.time || a.index - b.index);
  for (const { step } of ordered) {
    driver.at(step.at);
    try {
      await step.run();
    } catch (error) {
      throw new Error(`living demo step "${step.what}" at ${step.at}: ${(error as Error).message}`);
    }
  }
  driver.at(chinaTime(LIVING_DEMO_TODAY, 9));
  return {
    classes: Object.keys(state.classIds).length,
    claims: Object.keys(state.claimIds).length,
    persons: personSequence,
    requests: driver.requests,
    today: LIVING_DEMO_TODAY,
  };
}

/** January: the catalogs, the organisations and their accounts, the province officer. */
function openingSteps(app: FastifyInstance, state: DemoState): Step[] {
  const { driver } = state;
  return [
    {
      at: chinaTime('2021-01-04', 9),
      what: '衡阳市发布2021年补贴标准目录',
      run: async () => {
        const version = await driver.call<{ id: number }>(CITY_OFFICER, 'POST', '/api/catalog/versions', {
          regionCode: CITY,
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
            {
              occupationCode: '6-18-02-04',
              level: 'primary',
              standardAmountFen: 90_000,
              standardDays: 10,
              standardClassHours: 60,
            },
          ],
        });
        await driver.call(CITY_OFFICER, 'POST', `/api/catalog/versions/${version.id}/publish`);
      },
    },
    {
      at: chinaTime('2021-01-05', 9),
      what: '登记培训机构、评价机构、企业与第三方审核机构',
      run: async () => {
        const organisations = await driver.call<{ items: { id: number; name: string }[] }>(
          OFFICER,
          'GET',
          '/api/organisations?kind=institution&pageSize=100',
        );
        const school = organisations.items.find((item) => item.name === '衡阳县职业技能培训学校');
        if (!school) throw new Error('the demo institution is missing (seedDemo first)');
        state.institutionIds[SCHOOL] = school.id;
        const second = await driver.call<{ id: number }>(CITY_OFFICER, 'POST', '/api/organisations', {
          kind: 'institution',
          regionCode: COUNTY,
          name: '衡阳县惠民职业培训学校',
          creditCode: demoCreditCode('52430421MJJ000022'),
          licenceNumber: '湘人社民培430421002',
          capacity: 120,
          allowedOccupationCodes: ['4-10-01-05', '4-03-02-01'],
        });
        state.institutionIds[SCHOOL2] = second.id;
        await operator(driver, second.id, SCHOOL2, '衡阳县惠民职业培训学校 教务');
        const evaluation = await driver.call<{ id: number }>(CITY_OFFICER, 'POST', '/api/organisations', {
          kind: 'evaluation_org',
          regionCode: CITY,
          name: '衡阳市职业技能鉴定中心',
          creditCode: demoCreditCode('12430400MB000033'.padEnd(17, '0')),
        });
        state.evaluationId = evaluation.id;
        await operator(driver, evaluation.id, 'hy_eval', '衡阳市职业技能鉴定中心 考务');
        const enterprise = await driver.call<{ id: number }>(CITY_OFFICER, 'POST', '/api/organisations', {
          kind: 'enterprise',
          regionCode: COUNTY,
          name: '衡阳县福康养老服务有限公司',
          creditCode: demoCreditCode('91430421MA4L00044'),
          enterpriseSize: 'small',
        });
        await operator(driver, enterprise.id, 'hy_enterprise', '衡阳县福康养老服务有限公司 人事');
        const agency = await driver.call<{ id: number }>(CITY_OFFICER, 'POST', '/api/organisations', {
          kind: 'review_agency',
          regionCode: CITY,
          name: '衡阳众信第三方审核服务有限公司',
          creditCode: demoCreditCode('91430400MA4L00055'),
        });
        state.agencyId = agency.id;
        await operator(driver, agency.id, 'hy_reviewer', '衡阳众信第三方审核服务有限公司 审核员');
        await app.deps.database.db.transaction().execute(async (trx) => {
          const exists = await trx
            .selectFrom('app_user')
            .select('id')
            .where('login_name', '=', 'hn_province')
            .executeTakeFirst();
          if (!exists)
            await createUser(trx, SYSTEM_CONTEXT, {
              loginName: 'hn_province',
              displayName: '湖南省人社厅 黄处长',
              role: 'province_officer',
              regionCode: '430000',
              password: DEMO_PASSWORD,
            });
        });
      },
    },
    {
      at: chinaTime('2021-01-06', 9),
      what: '两所培训机构纳入机构目录',
      run: async () => {
        for (const school of [SCHOOL, SCHOOL2]) {
          for (const occupationCode of ['4-10-01-05', '4-03-02-01']) {
            await driver.call(OFFICER, 'POST', '/api/catalog/institutions', {
              institutionId: state.institutionIds[school],
              occupationCode,
              level: 'primary',
              regionCode: COUNTY,
              validFrom: '2021-01-06',
            });
          }
        }
      },
    },
    {
      at: chinaTime('2021-07-01', 10),
      what: '与第三方审核机构签订审核合同',
      run: async () => {
        await driver.call(CITY_OFFICER, 'POST', '/api/supervision/agency-contracts', {
          agencyId: state.agencyId,
          contractNumber: 'HY-GM-2021-007',
          regionCodes: [CITY],
          startsOn: '2021-07-01',
          endsOn: '2021-12-31',
        });
      },
    },
  ];
}

/** An organisation's operator account with the demo password (created by the platform's service). */
async function operator(
  driver: DemoDriver,
  organisationId: number,
  loginName: string,
  displayName: string,
): Promise<void> {
  await driver.call(CITY_OFFICER, 'POST', `/api/organisations/${organisationId}/operators`, {
    loginName,
    displayName,
    password: DEMO_PASSWORD,
  });
}

/** The steps of one class: filing, approval, enrolment, the records, and its claim to the target state. */
function classSteps(state: DemoState, plan: ClassPlan): Step[] {
  const { driver } = state;
  const start = plan.startDay;
  const sessionDays = [0, 1, 2, 3].map((offset) => addDays(start, offset));
  const persons = Array.from({ length: plan.trainees }, () => nextPerson());
  state.persons[plan.tag] = persons;
  const classId = () => state.classIds[plan.tag]!;
  const claimId = () => state.claimIds[plan.tag]!;
  const steps: Step[] = [
    {
      at: chinaTime(addDays(start, -10), 10),
      what: `${plan.tag} 开班备案`,
      run: async () => {
        const filed = await driver.call<{ id: number }>(plan.school, 'POST', '/api/classes', {
          regionCode: COUNTY,
          name: `${OCCUPATION_NAMES[plan.occupationCode]}（初级）${plan.tag}期`,
          occupationCode: plan.occupationCode,
          level: 'primary',
          capacity: 40,
          teachingPlan: { modules: ['职业道德', '基础知识', '操作技能'] },
          teachers: [{ name: '赵文华', qualification: `${OCCUPATION_NAMES[plan.occupationCode]}技师` }],
          assessmentPlan: { method: '理论+实操', passScore: 60 },
          sessions: sessionDays.map((day, index) => ({
            startsAt: chinaTime(day, 8),
            endsAt: chinaTime(day, 12),
            mode: 'offline',
            topic: `第${index + 1}讲`,
            location: '衡阳县实训楼101',
          })),
        });
        state.classIds[plan.tag] = filed.id;
      },
    },
  ];
  if (plan.classTarget === 'filed') return steps;
  if (plan.classTarget === 'rejected') {
    steps.push({
      at: chinaTime(addDays(start, -8), 10),
      what: `${plan.tag} 备案不通过`,
      run: async () => {
        await driver.call(OFFICER, 'POST', `/api/classes/${classId()}/reject`, {
          reason: '授课教师资质证明不全，请补齐后重新备案',
        });
      },
    });
    return steps;
  }
  steps.push(
    {
      at: chinaTime(addDays(start, -8), 10),
      what: `${plan.tag} 备案审批`,
      run: async () => {
        await driver.call(OFFICER, 'POST', `/api/classes/${classId()}/approve`, {});
      },
    },
    {
      at: chinaTime(addDays(start, -5), 10),
      what: `${plan.tag} 人员认定与报名`,
      run: async () => {
        for (const [index, person] of persons.entries()) {
          const registered = await driver.call<{ id: number }>(OFFICER, 'POST', '/api/persons', {
            name: person.name,
            idNumber: person.idNumber,
            registeringRegionCode: COUNTY,
            phone: `139${String(7_300_000 + personSequenceOf(person)).padStart(8, '0')}`,
            groups: [
              {
                groupCode: index % 3 === 2 ? 'rural_migrant_worker' : 'registered_unemployed',
                certifierCode: 'public_employment_service',
                validFrom: '2021-01-01',
              },
            ],
          });
          person.personId = registered.id;
          await driver.call(plan.school, 'POST', `/api/classes/${classId()}/enrolments`, {
            name: person.name,
            idNumber: person.idNumber,
          });
        }
      },
    },
  );
  if (plan.classTarget === 'approved') return steps;
  steps.push({
    at: chinaTime(sessionDays[3]!, 18),
    what: `${plan.tag} 考勤、结业考核与合格证书`,
    run: async () => {
      const detail = await driver.call<{ sessions: { id: number; startsAt: string; endsAt: string }[] }>(
        plan.school,
        'GET',
        `/api/classes/${classId()}`,
      );
      // Each trainee signs in and out by face a few minutes apart, as a real class does.
      const records = detail.sessions.flatMap((session) =>
        persons.flatMap((person, index) => [
          {
            sessionId: session.id,
            personId: person.personId,
            event: 'sign_in',
            at: new Date(Date.parse(session.startsAt) - (index + 1) * 97_000).toISOString(),
            method: 'face',
          },
          {
            sessionId: session.id,
            personId: person.personId,
            event: 'sign_out',
            at: new Date(Date.parse(session.endsAt) + (index + 1) * 61_000).toISOString(),
            method: 'face',
          },
        ]),
      );
      await driver.call(plan.school, 'POST', `/api/classes/${classId()}/attendance`, { records });
      for (const [index, person] of persons.entries()) {
        await driver.call(plan.school, 'POST', `/api/classes/${classId()}/results`, {
          personId: person.personId,
          score: 68 + ((index * 11 + Number(plan.tag)) % 29),
          isPassed: true,
          examDate: sessionDays[3],
        });
        await driver.call(plan.school, 'POST', '/api/certificates', {
          personId: person.personId,
          classId: classId(),
          certificateType: 'training_qualified',
          level: 'primary',
          occupationCode: plan.occupationCode,
          certificateNumber: `HY${plan.tag}${String(index + 1).padStart(3, '0')}`,
          issuer: plan.school === SCHOOL ? '衡阳县职业技能培训学校' : '衡阳县惠民职业培训学校',
          issuedOn: sessionDays[3],
        });
      }
      // The last session is over: the school closes the class (结业).
      await driver.call(plan.school, 'POST', `/api/classes/${classId()}/complete`, {});
    },
  });
  if (plan.claimTarget) steps.push(...claimSteps(state, plan, claimId));
  return steps;
}

function personSequenceOf(person: DemoPerson): number {
  return Number(person.idNumber.slice(14, 17));
}

/** The claim of a completed class, moved to its target state on the days officers would. */
function claimSteps(state: DemoState, plan: ClassPlan, claimId: () => number): Step[] {
  const { driver } = state;
  const target = plan.claimTarget!;
  const start = plan.startDay;
  const applicationDay = addDays(start, 10);
  const steps: Step[] = [
    {
      at: chinaTime(applicationDay, 10),
      what: `${plan.tag} 申请培训补贴`,
      run: async () => {
        const created = await driver.call<{ id: number }>(plan.school, 'POST', '/api/claims', {
          applicationDate: applicationDay,
          payeeAccount: plan.school === SCHOOL ? INSTITUTION_PAYEE : SCHOOL2_PAYEE,
          claim: { source: 'class', classId: state.classIds[plan.tag], subsidyKind: 'training' },
        });
        state.claimIds[plan.tag] = created.id;
        if (target === 'draft') return;
        await uploadMaterials(driver, plan.school, created.id);
        await driver.call(plan.school, 'POST', `/api/claims/${created.id}/submit`);
      },
    },
  ];
  if (target === 'draft' || target === 'submitted') return steps;
  const reviewDay = addDays(start, 12);
  if (target === 'rejected' || target === 'returned') {
    steps.push({
      at: chinaTime(reviewDay, 15),
      what: `${plan.tag} 审核${target === 'rejected' ? '不予补贴' : '退回'}`,
      run: async () => {
        await driver.call(
          OFFICER,
          'POST',
          `/api/claims/${claimId()}/${target === 'rejected' ? 'reject' : 'return'}`,
          {
            reason:
              target === 'rejected'
                ? '经核查，该班学员均已在本年度享受过同职业同等级培训补贴'
                : '发票金额与申请金额不一致，请更正后重新提交',
          },
        );
      },
    });
    return steps;
  }
  steps.push({
    at: chinaTime(reviewDay, 15),
    what: `${plan.tag} 审核`,
    run: async () => {
      await driver.call(
        plan.isReviewedByAgency ? 'hy_reviewer' : OFFICER,
        'POST',
        `/api/claims/${claimId()}/review`,
        {},
      );
    },
  });
  if (target === 'reviewed') return steps;
  const noticeDay = addDays(start, 14);
  steps.push({
    at: chinaTime(noticeDay, 8, 30),
    what: `${plan.tag} 公示`,
    run: async () => {
      await driver.call(OFFICER, 'POST', `/api/claims/${claimId()}/start-notice`, {});
    },
  });
  if (target === 'in_notice') return steps;
  const approvalDay = addDays(start, 21);
  steps.push({
    at: chinaTime(approvalDay, 10),
    what: `${plan.tag} 审批`,
    run: async () => {
      await driver.call(CITY_OFFICER, 'POST', `/api/claims/${claimId()}/approve`, {});
    },
  });
  if (target === 'approved') return steps;
  const paymentDay = addDays(start, 22);
  let batch: { id: number; disbursements: { reference: string }[] } | undefined;
  steps.push({
    at: chinaTime(paymentDay, 10),
    what: `${plan.tag} 下达支付（经办发起、复核批准）`,
    run: async () => {
      const requested = await driver.call<{ approval: { id: number } }>(
        FINANCE,
        'POST',
        '/api/claims/payments',
        {
          claimIds: [claimId()],
          valueDate: paymentDay,
          idempotencyId: `living-demo-pay-${plan.tag}`,
        },
      );
      const decided = await driver.call<{ batch: typeof batch }>(
        CHECKER,
        'POST',
        `/api/claims/payment-orders/${requested.approval.id}/decision`,
        { isApproved: true },
      );
      batch = decided.batch;
      state.batchIds.push(batch!.id);
    },
  });
  if (target === 'payment_ordered') return steps;
  const bankDay = addDays(start, 23);
  steps.push({
    at: chinaTime(bankDay, 16),
    what: `${plan.tag} 银行回盘${target === 'payment_failed' ? '（失败经另一名财政人员复核后退回）' : ''}`,
    run: async () => {
      const rows = batch!.disbursements.map((item) =>
        target === 'payment_failed' ? `${item.reference},failed,收款账户户名不符` : `${item.reference},paid,`,
      );
      const imported = await driver.call<{ pendingApprovals: { approvalId: number }[] }>(
        FINANCE,
        'POST',
        `/api/claims/payments/${batch!.id}/bank-result`,
        { csv: `disbursement_id,status,reason\n${rows.join('\n')}\n`, valueDate: bankDay },
      );
      // A failure moves its money back only when the second finance officer approves it (待复核).
      for (const { approvalId } of imported.pendingApprovals)
        await driver.call(CHECKER, 'POST', `/api/ledger/approvals/${approvalId}/decision`, {
          isApproved: true,
        });
    },
  });
  return steps;
}

/** Uploads a small PDF for every required item of the claim's materials checklist. */
async function uploadMaterials(driver: DemoDriver, school: string, claimId: number): Promise<void> {
  const checklist = await driver.call<{ items: { code: string; label: string; isRequired: boolean }[] }>(
    school,
    'GET',
    `/api/claims/${claimId}/materials`,
  );
  for (const item of checklist.items.filter((entry) => entry.isRequired)) {
    await driver.upload(
      school,
      `/api/claims/${claimId}/attachments`,
      { materialCode: item.code },
      {
        // Named as a school names its scans (培训学员花名册.pdf), not by the checklist's code.
        name: `${item.label}.pdf`,
        contentType: 'application/pdf',
        content: Buffer.from(`%PDF-1.4 演示材料 ${item.code} ${claimId}\n`),
      },
    );
  }
}

/**
 * The pension register shows a trainee of the second school's paid class: the sweep raises an
 * alert, the county opens a case, the city confirms it (line excluded, a recovery order opened,
 * the school suspended), and the school appeals; the appeal is still under review.
 */
function supervisionSteps(state: DemoState): Step[] {
  const { driver } = state;
  let alertId = 0;
  let caseId = 0;
  let sanctionId = 0;
  return [
    {
      at: chinaTime('2021-06-28', 10),
      what: '导入养老金领取人员名单并比对',
      run: async () => {
        // Two on the register: the second school's trainee (the case below) and one of the first
        // school's, whose alert is still open for the county to handle.
        const pensioner = state.persons['2104']![0]!;
        const other = state.persons['2103']![1]!;
        await driver.call(CITY_OFFICER, 'POST', '/api/supervision/reference-lists', {
          source: 'pension',
          title: '衡阳市2021年6月养老金领取人员名单',
          asOf: '2021-06-25',
          regionCode: CITY,
          csv: `id_number,valid_from,organisation_name\n${pensioner.idNumber},2016-03-01,衡阳市社会保险服务中心\n${other.idNumber},2021-02-01,衡阳市社会保险服务中心\n`,
        });
        await driver.call(CITY_OFFICER, 'POST', '/api/supervision/sweeps', {});
        const alerts = await driver.call<{ items: { id: number }[] }>(
          OFFICER,
          'GET',
          `/api/supervision/alerts?ruleCode=pensioner&classId=${state.classIds['2104']}`,
        );
        alertId = alerts.items[0]!.id;
      },
    },
    {
      at: chinaTime('2021-06-29', 10),
      what: '立案核查',
      run: async () => {
        const opened = await driver.call<{ id: number }>(OFFICER, 'POST', '/api/supervision/cases', {
          alertIds: [alertId],
          title: '衡阳县惠民职业培训学校 冒用退休人员参训',
        });
        caseId = opened.id;
        await driver.call(OFFICER, 'POST', `/api/supervision/cases/${caseId}/notes`, {
          content: '约谈学员：本人2016年退休，未参加培训，身份证被机构招生人员借用',
        });
        await driver.call(OFFICER, 'POST', `/api/supervision/cases/${caseId}/attachments`, {
          fileName: '询问笔录.pdf',
          contentType: 'application/pdf',
          contentBase64: Buffer.from('%PDF-1.4 询问笔录（演示）').toString('base64'),
        });
      },
    },
    {
      at: chinaTime('2021-07-05', 10),
      what: '案件认定、追回与暂停资格',
      run: async () => {
        const decided = await driver.call<{ sanction: { id: number } }>(
          CITY_OFFICER,
          'POST',
          `/api/supervision/cases/${caseId}/decision`,
          {
            outcome: 'confirmed',
            reason: '冒用退休人员身份虚报培训人数',
            sanction: { target: 'institution', action: 'suspended', effectiveDate: '2021-07-05' },
          },
        );
        sanctionId = decided.sanction.id;
      },
    },
    {
      at: chinaTime('2021-07-12', 10),
      what: '机构提出申诉（待复核）',
      run: async () => {
        await driver.call(CITY_OFFICER, 'POST', `/api/supervision/sanctions/${sanctionId}/appeal`, {
          filedOn: '2021-07-12',
          grounds: '机构称系招生代理人员所为，已解除合作并退回补贴，请求从轻处理',
        });
      },
    },
  ];
}

/** The autumn: certificates of the evaluation organisation, the enterprise's employees, the bank
 * statement of October waiting for reconciliation, ratings, a finalised quarter report, the
 * worker's account. */
function yearEndSteps(app: FastifyInstance, state: DemoState): Step[] {
  const { driver } = state;
  return [
    {
      at: chinaTime('2021-07-20', 10),
      what: '评价机构颁发职业技能等级证书',
      run: async () => {
        // Only an organisation of the evaluation-organisation catalog certifies, after its own
        // assessment of the occupation and level (issue 17 finding 3).
        await driver.call(CITY_OFFICER, 'POST', '/api/catalog/evaluation-organisations', {
          organisationId: state.evaluationId,
          occupationCode: '4-03-02-01',
          level: 'primary',
          regionCode: CITY,
          validFrom: '2021-01-01',
        });
        const assessment = await driver.call<{ id: number }>('hy_eval', 'POST', '/api/assessments', {
          occupationCode: '4-03-02-01',
          level: 'primary',
          assessedOn: '2021-07-16',
        });
        for (const [index, person] of state.persons['2106']!.entries()) {
          // The evaluation organisation names the candidate the real-name way (ID number and name).
          await driver.call('hy_eval', 'POST', `/api/assessments/${assessment.id}/results`, {
            idNumber: person.idNumber,
            name: person.name,
            score: 76 + (index % 20),
            isPassed: true,
          });
          await driver.call('hy_eval', 'POST', '/api/certificates', {
            assessmentId: assessment.id,
            idNumber: person.idNumber,
            name: person.name,
            certificateType: 'skill_level',
            level: 'primary',
            occupationCode: '4-03-02-01',
            certificateNumber: `S000043040005${String(210720 + index)}`,
            issuer: '衡阳市职业技能鉴定中心',
            issuedOn: '2021-07-20',
          });
        }
      },
    },
    {
      at: chinaTime('2021-09-01', 10),
      what: '企业登记新招用职工',
      run: async () => {
        const organisations = await driver.call<{ items: { id: number; kind: string }[] }>(
          CITY_OFFICER,
          'GET',
          '/api/organisations?kind=enterprise&pageSize=100',
        );
        const enterpriseId = organisations.items[0]!.id;
        for (const person of state.persons['2101']!.slice(1, 3)) {
          await driver.call('hy_enterprise', 'POST', '/api/employment-records', {
            enterpriseId,
            name: person.name,
            idNumber: person.idNumber,
            contractMonths: 24,
            start: '2021-09-01',
          });
        }
      },
    },
    {
      at: chinaTime('2021-11-02', 10),
      what: '市人社局导入9—10月社会保险缴费记录（以工代训月份的核验依据）',
      run: async () => {
        const organisations = await driver.call<{ items: { kind: string; creditCode: string }[] }>(
          CITY_OFFICER,
          'GET',
          '/api/organisations?kind=enterprise&pageSize=100',
        );
        const creditCode = organisations.items[0]!.creditCode;
        const rows = [['公民身份号码', '姓名', '统一社会信用代码', '费款所属期', '缴费金额（元）']];
        for (const person of state.persons['2101']!.slice(1, 3))
          for (const month of ['2021-09', '2021-10'])
            rows.push([person.idNumber, person.name, creditCode, month, '1023.60']);
        await driver.upload(
          CITY_OFFICER,
          '/api/social-insurance-contributions/import?accept=valid',
          {},
          {
            name: 'hengyang-county-contributions-2021-10.csv',
            contentType: 'text/csv',
            content: Buffer.from(rows.map((row) => row.join(',')).join('\r\n'), 'utf8'),
          },
        );
      },
    },
    {
      at: chinaTime('2021-11-03', 10),
      what: '导入10月银行对账单（待对账）',
      run: async () => {
        const accounts = await driver.call<{
          items: { kind: string; balanceFen: number; regionCode: string }[];
        }>(FINANCE, 'GET', `/api/ledger/accounts?regionCode=${COUNTY}&pageSize=100`);
        const bookFen = accounts.items
          .filter(
            (account) =>
              account.regionCode === COUNTY && ['special', 'training', 'payable'].includes(account.kind),
          )
          .reduce((sum, account) => sum + account.balanceFen, 0);
        const batch = await driver.call<{ disbursements: { reference: string; amountFen: number }[] }>(
          FINANCE,
          'GET',
          `/api/ledger/payment-batches/${state.batchIds.at(-1)}`,
        );
        const paidOut = batch.disbursements.reduce((sum, item) => sum + item.amountFen, 0);
        const yuan = (fen: number) => (fen / 100).toFixed(2);
        const opening = bookFen + paidOut;
        const rows = [
          ['交易日期', '摘要', '借方发生额', '贷方发生额', '余额', '对方户名', '附言'],
          ...batch.disbursements.map((item, index) => [
            '20211013',
            '代发',
            yuan(item.amountFen),
            '',
            yuan(
              opening - batch.disbursements.slice(0, index + 1).reduce((sum, one) => sum + one.amountFen, 0),
            ),
            '衡阳县职业技能培训学校',
            item.reference,
          ]),
          ['20211021', '结息', '', '123.45', yuan(opening - paidOut + 12_345), '', '三季度利息'],
        ];
        await driver.call(FINANCE, 'POST', '/api/ledger/statements', {
          regionCode: COUNTY,
          fileName: '衡阳县专账2021年10月对账单.csv',
          csv: rows.map((row) => row.join(',')).join('\n'),
        });
      },
    },
    {
      at: chinaTime('2021-10-08', 10),
      what: '三季度报表定稿',
      run: async () => {
        await driver.call(CITY_OFFICER, 'POST', '/api/reports/finalize', {
          regionCode: COUNTY,
          year: 2021,
          quarter: 3,
        });
      },
    },
    {
      at: chinaTime('2021-11-15', 17),
      what: '机构年度评级',
      run: async () => {
        await driver.call(CITY_OFFICER, 'POST', '/api/supervision/ratings/recompute', { year: 2021 });
      },
    },
    {
      at: chinaTime('2021-11-15', 17, 30),
      what: '学员开通劳动者账号',
      run: async () => {
        const person = state.persons['2101']![0]!;
        await app.deps.database.db.transaction().execute(async (trx) => {
          await createUser(trx, SYSTEM_CONTEXT, {
            loginName: 'hy_worker',
            displayName: `${person.name}（学员）`,
            role: 'worker',
            regionCode: COUNTY,
            personId: person.personId!,
            password: DEMO_PASSWORD,
          });
        });
      },
    },
  ];
}

/** The Jiangsu enterprise of the advance path: 南京市玄武区 (320102). */
const JS_COUNTY = '320102';
const JS_CLASS_DAYS = ['2021-11-15', '2021-11-16', '2021-11-17', '2021-11-18'];

/**
 * An advance (预拨) where a document allows one: 苏政办发〔2019〕71号（十四） lets an enterprise
 * ask for up to half the training subsidy while its training runs (Hengyang's documents provide
 * none). A Nanjing catalog, an enterprise of 玄武区 with its operator `nj_enterprise`, two
 * employees and a class of theirs that runs on {@link LIVING_DEMO_TODAY}: the visitor applies for
 * the advance from 预拨与清算.
 */
function jiangsuSteps(state: DemoState): Step[] {
  const { driver } = state;
  const employees = [
    { name: '孔明远', idNumber: demoIdNumber(JS_COUNTY, '19870707', 71) },
    { name: '孟云霞', idNumber: demoIdNumber(JS_COUNTY, '19880808', 72) },
  ];
  // The employees of its post-skill training class (企业职工岗位技能提升培训), which ended before
  // the business date: the visitor claims its training subsidy from 开班与培训.
  const trainees = [
    { name: '韩立新', idNumber: demoIdNumber(JS_COUNTY, '19860606', 73), personId: 0 },
    { name: '白秀英', idNumber: demoIdNumber(JS_COUNTY, '19900909', 74), personId: 0 },
  ];
  let enterpriseId = 0;
  let classId = 0;
  let trainingClassId = 0;
  return [
    {
      at: chinaTime('2021-11-01', 9),
      what: '江苏：南京市培训补贴目录发布，玄武区企业开户并登记职工',
      run: async () => {
        const catalog = await driver.call<{ id: number }>('js_province', 'POST', '/api/catalog/versions', {
          regionCode: '320100',
          title: '南京市2021年职业技能培训补贴目录',
          effectiveFrom: '2021-01-01',
          citation: { document: '苏政办发〔2019〕71号', article: '（十四）' },
          entries: [
            {
              occupationCode: '4-10-01-05',
              level: 'primary',
              standardAmountFen: 100_000,
              standardDays: 10,
              standardClassHours: 60,
            },
          ],
        });
        await driver.call('js_province', 'POST', `/api/catalog/versions/${catalog.id}/publish`);
        const enterprise = await driver.call<{ id: number }>('nj_county', 'POST', '/api/organisations', {
          kind: 'enterprise',
          regionCode: JS_COUNTY,
          name: '南京玄武康养服务有限公司',
          creditCode: demoCreditCode('91320102MA1X00066'),
          enterpriseSize: 'medium',
          employerFlags: ['insured'],
        });
        enterpriseId = enterprise.id;
        await driver.call('nj_county', 'POST', `/api/organisations/${enterpriseId}/operators`, {
          loginName: 'nj_enterprise',
          displayName: '南京玄武康养服务有限公司 人事',
          password: DEMO_PASSWORD,
        });
        for (const employee of [...employees, ...trainees]) {
          const named = { name: employee.name, idNumber: employee.idNumber };
          const registered = await driver.call<{ id: number }>('nj_county', 'POST', '/api/persons', {
            ...named,
            registeringRegionCode: JS_COUNTY,
            groups: [
              {
                groupCode: 'enterprise_employee',
                certifierCode: 'public_employment_service',
                validFrom: '2020-01-01',
              },
            ],
          });
          if ('personId' in employee) employee.personId = registered.id;
          await driver.call('nj_enterprise', 'POST', '/api/employment-records', {
            enterpriseId,
            ...named,
            contractMonths: 36,
            start: '2020-01-01',
          });
        }
      },
    },
    {
      at: chinaTime('2021-11-05', 10),
      what: '江苏：企业职工培训班开班备案',
      run: async () => {
        const filed = await driver.call<{ id: number }>('nj_enterprise', 'POST', '/api/classes', {
          regionCode: JS_COUNTY,
          name: '养老护理员（初级）企业职工班2111期',
          occupationCode: '4-10-01-05',
          level: 'primary',
          capacity: 30,
          teachingPlan: { modules: ['生活照料', '基础护理'] },
          teachers: [{ name: '钱玉兰', qualification: '养老护理员高级技师' }],
          assessmentPlan: { method: '理论+实操', passScore: 60 },
          sessions: JS_CLASS_DAYS.map((day, index) => ({
            startsAt: chinaTime(day, 8),
            endsAt: chinaTime(day, 12),
            mode: 'offline',
            topic: `第${index + 1}讲`,
            location: '南京玄武康养服务有限公司培训中心',
          })),
        });
        classId = filed.id;
      },
    },
    {
      at: chinaTime('2021-11-08', 10),
      what: '江苏：玄武区备案审批，企业职工报名（培训于11月15日开始，可申请预拨）',
      run: async () => {
        await driver.call('nj_county', 'POST', `/api/classes/${classId}/approve`, {});
        for (const employee of employees)
          await driver.call('nj_enterprise', 'POST', `/api/classes/${classId}/enrolments`, employee);
      },
    },
    ...jiangsuTrainingClassSteps(
      driver,
      trainees,
      (id) => {
        trainingClassId = id;
      },
      () => trainingClassId,
    ),
  ];
}

const JS_TRAINING_DAYS = ['2021-11-08', '2021-11-09', '2021-11-10', '2021-11-11'];

/**
 * The Nanjing enterprise's own post-skill training of two employees (企业职工岗位技能提升培训),
 * filed, approved, attended and closed before the business date, with no claim yet: the enterprise's
 * training claim is made from its pages (the enterprise records attendance and closes the class; the
 * Jiangsu document pays the catalog standard without a certificate).
 */
function jiangsuTrainingClassSteps(
  driver: DemoDriver,
  trainees: { name: string; idNumber: string; personId: number }[],
  filed: (id: number) => void,
  classId: () => number,
): Step[] {
  return [
    {
      at: chinaTime('2021-11-02', 10),
      what: '江苏：企业职工岗位技能提升培训班开班备案',
      run: async () => {
        const created = await driver.call<{ id: number }>('nj_enterprise', 'POST', '/api/classes', {
          regionCode: JS_COUNTY,
          name: '养老护理员（初级）企业职工岗位技能提升班2110期',
          occupationCode: '4-10-01-05',
          level: 'primary',
          capacity: 20,
          teachingPlan: { modules: ['生活照料', '基础护理', '安全防护'] },
          teachers: [{ name: '钱玉兰', qualification: '养老护理员高级技师' }],
          assessmentPlan: { method: '理论+实操', passScore: 60 },
          sessions: JS_TRAINING_DAYS.map((day, index) => ({
            startsAt: chinaTime(day, 8),
            endsAt: chinaTime(day, 12),
            mode: 'offline',
            topic: `第${index + 1}讲`,
            location: '南京玄武康养服务有限公司培训中心',
          })),
        });
        filed(created.id);
      },
    },
    {
      at: chinaTime('2021-11-03', 10),
      what: '江苏：玄武区备案审批，企业职工报名（岗位技能提升培训）',
      run: async () => {
        await driver.call('nj_county', 'POST', `/api/classes/${classId()}/approve`, {});
        for (const trainee of trainees)
          await driver.call('nj_enterprise', 'POST', `/api/classes/${classId()}/enrolments`, {
            name: trainee.name,
            idNumber: trainee.idNumber,
          });
      },
    },
    {
      at: chinaTime('2021-11-11', 18),
      what: '江苏：岗位技能提升培训考勤与结业',
      run: async () => {
        const detail = await driver.call<{ sessions: { id: number; startsAt: string; endsAt: string }[] }>(
          'nj_enterprise',
          'GET',
          `/api/classes/${classId()}`,
        );
        const records = detail.sessions.flatMap((session) =>
          trainees.flatMap((entry, index) => [
            {
              sessionId: session.id,
              personId: entry.personId,
              event: 'sign_in',
              at: new Date(Date.parse(session.startsAt) - (index + 1) * 83_000).toISOString(),
              method: 'face',
            },
            {
              sessionId: session.id,
              personId: entry.personId,
              event: 'sign_out',
              at: new Date(Date.parse(session.endsAt) + (index + 1) * 59_000).toISOString(),
              method: 'face',
            },
          ]),
        );
        await driver.call('nj_enterprise', 'POST', `/api/classes/${classId()}/attendance`, { records });
        await driver.call('nj_enterprise', 'POST', `/api/classes/${classId()}/complete`, {});
      },
    },
  ];
}
