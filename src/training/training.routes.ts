import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { chinaDateTime, type ExportColumn, sendListExport } from '../auth/list-export.ts';
import { LEVELS } from '../registry/catalog.service.ts';
import { described, PAGE_QUERY_PROPERTIES } from '../registry/pagination.ts';
import {
  findPersonByIdNumber,
  getVisiblePerson,
  presentPerson,
  registerPerson,
  resolvePersonReference,
} from '../registry/person.service.ts';
import { AppError } from '../shared/errors.ts';
import { sortQueryProperties } from '../shared/schemas.ts';
import type { SchemaTypedApp, SchemaTypeProvider } from '../shared/type-provider.ts';
import { LEVEL_LABELS, type Level, SUBSIDY_KIND_LABELS, type SubsidyKind } from '../shared/vocabulary.ts';
import { getPersonArchive, type SubsidyHistorySource } from './archive.service.ts';
import { ARCHIVE_SCHEMA, CERTIFICATE_VERIFICATION_SCHEMA } from './archive-answers.schema.ts';
import {
  ATTENDANCE_METHODS,
  type AttendanceRules,
  attendanceSummaryPage,
  DEFAULT_ATTENDANCE_TOLERANCE_MINUTES,
  deviceRowsFromTable,
  importDeviceAttendance,
  recordAttendance,
} from './attendance.service.ts';
import {
  CERTIFICATE_TYPES,
  issueCertificate,
  listCertificates,
  listExamResultPage,
  recordExamResult,
  verifyCertificate,
} from './certificate.service.ts';
import {
  approveClass,
  CLASS_PROJECT_KINDS,
  CLASS_SORT_FIELDS,
  CLASS_STATUS_LABELS,
  completeClass,
  fileClass,
  getVisibleClass,
  listClasses,
  rejectClass,
  type TrainingClass,
} from './class.service.ts';
import {
  DEFAULT_ENROLMENT_CUTOFF_DAYS,
  type EnrolmentRules,
  enrolPerson,
  importRoster,
  listEnrolments,
  parseRosterFile,
} from './enrolment.service.ts';
import { readTableFile } from './table-file.ts';
import {
  CLASS_PAGE_SCHEMA,
  GET_CERTIFICATES_ANSWER,
  GET_CLASSES_BY_ID_ATTENDANCE_ANSWER,
  GET_CLASSES_BY_ID_ENROLMENTS_ANSWER,
  GET_CLASSES_BY_ID_RESULTS_ANSWER,
  POST_CERTIFICATES_ANSWER,
  POST_CLASSES_BY_ID_ATTENDANCE_ANSWER,
  POST_CLASSES_BY_ID_ATTENDANCE_IMPORT_ANSWER,
  POST_CLASSES_BY_ID_ENROLMENTS_ANSWER,
  POST_CLASSES_BY_ID_RESULTS_ANSWER,
  POST_CLASSES_BY_ID_ROSTER_IMPORT_ANSWER,
  TRAINING_CLASS_SCHEMA,
} from './training-answers.schema.ts';

const date = { type: 'string', format: 'date' } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const regionCode = { type: 'string', pattern: '^[0-9]{6}$' } as const;
/**
 * Class sub-lists (attendance, results) default to a whole page of 100 (the maximum): a class
 * screen shows them in one table, and most classes fit.
 */
const CLASS_PAGE_QUERY_PROPERTIES = {
  ...PAGE_QUERY_PROPERTIES,
  pageSize: { ...PAGE_QUERY_PROPERTIES.pageSize, default: 100 },
} as const;
const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1 } },
} as const;

/** What the training routes need from other domains, handed in by src/api/routes.ts. */
export interface TrainingPorts {
  subsidyHistory: SubsidyHistorySource;
}

/** The filters of the class list, shared by its JSON page and its xlsx export. */
const classFilters = {
  regionCode: described(regionCode, '开班辖区（含下级）'),
  status: described(
    { type: 'string', enum: ['filed', 'approved', 'rejected', 'completed', 'cancelled'] },
    '备案状态',
  ),
  institutionId: { type: 'integer', minimum: 1 },
  occupationCode: { type: 'string' },
  startsFrom: described(date, '开班日期起（含）'),
  startsTo: described(date, '开班日期止（含）'),
  ...sortQueryProperties(CLASS_SORT_FIELDS, '按开班时间降序'),
} as const;

const CLASS_EXPORT_COLUMNS: ReadonlyArray<ExportColumn<Omit<TrainingClass, 'sessions'>>> = [
  { header: '培训班编号', value: (item) => item.id },
  { header: '班级编码', width: 16, value: (item) => item.classCode },
  { header: '班级名称', width: 30, value: (item) => item.name },
  { header: '培训机构', width: 24, value: (item, names) => names.organisation(item.institutionId) },
  { header: '开班地区', width: 14, value: (item, names) => names.region(item.regionCode) },
  { header: '地区代码', value: (item) => item.regionCode },
  { header: '职业（工种）', width: 20, value: (item, names) => names.occupation(item.occupationCode) },
  { header: '职业代码', width: 12, value: (item) => item.occupationCode },
  { header: '等级', width: 14, value: (item) => LEVEL_LABELS[item.level as Level] ?? item.level },
  {
    header: '培训项目',
    width: 22,
    value: (item) => SUBSIDY_KIND_LABELS[item.subsidyKind as SubsidyKind] ?? item.subsidyKind,
  },
  { header: '计划人数', value: (item) => item.capacity },
  { header: '开班时间（北京时间）', width: 20, value: (item) => chinaDateTime(item.startsAt) },
  { header: '结业时间（北京时间）', width: 20, value: (item) => chinaDateTime(item.endsAt) },
  { header: '状态', width: 14, value: (item) => CLASS_STATUS_LABELS[item.status] },
  { header: '已开班备案', value: (item) => item.isFiled },
  { header: '备案申请日期（业务日期）', width: 14, value: (item) => item.filedOn },
  { header: '备案记录时间（系统时钟）', width: 20, value: (item) => chinaDateTime(item.filedAt) },
];

/** Classes (开班备案), enrolment and rosters, attendance, results, certificates and archives. */
export async function trainingRoutes(fastify: FastifyInstance, ports: TrainingPorts): Promise<void> {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();
  await app.register(multipart, { limits: { fileSize: 5 * 1024 * 1024, files: 1 } });
  const db = () => app.deps.database.db;
  const enrolmentRules = (): EnrolmentRules => ({
    now: app.clock.now(),
    cutoffDays: app.deps.config.enrolmentCutoffDays ?? DEFAULT_ENROLMENT_CUTOFF_DAYS,
  });
  const attendanceRules = (): AttendanceRules => ({
    now: app.clock.now(),
    toleranceMinutes: app.deps.config.attendanceToleranceMinutes ?? DEFAULT_ATTENDANCE_TOLERANCE_MINUTES,
  });

  app.post(
    '/api/classes',
    {
      config: { access: 'class.file', scopedIds: { 'body.institutionId': 'organisation' } },
      schema: {
        tags: ['training'],
        summary: '开班申请（教学计划、师资、考核方案、课程表）',
        body: {
          type: 'object',
          required: [
            'regionCode',
            'name',
            'occupationCode',
            'level',
            'capacity',
            'teachingPlan',
            'teachers',
            'assessmentPlan',
            'sessions',
          ],
          additionalProperties: false,
          properties: {
            institutionId: { type: 'integer', minimum: 1 },
            regionCode,
            name: { type: 'string', minLength: 1, maxLength: 200 },
            occupationCode: { type: 'string', minLength: 1 },
            level: { type: 'string', enum: [...LEVELS] },
            subsidyKind: { type: 'string', enum: [...CLASS_PROJECT_KINDS] },
            capacity: { type: 'integer', minimum: 1, maximum: 1000 },
            teachingPlan: { type: 'object', additionalProperties: true },
            teachers: {
              type: 'array',
              minItems: 1,
              items: {
                type: 'object',
                required: ['name'],
                additionalProperties: false,
                properties: {
                  name: { type: 'string', minLength: 1 },
                  qualification: { type: 'string' },
                  certificateNumber: { type: 'string' },
                },
              },
            },
            assessmentPlan: { type: 'object', additionalProperties: true },
            sessions: {
              type: 'array',
              minItems: 1,
              maxItems: 500,
              items: {
                type: 'object',
                required: ['startsAt', 'endsAt', 'mode', 'topic'],
                additionalProperties: false,
                properties: {
                  startsAt: dateTime,
                  endsAt: dateTime,
                  mode: { type: 'string', enum: ['offline', 'online'] },
                  topic: { type: 'string', minLength: 1 },
                  location: { type: ['string', 'null'] },
                },
              },
            },
          },
        },
        response: { 201: TRAINING_CLASS_SCHEMA },
      },
    },
    async (request, reply) => {
      const filed = await db()
        .transaction()
        .execute((trx) => fileClass(trx, request.auditContext, request.body));
      return reply.status(201).send(filed);
    },
  );

  app.get(
    '/api/classes',
    {
      config: { access: 'class.read', scopedIds: { 'query.institutionId': 'organisation' } },
      schema: {
        tags: ['training'],
        summary: '培训班分页查询（按辖区、状态、开班日期筛选）',
        description: '辖区含下级区划；startsFrom/startsTo 为开班（第一课次）日期，北京时间，含首尾。',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...PAGE_QUERY_PROPERTIES, ...classFilters },
        },
        response: { 200: CLASS_PAGE_SCHEMA },
      },
    },
    async (request) => listClasses(db(), request.principal!, request.query),
  );

  app.get(
    '/api/classes.xlsx',
    {
      config: { access: 'class.read', scopedIds: { 'query.institutionId': 'organisation' } },
      schema: {
        tags: ['training'],
        summary: '导出培训班列表（按与培训班分页查询相同的筛选条件，xlsx）',
        querystring: { type: 'object', additionalProperties: false, properties: classFilters },
      },
    },
    async (request, reply) =>
      sendListExport(db(), request, reply, {
        title: '培训班',
        asciiFileName: 'classes.xlsx',
        action: 'class.export',
        objectType: 'training_class',
        columns: CLASS_EXPORT_COLUMNS,
        organisationIdsOf: (item) => [item.institutionId],
        read: (paging) => listClasses(db(), request.principal!, { ...request.query, ...paging }),
      }),
  );

  app.get(
    '/api/classes/:id',
    {
      config: { access: 'class.read' },
      schema: {
        tags: ['training'],
        summary: '培训班详情（含课程表）',
        params: idParams,
        response: { 200: TRAINING_CLASS_SCHEMA },
      },
    },
    async (request) => getVisibleClass(db(), request.principal!, request.params.id),
  );

  app.post(
    '/api/classes/:id/approve',
    {
      config: { access: 'class.approve' },
      schema: {
        tags: ['training'],
        summary: '开班备案审批通过，生成班级编码',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { note: { type: 'string', maxLength: 500 } },
        },
        response: { 200: TRAINING_CLASS_SCHEMA },
      },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) =>
          approveClass(trx, request.auditContext, request.params.id, request.body?.note, app.clock.now()),
        ),
  );

  app.post(
    '/api/classes/:id/complete',
    {
      config: { access: 'class.file' },
      schema: {
        tags: ['training'],
        summary: '培训班结业（最后一次课程结束后，由开班单位办理）',
        params: idParams,
        body: { type: 'object', additionalProperties: false, properties: {} },
        response: { 200: TRAINING_CLASS_SCHEMA },
      },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) => completeClass(trx, request.auditContext, request.params.id, app.clock.now())),
  );

  app.post(
    '/api/classes/:id/reject',
    {
      config: { access: 'class.approve' },
      schema: {
        tags: ['training'],
        summary: '驳回开班申请',
        params: idParams,
        body: {
          type: 'object',
          required: ['reason'],
          additionalProperties: false,
          properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } },
        },
        response: { 200: TRAINING_CLASS_SCHEMA },
      },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) => rejectClass(trx, request.auditContext, request.params.id, request.body.reason)),
  );

  app.post(
    '/api/classes/:id/enrolments',
    {
      config: { access: 'class.file', scopedIds: { 'body.personId': 'person' } },
      schema: {
        response: { 201: POST_CLASSES_BY_ID_ENROLMENTS_ANSWER },
        tags: ['training'],
        summary: '学员报名（已登记人员或按身份证号实名登记）',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            personId: { type: 'integer', minimum: 1 },
            name: { type: 'string', minLength: 1, maxLength: 64 },
            idNumber: { type: 'string', minLength: 1, maxLength: 32 },
            phone: { type: ['string', 'null'] },
            householdRegionCode: { type: ['string', 'null'], pattern: '^[0-9]{6}$' },
          },
        },
      },
    },
    async (request, reply) => {
      const trainingClass = await getVisibleClass(db(), request.principal!, request.params.id);
      const enrolment = await db()
        .transaction()
        .execute(async (trx) => {
          let personId = request.body.personId;
          if (personId !== undefined) {
            // An internal id only for a person the caller may see (404 otherwise, same as unknown).
            personId = (await resolvePersonReference(trx, request.principal!, { personId })).id;
          } else {
            const { name, idNumber } = request.body;
            // The real-name way needs both: an ID number alone would enrol whoever holds it.
            if (!name || !idNumber)
              throw new AppError(
                'INVALID_REQUEST',
                '须提供已登记人员编号，或同时提供姓名和身份证号（实名报名）',
                [
                  ...(name ? [] : [{ field: 'name', message: '实名报名须填写姓名' }]),
                  ...(idNumber ? [] : [{ field: 'idNumber', message: '实名报名须填写身份证号' }]),
                ],
              );
            const existing = await findPersonByIdNumber(trx, idNumber);
            // Real-name enrolment: the name must be the registry's name for this ID number.
            if (existing && existing.name !== name.normalize('NFKC').trim())
              throw new AppError('VALIDATION_FAILED', '姓名与身份证号的实名登记信息不一致', [
                { field: 'name', message: '姓名与实名登记信息不一致' },
              ]);
            personId = existing
              ? existing.id
              : (
                  await registerPerson(trx, request.auditContext, {
                    name,
                    idNumber,
                    phone: request.body.phone ?? null,
                    householdRegionCode: request.body.householdRegionCode ?? null,
                    registeringRegionCode: trainingClass.regionCode,
                  })
                ).id;
          }
          return enrolPerson(trx, request.auditContext, trainingClass.id, personId, enrolmentRules());
        });
      return reply.status(201).send(enrolment);
    },
  );

  app.get(
    '/api/classes/:id/enrolments',
    {
      config: { access: 'class.read' },
      schema: {
        response: { 200: GET_CLASSES_BY_ID_ENROLMENTS_ANSWER },
        tags: ['training'],
        summary: '培训班学员名单（分页，按报名状态、报名日期筛选）',
        description:
          '名单属于一个培训班，辖区即该班所在辖区，故无辖区筛选。enrolledFrom/enrolledTo 为报名日期（北京时间，含首尾）。',
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...PAGE_QUERY_PROPERTIES,
            status: described({ type: 'string', enum: ['enrolled', 'withdrawn'] }, '报名状态'),
            enrolledFrom: described(date, '报名日期起（含）'),
            enrolledTo: described(date, '报名日期止（含）'),
          },
        },
      },
    },
    async (request) => {
      await getVisibleClass(db(), request.principal!, request.params.id);
      const page = await listEnrolments(db(), request.params.id, request.query);
      return {
        ...page,
        items: page.items.map((item) => ({ ...item, person: presentPerson(item.person) })),
      };
    },
  );

  app.post(
    '/api/classes/:id/roster/import',
    {
      config: { access: 'class.file' },
      schema: {
        response: { 200: POST_CLASSES_BY_ID_ROSTER_IMPORT_ANSWER },
        tags: ['training'],
        summary: '导入学员名单（xlsx/csv，multipart 字段 file）；先全部校验，accept=valid 时才写入有效行',
        consumes: ['multipart/form-data'],
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { accept: { type: 'string', enum: ['valid'] } },
        },
      },
    },
    async (request) => {
      const trainingClass = await getVisibleClass(db(), request.principal!, request.params.id);
      if (!request.isMultipart())
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', '请以 multipart/form-data 上传名单文件', [
          { field: 'file', message: '须以 multipart/form-data 上传' },
        ]);
      const file = await request.file();
      if (!file) throw new AppError('INVALID_REQUEST', '缺少名单文件', [{ field: 'file', message: '必填' }]);
      const rows = await parseRosterFile(await file.toBuffer(), file.filename);
      const accept = request.query.accept;
      return db()
        .transaction()
        .execute((trx) =>
          importRoster(
            trx,
            request.auditContext,
            trainingClass.id,
            rows,
            accept ? { accept } : {},
            enrolmentRules(),
          ),
        );
    },
  );

  app.post(
    '/api/classes/:id/attendance',
    {
      config: {
        access: 'attendance.record',
        scopedIds: {
          'body.records[].sessionId': {
            unscoped: 'a session of the path’s class; the service refuses any other',
          },
          'body.records[].personId': 'person',
        },
      },
      schema: {
        response: { 200: POST_CLASSES_BY_ID_ATTENDANCE_ANSWER },
        tags: ['training'],
        summary: '记录签到、签退（时间、方式、位置）',
        params: idParams,
        body: {
          type: 'object',
          required: ['records'],
          additionalProperties: false,
          properties: {
            records: {
              type: 'array',
              minItems: 1,
              maxItems: 5000,
              items: {
                type: 'object',
                required: ['sessionId', 'personId', 'event', 'at', 'method'],
                additionalProperties: false,
                properties: {
                  sessionId: { type: 'integer', minimum: 1 },
                  personId: { type: 'integer', minimum: 1 },
                  event: { type: 'string', enum: ['sign_in', 'sign_out'] },
                  at: dateTime,
                  method: { type: 'string', enum: [...ATTENDANCE_METHODS] },
                  latitude: { type: ['number', 'null'], minimum: -90, maximum: 90 },
                  longitude: { type: ['number', 'null'], minimum: -180, maximum: 180 },
                },
              },
            },
          },
        },
      },
    },
    async (request) => {
      const trainingClass = await getVisibleClass(db(), request.principal!, request.params.id);
      return db()
        .transaction()
        .execute((trx) =>
          recordAttendance(
            trx,
            request.auditContext,
            trainingClass.id,
            request.body.records,
            attendanceRules(),
          ),
        );
    },
  );

  app.post(
    '/api/classes/:id/attendance/import',
    {
      config: { access: 'attendance.record' },
      schema: {
        response: { 200: POST_CLASSES_BY_ID_ATTENDANCE_IMPORT_ANSWER },
        tags: ['training'],
        summary:
          '导入签到设备导出的签到签退记录（xlsx/csv，multipart 字段 file；列：身份证号、姓名、课次、签到时间、签退时间、签到方式）；先逐行校验，accept=valid 时才写入有效行',
        consumes: ['multipart/form-data'],
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { accept: { type: 'string', enum: ['valid'] } },
        },
      },
    },
    async (request) => {
      const trainingClass = await getVisibleClass(db(), request.principal!, request.params.id);
      if (!request.isMultipart())
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', '请以 multipart/form-data 上传签到记录文件', [
          { field: 'file', message: '须以 multipart/form-data 上传' },
        ]);
      const file = await request.file();
      if (!file)
        throw new AppError('INVALID_REQUEST', '缺少签到记录文件', [{ field: 'file', message: '必填' }]);
      const rows = deviceRowsFromTable(await readTableFile(await file.toBuffer(), file.filename));
      const accept = request.query.accept;
      return db()
        .transaction()
        .execute((trx) =>
          importDeviceAttendance(trx, request.auditContext, trainingClass.id, rows, {
            ...(accept ? { accept } : {}),
            rules: attendanceRules(),
            lookUp: (idNumber) => findPersonByIdNumber(trx, idNumber),
          }),
        );
    },
  );

  app.get(
    '/api/classes/:id/attendance',
    {
      config: { access: 'class.read' },
      schema: {
        response: { 200: GET_CLASSES_BY_ID_ATTENDANCE_ANSWER },
        tags: ['training'],
        summary: '每名学员的出勤学时（线下/线上）与出勤率（分页，按名单顺序）',
        description:
          '在册学员的出勤汇总，每页默认 100 人。汇总属于一个培训班（辖区即该班辖区），' +
          '是按学员计算的累计值，没有状态或日期属性，故只分页、不设辖区/状态/日期筛选。',
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...CLASS_PAGE_QUERY_PROPERTIES },
        },
      },
    },
    async (request) => {
      const trainingClass = await getVisibleClass(db(), request.principal!, request.params.id);
      return attendanceSummaryPage(db(), trainingClass.id, request.query);
    },
  );

  app.post(
    '/api/classes/:id/results',
    {
      config: { access: 'certificate.issue', scopedIds: { 'body.personId': 'person' } },
      schema: {
        response: { 200: POST_CLASSES_BY_ID_RESULTS_ANSWER },
        tags: ['training'],
        summary: '登记结业考核成绩',
        params: idParams,
        body: {
          type: 'object',
          required: ['personId', 'score', 'isPassed', 'examDate'],
          additionalProperties: false,
          properties: {
            personId: { type: 'integer', minimum: 1 },
            score: { type: 'number', minimum: 0, maximum: 100 },
            isPassed: { type: 'boolean' },
            examDate: date,
          },
        },
      },
    },
    async (request) => {
      const trainingClass = await getVisibleClass(db(), request.principal!, request.params.id);
      return db()
        .transaction()
        .execute((trx) =>
          recordExamResult(trx, request.auditContext, trainingClass.id, request.body, app.clock.today()),
        );
    },
  );

  app.get(
    '/api/classes/:id/results',
    {
      config: { access: 'class.read' },
      schema: {
        response: { 200: GET_CLASSES_BY_ID_RESULTS_ANSWER },
        tags: ['training'],
        summary: '结业考核成绩（分页，按是否合格、考核日期筛选）',
        description:
          '每页默认 100 条。成绩属于一个培训班（辖区即该班辖区），故无辖区筛选；' +
          '状态即考核结果 isPassed；examFrom/examTo 为考核日期（含首尾）。',
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...CLASS_PAGE_QUERY_PROPERTIES,
            isPassed: described({ type: 'boolean' }, '是否考核合格'),
            examFrom: described(date, '考核日期起（含）'),
            examTo: described(date, '考核日期止（含）'),
          },
        },
      },
    },
    async (request) => {
      const trainingClass = await getVisibleClass(db(), request.principal!, request.params.id);
      return listExamResultPage(db(), trainingClass.id, request.query);
    },
  );

  registerCertificateRoutes(app, ports);
}

function registerCertificateRoutes(app: SchemaTypedApp, ports: TrainingPorts): void {
  const db = () => app.deps.database.db;

  app.post(
    '/api/certificates',
    {
      config: {
        access: 'certificate.issue',
        scopedIds: {
          'body.personId': 'person',
          'body.classId': 'class',
          'body.issuerOrganisationId': 'organisation',
          'body.assessmentId': 'assessment',
        },
      },
      schema: {
        response: { 201: POST_CERTIFICATES_ANSWER },
        tags: ['training'],
        summary: '登记证书（编号去除首尾空白、全角转半角后，在同一发证机构内唯一）',
        description:
          '职业技能等级证书、专项职业能力证书和职业资格证书只能由评价机构目录内、目录范围覆盖该职业和等级的评价机构颁发，' +
          '须指定该人员考核合格的本机构考核（assessmentId），发证日期不早于考核日期；发证机构名称取登记名称。' +
          '培训合格证由培训机构为本机构备案的培训班颁发。',
        body: {
          type: 'object',
          required: ['certificateType', 'certificateNumber', 'issuer', 'issuedOn'],
          // The holder: an id the caller may see, or ID number and name (实名), whatever his province.
          anyOf: [{ required: ['personId'] }, { required: ['idNumber', 'name'] }],
          additionalProperties: false,
          properties: {
            personId: { type: 'integer', minimum: 1 },
            idNumber: { type: 'string', minLength: 15, maxLength: 18 },
            name: { type: 'string', minLength: 1, maxLength: 50 },
            classId: { type: ['integer', 'null'], minimum: 1 },
            certificateType: { type: 'string', enum: [...CERTIFICATE_TYPES] },
            level: { type: ['string', 'null'], enum: [...LEVELS, null] },
            occupationCode: { type: ['string', 'null'] },
            certificateNumber: { type: 'string', minLength: 1, maxLength: 64 },
            issuer: { type: 'string', minLength: 1, maxLength: 200 },
            issuerOrganisationId: { type: ['integer', 'null'], minimum: 1 },
            issuedOn: date,
            assessmentId: described(
              { type: ['integer', 'null'], minimum: 1, maximum: 2_147_483_647 },
              '评价类证书（职业技能等级、专项职业能力、职业资格）依据的本机构考核',
            ),
          },
        },
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      // An evaluation organisation issues in its own name; nobody else may name another
      // organisation as the issuer (the issuer is the payee of the certificate subsidy).
      const named = request.body.issuerOrganisationId ?? null;
      if (
        principal.role !== 'evaluation_org_operator' &&
        named !== null &&
        named !== principal.organisationId
      ) {
        throw new AppError('FORBIDDEN', '只能以本单位名义登记发证机构', [
          { field: 'issuerOrganisationId', message: '属于其他单位' },
        ]);
      }
      const { idNumber, name, personId, ...fields } = request.body;
      const holder = await resolvePersonReference(
        db(),
        principal,
        // The schema's anyOf: without ID number and name, personId is there.
        idNumber !== undefined && name !== undefined ? { idNumber, name } : { personId: personId! },
      );
      const input = {
        ...fields,
        personId: holder.id,
        ...(principal.role === 'evaluation_org_operator' && {
          issuerOrganisationId: principal.organisationId,
        }),
      };
      if (input.classId) await getVisibleClass(db(), principal, input.classId);
      const certificate = await db()
        .transaction()
        .execute((trx) => issueCertificate(trx, request.auditContext, input, app.clock.today()));
      return reply.status(201).send(certificate);
    },
  );

  app.get(
    '/api/certificates',
    {
      config: { access: 'class.read', scopedIds: { 'query.classId': 'class', 'query.personId': 'person' } },
      schema: {
        response: { 200: GET_CERTIFICATES_ANSWER },
        tags: ['training'],
        summary: '证书分页查询（按辖区、类型、发证日期筛选）',
        description:
          '证书的状态只有“已撤销”（revokedOn、revocationReason，由发证机构撤销并说明理由；公开查验返回 isRevoked），列表不设状态筛选。' +
          'regionCode 为证书所属辖区（含下级）：有培训班的为培训班所在地，未关联培训班的为发证机构所在地（发证机构未登记时为持证人登记地）；机构用户只见本机构培训班及本机构颁发的证书；issuedFrom/issuedTo 为发证日期（含首尾）。',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...PAGE_QUERY_PROPERTIES,
            regionCode: described(
              regionCode,
              '证书所属辖区（含下级）：培训班所在地，无培训班时为发证机构所在地或持证人登记地',
            ),
            classId: { type: 'integer', minimum: 1 },
            personId: { type: 'integer', minimum: 1 },
            certificateType: described({ type: 'string', enum: [...CERTIFICATE_TYPES] }, '证书类型'),
            issuedFrom: described(date, '发证日期起（含）'),
            issuedTo: described(date, '发证日期止（含）'),
          },
        },
      },
    },
    async (request) => listCertificates(db(), request.principal!, request.query),
  );

  app.post(
    '/api/public/certificates/verify',
    {
      config: { access: 'public' },
      schema: {
        response: { 200: CERTIFICATE_VERIFICATION_SCHEMA },
        tags: ['public'],
        summary:
          '证书真伪查询（编号+姓名），只返回是否有效及证书类型、等级、发证机构；已撤销的证书返回 isRevoked、撤销日期与理由',
        body: {
          type: 'object',
          required: ['number', 'name'],
          additionalProperties: false,
          properties: {
            number: { type: 'string', minLength: 1, maxLength: 64 },
            name: { type: 'string', minLength: 1, maxLength: 64 },
          },
        },
      },
    },
    async (request) => verifyCertificate(db(), request.body),
  );

  app.get(
    '/api/persons/:id/archive',
    {
      config: { access: 'registry.read' },
      schema: {
        response: { 200: ARCHIVE_SCHEMA },
        tags: ['training'],
        summary: '个人电子培训档案（培训、出勤、证书、补贴、学时积累）',
        params: idParams,
      },
    },
    async (request) => {
      await getVisiblePerson(db(), request.principal!, request.params.id);
      const archive = await getPersonArchive(db(), request.params.id, ports.subsidyHistory);
      return { ...archive, person: presentPerson(archive.person) };
    },
  );

  app.get(
    '/api/me/archive',
    {
      config: { access: 'archive.self' },
      schema: { response: { 200: ARCHIVE_SCHEMA }, tags: ['training'], summary: '本人电子培训档案' },
    },
    async (request) => {
      const personId = request.principal!.personId;
      if (personId === null)
        throw new AppError('NOT_FOUND', '当前账号未关联实名人员', [
          { field: 'personId', message: '当前账号未关联实名人员' },
        ]);
      const archive = await getPersonArchive(db(), personId, ports.subsidyHistory);
      return { ...archive, person: presentPerson(archive.person) };
    },
  );
}
