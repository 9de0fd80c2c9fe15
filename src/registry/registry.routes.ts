import type { FastifyInstance, FastifyRequest } from 'fastify';
import { chinaDateTime, type ExportColumn, sendListExport } from '../auth/list-export.ts';
import { hasPermission } from '../auth/roles.ts';
import { assertRegionScope, isWithinRegion } from '../auth/scope.ts';
import { DEFAULT_CATALOG_MAXIMUM_YUAN } from '../shared/config.ts';
import { AppError } from '../shared/errors.ts';
import { sortQueryProperties } from '../shared/schemas.ts';
import type { SchemaTypedApp, SchemaTypeProvider } from '../shared/type-provider.ts';
import { GROUP_CERTIFIERS, GROUP_LABELS, type GroupCode } from '../shared/vocabulary.ts';
import {
  addCatalogEntries,
  addInstitutionCatalogEntry,
  createCatalogVersion,
  getCatalogVersion,
  LEVELS,
  type Level,
  listCatalogVersions,
  listInstitutionCatalog,
  listPublicCatalogEntries,
  listPublicInstitutionCatalog,
  publishCatalogVersion,
  withdrawCatalogEntry,
  withdrawInstitutionCatalogEntry,
} from './catalog.service.ts';
import {
  addEvaluationCatalogEntry,
  listEvaluationCatalog,
  withdrawEvaluationCatalogEntry,
} from './evaluation-catalog.service.ts';
import { listOccupationPage } from './occupation.service.ts';
import {
  changeOrganisationStatus,
  createOrganisationOperator,
  EMPLOYER_FLAGS,
  getVisibleOrganisation,
  listOrganisationStatusHistory,
  listOrganisations,
  presentOrganisation,
  registerOrganisation,
} from './organisation.service.ts';
import { described, PAGE_QUERY_PROPERTIES } from './pagination.ts';
import {
  addPersonGroup,
  GROUP_CODES,
  getVisiblePerson,
  listPersons,
  PERSON_SORT_FIELDS,
  type Person,
  personGroupHistory,
  presentPerson,
  registerPerson,
  revealPerson,
  revokePersonGroup,
  updatePerson,
} from './person.service.ts';
import { listRegionPage } from './region.service.ts';
import {
  PERSON_GROUP_SCHEMA,
  PERSON_GROUPS_SCHEMA,
  PERSON_PAGE_SCHEMA,
  PERSON_SCHEMA,
  REGION_PAGE_SCHEMA,
} from './registry.schema.ts';
import {
  CATALOG_VERSION_SCHEMA,
  EVALUATION_CATALOG_ENTRY_SCHEMA,
  GET_CATALOG_EVALUATION_ORGANISATIONS_ANSWER,
  GET_CATALOG_INSTITUTIONS_ANSWER,
  GET_CATALOG_VERSIONS_ANSWER,
  GET_OCCUPATIONS_ANSWER,
  GET_ORGANISATIONS_ANSWER,
  GET_ORGANISATIONS_BY_ID_ANSWER,
  GET_PUBLIC_CATALOG_ENTRIES_ANSWER,
  GET_PUBLIC_INSTITUTION_CATALOG_ANSWER,
  INSTITUTION_CATALOG_ENTRY_SCHEMA,
  ORGANISATION_CHOICES_ANSWER,
  ORGANISATION_SCHEMA,
  PERSON_CHOICES_ANSWER,
  POST_CATALOG_EVALUATION_ORGANISATIONS_ANSWER,
  POST_CATALOG_VERSIONS_ANSWER,
  POST_ORGANISATIONS_ANSWER,
  POST_ORGANISATIONS_BY_ID_OPERATORS_ANSWER,
} from './registry-answers.schema.ts';

const date = { type: 'string', format: 'date' } as const;
const regionCode = { type: 'string', pattern: '^[0-9]{6}$' } as const;
const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1 } },
} as const;
const citation = {
  type: 'object',
  required: ['document', 'article'],
  additionalProperties: false,
  properties: { document: { type: 'string', minLength: 1 }, article: { type: 'string', minLength: 1 } },
} as const;
/** The filters of the person list, shared by its JSON page and its xlsx export. */
const personFilters = {
  regionCode: described(regionCode, '登记地辖区（含下级）'),
  householdRegionCode: described(regionCode, '户籍所在地辖区（含下级）'),
  groupCode: described({ type: 'string', enum: [...GROUP_CODES] }, '持有该人员类别认定'),
  pensionStatus: described(
    { type: 'string', enum: ['none', 'receiving'] },
    '养老金领取状态：none 未领取，receiving 已领取',
  ),
  isFullTimeStudent: described({ type: 'boolean' }, '是否全日制在校学生'),
  registeredFrom: described(date, '实名登记日期起（含）'),
  registeredTo: described(date, '实名登记日期止（含）'),
  bornFrom: described(date, '出生日期起（含）'),
  bornTo: described(date, '出生日期止（含）'),
  name: described({ type: 'string', maxLength: 64 }, '姓名（精确匹配）'),
  nameStartsWith: described(
    { type: 'string', minLength: 1, maxLength: 64 },
    '姓名以此开头（人员选择框按输入检索）',
  ),
  idNumber: described(
    { type: 'string', pattern: '^[0-9]{17}[0-9Xx]$' },
    '公民身份号码（18 位，精确匹配；答复中仍脱敏）',
  ),
  ...sortQueryProperties(PERSON_SORT_FIELDS, '按人员编号升序'),
} as const;

/** The person list as a sheet: ID number and phone masked, as the JSON list shows them. */
const PERSON_EXPORT_COLUMNS: ReadonlyArray<ExportColumn<Person>> = [
  { header: '人员编号', value: (person) => person.id },
  { header: '姓名', width: 12, value: (person) => person.name },
  { header: '公民身份号码（脱敏）', width: 22, value: (person) => person.idNumber },
  { header: '性别', value: (person) => (person.sex === 'male' ? '男' : '女') },
  { header: '出生日期', width: 12, value: (person) => person.birthDate },
  { header: '手机号（脱敏）', width: 16, value: (person) => person.phone },
  { header: '登记地', width: 14, value: (person, names) => names.region(person.registeringRegionCode) },
  { header: '登记地代码', value: (person) => person.registeringRegionCode },
  { header: '户籍地', width: 14, value: (person, names) => names.region(person.householdRegionCode) },
  {
    header: '人员类别',
    width: 30,
    value: (person) =>
      person.groups
        .filter((group) => group.revokedOn === null)
        .map((group) => GROUP_LABELS[group.groupCode as GroupCode] ?? group.groupCode)
        .join('、'),
  },
  { header: '养老金领取', value: (person) => (person.pensionStatus === 'receiving' ? '已领取' : '未领取') },
  { header: '全日制在校学生', value: (person) => person.isFullTimeStudent },
  { header: '实名登记时间（北京时间）', width: 20, value: (person) => chinaDateTime(person.createdAt) },
];

const groupSchema = {
  type: 'object',
  required: ['groupCode', 'certifierCode', 'validFrom'],
  additionalProperties: false,
  properties: {
    groupCode: described({ type: 'string', enum: [...GROUP_CODES] }, '人员类别'),
    certifierCode: described({ type: 'string', enum: [...GROUP_CERTIFIERS] }, '认定机构（代码表）'),
    validFrom: described(date, '认定有效期起'),
    validTo: described({ type: ['string', 'null'], format: 'date' }, '认定有效期止（空为长期）'),
  },
} as const;

/** Real-name registry: regions, occupations, people, organisations and the two catalogs. */
export async function registryRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<SchemaTypeProvider>();
  const db = () => app.deps.database.db;

  app.get(
    '/api/regions',
    {
      // GB/T 2260 reference data: the public pages show regions by name.
      config: { access: 'public' },
      schema: {
        tags: ['registry'],
        summary: '行政区划（GB/T 2260）分页查询',
        description:
          '参考数据：按上级区划（parentCode）、层级或代码前缀筛选；行政区划没有状态和日期属性，故无状态、日期筛选。',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...PAGE_QUERY_PROPERTIES,
            parentCode: regionCode,
            level: { type: 'string', enum: ['province', 'city', 'county'] },
            prefix: { type: 'string', pattern: '^[0-9]{1,6}$' },
          },
        },
        response: { 200: REGION_PAGE_SCHEMA },
      },
    },
    async (request) => listRegionPage(db(), request.query),
  );

  app.get(
    '/api/occupations',
    {
      // National reference data (职业分类大典), published: readable without login.
      config: { access: 'public' },
      schema: {
        response: { 200: GET_OCCUPATIONS_ANSWER },
        tags: ['registry'],
        summary: '职业分类大典职业查询',
        description: '全国统一的参考数据：职业没有所属辖区、状态或日期属性，故只按大类和名称/代码检索。',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...PAGE_QUERY_PROPERTIES,
            majorCategory: { type: 'integer', minimum: 1, maximum: 8 },
            search: { type: 'string', maxLength: 50 },
          },
        },
      },
    },
    async (request) => listOccupationPage(db(), request.query),
  );

  app.post(
    '/api/persons',
    {
      config: { access: 'registry.write' },
      schema: {
        response: { 201: PERSON_SCHEMA },
        tags: ['registry'],
        summary: '实名登记人员（身份证号按 GB 11643 校验）',
        body: {
          type: 'object',
          required: ['name', 'idNumber', 'registeringRegionCode'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 64 },
            idNumber: { type: 'string', minLength: 1, maxLength: 32 },
            phone: { type: ['string', 'null'], maxLength: 20 },
            householdRegionCode: { type: ['string', 'null'], pattern: '^[0-9]{6}$' },
            registeringRegionCode: regionCode,
            pensionStatus: { type: 'string', enum: ['none', 'receiving'] },
            isFullTimeStudent: { type: 'boolean' },
            groups: { type: 'array', items: groupSchema, maxItems: 30 },
          },
        },
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      assertRegionScope(principal, request.body.registeringRegionCode);
      const person = await db()
        .transaction()
        .execute((trx) =>
          registerPerson(trx, { ...request.auditContext, businessToday: app.clock.today() }, request.body),
        );
      return reply.status(201).send(presentPerson(person));
    },
  );

  app.get(
    '/api/persons',
    {
      config: { access: 'registry.read' },
      schema: {
        tags: ['registry'],
        summary: '人员分页查询（按登记地或户籍地辖区、人员类别、状态、登记日期或出生日期筛选）',
        description:
          '辖区筛选均含下级区划。人员的状态是养老金领取状态（pensionStatus）和是否全日制学生（isFullTimeStudent）。' +
          '日期筛选：registeredFrom/registeredTo 为实名登记日期（北京时间，含首尾），bornFrom/bornTo 为出生日期（含首尾，用于年龄段）。',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...PAGE_QUERY_PROPERTIES, ...personFilters },
        },
        response: { 200: PERSON_PAGE_SCHEMA },
      },
    },
    async (request) => {
      const page = await listPersons(db(), request.principal!, request.query);
      return { ...page, items: page.items.map((person) => presentPerson(person)) };
    },
  );

  app.get(
    '/api/persons.xlsx',
    {
      config: { access: 'registry.read' },
      schema: {
        tags: ['registry'],
        summary: '导出人员列表（按与人员分页查询相同的筛选条件，xlsx，身份证号和手机号已脱敏）',
        querystring: { type: 'object', additionalProperties: false, properties: personFilters },
      },
    },
    async (request, reply) =>
      sendListExport(db(), request, reply, {
        title: '实名人员',
        asciiFileName: 'persons.xlsx',
        action: 'person.export',
        objectType: 'person',
        columns: PERSON_EXPORT_COLUMNS,
        read: async (paging) => {
          const page = await listPersons(db(), request.principal!, { ...request.query, ...paging });
          return { items: page.items.map((person) => presentPerson(person)), total: page.total };
        },
      }),
  );

  app.get(
    '/api/persons/:id',
    {
      config: { access: 'registry.read' },
      schema: {
        tags: ['registry'],
        summary: '人员详情（含人员类别）',
        params: idParams,
        response: { 200: PERSON_SCHEMA },
      },
    },
    async (request) => presentPerson(await getVisiblePerson(db(), request.principal!, request.params.id)),
  );

  app.post(
    '/api/persons/:id/reveal',
    {
      config: {
        access: 'person.unmask',
        revealsPersonalData: true,
        // Per user, so one officer cannot page through the registry in full (issue 18).
        rateLimit: {
          max: app.deps.config.personalDataRevealsPerHour ?? 30,
          timeWindow: 3_600_000,
          hook: 'preHandler',
          keyGenerator: (request: FastifyRequest) => `reveal|${request.principal?.userId ?? request.ip}`,
        },
      },
      schema: {
        tags: ['registry'],
        summary: '查看人员完整身份证号和电话（须填写理由，记入审计）',
        description:
          '列表和详情对所有角色都掩码显示；持有 person.unmask 的角色逐人查看完整信息时必须说明理由（reason，必填），' +
          '每次查看记入审计（personal_data.read：谁、查看了谁、为何），并按用户限制频率。',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { reason: { type: 'string', maxLength: 200 } },
        },
        response: {
          200: {
            type: 'object',
            required: ['id', 'name', 'idNumber', 'phone'],
            properties: {
              id: { type: 'integer' },
              name: { type: 'string' },
              idNumber: { type: 'string', description: '完整身份证号' },
              phone: { type: ['string', 'null'], description: '完整电话' },
            },
          },
        },
      },
    },
    async (request) => {
      await getVisiblePerson(db(), request.principal!, request.params.id);
      return db()
        .transaction()
        .execute((trx) => revealPerson(trx, request.auditContext, request.params.id, request.body?.reason));
    },
  );

  app.patch(
    '/api/persons/:id',
    {
      config: { access: 'registry.write' },
      schema: {
        response: { 200: PERSON_SCHEMA },
        tags: ['registry'],
        summary: '更新人员联系方式、养老金领取和全日制学生状态',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            phone: { type: ['string', 'null'], maxLength: 20 },
            householdRegionCode: { type: ['string', 'null'], pattern: '^[0-9]{6}$' },
            pensionStatus: { type: 'string', enum: ['none', 'receiving'] },
            isFullTimeStudent: { type: 'boolean' },
          },
        },
      },
    },
    async (request) => {
      await getVisiblePerson(db(), request.principal!, request.params.id);
      const person = await db()
        .transaction()
        .execute((trx) => updatePerson(trx, request.auditContext, request.params.id, request.body));
      return presentPerson(person);
    },
  );

  app.post(
    '/api/persons/:id/groups',
    {
      config: { access: 'registry.write' },
      schema: {
        response: { 201: PERSON_SCHEMA },
        tags: ['registry'],
        summary: '登记人员类别认定',
        params: idParams,
        body: groupSchema,
      },
    },
    async (request, reply) => {
      await getVisiblePerson(db(), request.principal!, request.params.id);
      const person = await db()
        .transaction()
        .execute((trx) =>
          addPersonGroup(
            trx,
            { ...request.auditContext, businessToday: app.clock.today() },
            request.params.id,
            request.body,
          ),
        );
      return reply.status(201).send(presentPerson(person));
    },
  );

  app.get(
    '/api/persons/:id/groups',
    {
      config: { access: 'registry.read' },
      schema: {
        response: { 200: PERSON_GROUPS_SCHEMA },
        tags: ['registry'],
        summary: '人员类别认定记录（含已撤销的，及认定机构、登记人和登记日期）',
        params: idParams,
      },
    },
    async (request) => {
      await getVisiblePerson(db(), request.principal!, request.params.id);
      return { items: await personGroupHistory(db(), request.params.id) };
    },
  );

  app.post(
    '/api/persons/:id/groups/:groupId/revoke',
    {
      config: { access: 'registry.write' },
      schema: {
        response: { 200: PERSON_GROUP_SCHEMA },
        tags: ['registry'],
        summary: '撤销人员类别认定（须说明理由，留痕；撤销后不再计入补贴）',
        params: {
          type: 'object',
          required: ['id', 'groupId'],
          properties: {
            id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 },
            groupId: { type: 'integer', minimum: 1, maximum: 2_147_483_647 },
          },
        },
        body: {
          type: 'object',
          required: ['reason'],
          additionalProperties: false,
          properties: { reason: described({ type: 'string', minLength: 1, maxLength: 500 }, '撤销理由') },
        },
      },
    },
    async (request) => {
      await getVisiblePerson(db(), request.principal!, request.params.id);
      return db()
        .transaction()
        .execute((trx) =>
          revokePersonGroup(trx, request.auditContext, {
            personId: request.params.id,
            groupId: request.params.groupId,
            reason: request.body.reason,
            today: app.clock.today(),
          }),
        );
    },
  );

  app.post(
    '/api/organisations',
    {
      config: { access: 'registry.write' },
      schema: {
        response: { 201: POST_ORGANISATIONS_ANSWER },
        tags: ['registry'],
        summary: '登记企业、培训机构、评价机构或第三方审核机构（统一社会信用代码按 GB 32100 校验）',
        body: {
          type: 'object',
          required: ['kind', 'regionCode', 'name', 'creditCode'],
          additionalProperties: false,
          properties: {
            kind: { type: 'string', enum: ['enterprise', 'institution', 'evaluation_org', 'review_agency'] },
            regionCode,
            name: { type: 'string', minLength: 1, maxLength: 200 },
            creditCode: { type: 'string', minLength: 1, maxLength: 32 },
            enterpriseSize: { type: ['string', 'null'], enum: ['micro', 'small', 'medium', 'large', null] },
            employerFlags: { type: 'array', items: { type: 'string', enum: [...EMPLOYER_FLAGS] } },
            licenceNumber: { type: ['string', 'null'], maxLength: 64 },
            licenceValidTo: { type: ['string', 'null'], format: 'date' },
            allowedOccupationCodes: { type: 'array', items: { type: 'string' } },
            capacity: { type: ['integer', 'null'], minimum: 1 },
            contactName: { type: ['string', 'null'] },
            contactPhone: { type: ['string', 'null'] },
          },
        },
      },
    },
    async (request, reply) => {
      assertRegionScope(request.principal!, request.body.regionCode);
      const organisation = await db()
        .transaction()
        .execute((trx) => registerOrganisation(trx, request.auditContext, request.body));
      return reply.status(201).send(presentOrganisation(organisation));
    },
  );

  app.get(
    '/api/organisations',
    {
      config: { access: 'registry.read' },
      schema: {
        response: { 200: GET_ORGANISATIONS_ANSWER },
        tags: ['registry'],
        summary: '单位分页查询（按类型、状态、辖区、登记日期筛选）',
        description: '辖区含下级区划；registeredFrom/registeredTo 为单位登记日期（北京时间，含首尾）。',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...PAGE_QUERY_PROPERTIES,
            kind: { type: 'string', enum: ['enterprise', 'institution', 'evaluation_org', 'review_agency'] },
            status: described(
              { type: 'string', enum: ['active', 'suspended', 'blacklisted', 'revoked'] },
              '当前状态',
            ),
            regionCode: described(regionCode, '所在辖区（含下级）'),
            registeredFrom: described(date, '登记日期起（含）'),
            registeredTo: described(date, '登记日期止（含）'),
          },
        },
      },
    },
    async (request) => {
      const page = await listOrganisations(db(), request.principal!, request.query);
      return { ...page, items: page.items.map(presentOrganisation) };
    },
  );

  // 用户管理's pickers: the system administrator binds an account to an organisation or a person
  // of its region by name, without the registry permissions it does not hold (三员分立).
  app.get(
    '/api/admin/organisation-choices',
    {
      config: { access: 'user.admin' },
      schema: {
        response: { 200: ORGANISATION_CHOICES_ANSWER },
        tags: ['admin'],
        summary: '绑定账号时选择单位：按名称检索本辖区的单位（最多 20 个）',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['search'],
          properties: {
            search: described({ type: 'string', minLength: 1, maxLength: 64 }, '单位名称的一部分'),
            kind: { type: 'string', enum: ['enterprise', 'institution', 'evaluation_org', 'review_agency'] },
          },
        },
      },
    },
    async (request) => {
      const { search, kind } = request.query;
      const page = await listOrganisations(db(), request.principal!, {
        nameContains: search.trim(),
        ...(kind ? { kind } : {}),
        page: 1,
        pageSize: 20,
      });
      return {
        items: page.items.map(({ id, name, kind: organisationKind, regionCode: region }) => ({
          id,
          name,
          kind: organisationKind,
          regionCode: region,
        })),
      };
    },
  );

  app.get(
    '/api/admin/person-choices',
    {
      config: { access: 'user.admin' },
      schema: {
        response: { 200: PERSON_CHOICES_ANSWER },
        tags: ['admin'],
        summary: '绑定劳动者账号时选择实名人员：按姓名开头或完整身份证号检索本辖区人员（脱敏，最多 20 人）',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['search'],
          properties: {
            search: described({ type: 'string', minLength: 1, maxLength: 64 }, '姓名开头或完整身份证号'),
          },
        },
      },
    },
    async (request) => {
      const search = request.query.search.trim();
      const isIdNumber = /^[0-9]{17}[0-9Xx]$/.test(search);
      const page = await listPersons(db(), request.principal!, {
        ...(isIdNumber ? { idNumber: search.toUpperCase() } : { nameStartsWith: search }),
        page: 1,
        pageSize: 20,
      });
      return {
        items: page.items.map(presentPerson).map(({ id, name, idNumber, registeringRegionCode }) => ({
          id,
          name,
          idNumber,
          registeringRegionCode,
        })),
      };
    },
  );

  app.get(
    '/api/organisations/:id',
    {
      config: { access: 'registry.read' },
      schema: {
        response: { 200: GET_ORGANISATIONS_BY_ID_ANSWER },
        tags: ['registry'],
        summary: '单位详情（含状态变更记录）',
        params: idParams,
      },
    },
    async (request) => {
      const organisation = await getVisibleOrganisation(db(), request.principal!, request.params.id);
      return {
        ...presentOrganisation(organisation),
        statusHistory: await listOrganisationStatusHistory(db(), organisation.id),
      };
    },
  );

  app.post(
    '/api/organisations/:id/status',
    {
      config: { access: 'supervision.sanction' },
      schema: {
        response: { 200: ORGANISATION_SCHEMA },
        tags: ['registry'],
        summary: '变更单位状态（暂停、列入黑名单、撤销、恢复），留痕',
        params: idParams,
        body: {
          type: 'object',
          required: ['status', 'effectiveDate', 'reason'],
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: ['active', 'suspended', 'blacklisted', 'revoked'] },
            effectiveDate: date,
            reason: { type: 'string', minLength: 1, maxLength: 500 },
          },
        },
      },
    },
    async (request) =>
      presentOrganisation(
        await db()
          .transaction()
          .execute((trx) =>
            changeOrganisationStatus(trx, request.auditContext, request.params.id, request.body),
          ),
      ),
  );

  app.post(
    '/api/organisations/:id/operators',
    {
      config: { access: 'registry.write' },
      schema: {
        response: { 201: POST_ORGANISATIONS_BY_ID_OPERATORS_ANSWER },
        tags: ['registry'],
        summary: '为单位创建经办人员账号',
        params: idParams,
        body: {
          type: 'object',
          required: ['loginName', 'displayName', 'password'],
          additionalProperties: false,
          properties: {
            loginName: { type: 'string', minLength: 3, maxLength: 64 },
            displayName: { type: 'string', minLength: 1, maxLength: 64 },
            password: { type: 'string', minLength: 1, maxLength: 256 },
          },
        },
      },
    },
    async (request, reply) => {
      const created = await db()
        .transaction()
        .execute((trx) =>
          createOrganisationOperator(trx, request.auditContext, request.params.id, request.body),
        );
      return reply.status(201).send(created);
    },
  );

  registerCatalogRoutes(app);
}

/**
 * Query of the two catalogs of organisations (institutions, evaluation organisations): the
 * organisation's id, region (with the regions below), occupation, status and a day of validity.
 */
const catalogListQuery = <const Organisation extends object>(
  organisation: Organisation,
  regionText: string,
  suspendedText: string,
) =>
  ({
    type: 'object',
    additionalProperties: false,
    properties: {
      ...PAGE_QUERY_PROPERTIES,
      ...organisation,
      regionCode: described(regionCode, regionText),
      occupationCode: { type: 'string', maxLength: 20 },
      status: described(
        { type: 'string', enum: ['active', 'suspended', 'withdrawn'] },
        `active 有效，suspended ${suspendedText}，withdrawn 已移出`,
      ),
      validOn: described(date, '在该日期有效'),
    },
  }) as const;

/** Body of a withdrawal from a catalog: the reason, recorded with the change. */
const withdrawalBody = (reasonText: string) =>
  ({
    type: 'object',
    required: ['reason'],
    additionalProperties: false,
    properties: { reason: described({ type: 'string', minLength: 1, maxLength: 500 }, reasonText) },
  }) as const;

const entrySchema = {
  type: 'object',
  required: ['occupationCode', 'level', 'standardAmountFen', 'standardDays', 'standardClassHours'],
  additionalProperties: false,
  properties: {
    occupationCode: { type: 'string', minLength: 1 },
    level: { type: 'string', enum: [...LEVELS] },
    standardAmountFen: { type: 'integer', minimum: 1 },
    standardDays: { type: 'integer', minimum: 1 },
    standardClassHours: { type: 'integer', minimum: 1 },
    effectiveFrom: date,
    effectiveTo: { type: ['string', 'null'], format: 'date' },
    citation,
    isShortage: { type: 'boolean' },
    isNewOccupation: { type: 'boolean' },
  },
} as const;

/** A training-project catalog entry with its state, as the withdrawal answers it. */
const WITHDRAWN_CATALOG_ENTRY = {
  type: 'object',
  required: ['id', 'versionId', 'occupationCode', 'level', 'status', 'withdrawnOn', 'withdrawalReason'],
  properties: {
    id: { type: 'integer' },
    versionId: { type: 'integer' },
    regionCode: described({ type: 'string' }, '目录所属地区'),
    occupationCode: { type: 'string' },
    level: { type: 'string' },
    standardAmountFen: { type: 'integer' },
    standardDays: { type: 'integer' },
    standardClassHours: { type: 'integer' },
    effectiveFrom: { type: 'string', format: 'date' },
    effectiveTo: { type: ['string', 'null'], format: 'date' },
    citation: {
      type: 'object',
      properties: { document: { type: 'string' }, article: { type: 'string' } },
    },
    isShortage: { type: 'boolean' },
    isNewOccupation: { type: 'boolean' },
    status: described({ type: 'string', enum: ['active', 'withdrawn'] }, '目录项目状态'),
    withdrawnOn: { type: ['string', 'null'], format: 'date' },
    withdrawalReason: { type: ['string', 'null'] },
  },
} as const;

function registerCatalogRoutes(app: SchemaTypedApp): void {
  const db = () => app.deps.database.db;
  const catalogMaximum = () =>
    app.deps.config.catalogMaximumAmountFen ??
    (Object.fromEntries(
      Object.entries(DEFAULT_CATALOG_MAXIMUM_YUAN).map(([level, yuan]) => [level, yuan * 100]),
    ) as Record<Level, number>);

  app.post(
    '/api/catalog/versions',
    {
      config: { access: 'catalog.edit' },
      schema: {
        response: { 201: POST_CATALOG_VERSIONS_ANSWER },
        tags: ['catalog'],
        summary: '新建培训项目目录版本（草稿）',
        body: {
          type: 'object',
          required: ['regionCode', 'title', 'effectiveFrom', 'citation'],
          additionalProperties: false,
          properties: {
            regionCode,
            title: { type: 'string', minLength: 1, maxLength: 200 },
            effectiveFrom: date,
            effectiveTo: { type: ['string', 'null'], format: 'date' },
            citation,
            entries: { type: 'array', items: entrySchema, maxItems: 2000 },
          },
        },
      },
    },
    async (request, reply) => {
      const { entries, ...input } = request.body;
      const version = await db()
        .transaction()
        .execute(async (trx) => {
          const created = await createCatalogVersion(trx, request.auditContext, input);
          return entries && entries.length > 0
            ? addCatalogEntries(trx, request.auditContext, created.id, entries, catalogMaximum())
            : created;
        });
      return reply.status(201).send(version);
    },
  );

  app.post(
    '/api/catalog/versions/:id/entries',
    {
      config: { access: 'catalog.edit' },
      schema: {
        response: { 200: POST_CATALOG_VERSIONS_ANSWER },
        tags: ['catalog'],
        summary: '向草稿目录版本添加项目（职业×等级×补贴标准）',
        params: idParams,
        body: {
          type: 'object',
          required: ['entries'],
          additionalProperties: false,
          properties: { entries: { type: 'array', items: entrySchema, minItems: 1, maxItems: 2000 } },
        },
      },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) =>
          addCatalogEntries(
            trx,
            request.auditContext,
            request.params.id,
            request.body.entries,
            catalogMaximum(),
          ),
        ),
  );

  app.post(
    '/api/catalog/versions/:id/publish',
    {
      config: { access: 'catalog.publish' },
      schema: {
        response: { 200: CATALOG_VERSION_SCHEMA },
        tags: ['catalog'],
        summary: '发布目录版本（山西：不得全部按顶额标准确定）',
        params: idParams,
      },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) => publishCatalogVersion(trx, request.auditContext, request.params.id)),
  );

  app.post(
    '/api/catalog/entries/:id/withdraw',
    {
      config: { access: 'catalog.publish' },
      schema: {
        tags: ['catalog'],
        summary: '撤回已发布的培训项目目录项目（须说明理由，留痕）',
        description:
          '撤回后不能再据此项目开班，公开目录不再列出；已备案的班级不受影响。仅限本辖区目录的项目；已撤回的再次撤回返回 409。',
        params: idParams,
        body: withdrawalBody('撤回理由'),
        response: { 200: WITHDRAWN_CATALOG_ENTRY },
      },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) =>
          withdrawCatalogEntry(trx, request.auditContext, {
            id: request.params.id,
            reason: request.body.reason,
            today: app.clock.today(),
          }),
        ),
  );

  app.get(
    '/api/public/catalog-entries',
    {
      config: { access: 'public' },
      schema: {
        response: { 200: GET_PUBLIC_CATALOG_ENTRIES_ANSWER },
        tags: ['catalog'],
        summary: '公开的补贴标准目录：某地区某日有效的职业（工种）、等级和补贴标准（无需登录）',
        description:
          '每个职业和等级取最近一级辖区（区县、市、省）已发布目录的最新版本，并给出目录版本和依据。',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['regionCode', 'on'],
          properties: {
            ...PAGE_QUERY_PROPERTIES,
            regionCode: described(regionCode, '申请补贴的地区'),
            on: described(date, '在该日期有效'),
            q: described({ type: 'string', maxLength: 40 }, '按职业代码或名称查找'),
          },
        },
      },
    },
    async (request) =>
      listPublicCatalogEntries(db(), {
        regionCode: request.query.regionCode,
        on: request.query.on,
        page: request.query.page,
        pageSize: request.query.pageSize,
        ...(request.query.q ? { search: request.query.q } : {}),
      }),
  );

  app.get(
    '/api/public/institution-catalog',
    {
      config: { access: 'public' },
      schema: {
        response: { 200: GET_PUBLIC_INSTITUTION_CATALOG_ANSWER },
        tags: ['catalog'],
        summary: '公开的培训机构目录：某地区某日可承担补贴性培训的机构、职业和等级（无需登录）',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['regionCode', 'on'],
          properties: {
            ...PAGE_QUERY_PROPERTIES,
            regionCode: described(regionCode, '培训所在地区（含下级）'),
            on: described(date, '在该日期有效'),
            occupationCode: { type: 'string', pattern: '^\\d-\\d{2}-\\d{2}-\\d{2}$' },
          },
        },
      },
    },
    async (request) => listPublicInstitutionCatalog(db(), request.query),
  );

  app.get(
    '/api/catalog/versions',
    {
      config: { access: 'catalog.read' },
      schema: {
        response: { 200: GET_CATALOG_VERSIONS_ANSWER },
        tags: ['catalog'],
        summary: '培训项目目录版本分页查询（按辖区、状态、生效日期筛选）',
        description:
          '辖区含下级区划；effectiveOn 返回在该日期有效（生效日期 ≤ 该日 ≤ 失效日期或未设失效）的版本。',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...PAGE_QUERY_PROPERTIES,
            regionCode: described(regionCode, '目录所属辖区（含下级）'),
            status: described({ type: 'string', enum: ['draft', 'published', 'superseded'] }, '版本状态'),
            effectiveOn: described(date, '在该日期有效'),
          },
        },
      },
    },
    async (request) => listCatalogVersions(db(), request.principal!, request.query),
  );

  app.get(
    '/api/catalog/versions/:id',
    {
      config: { access: 'catalog.read' },
      schema: {
        response: { 200: CATALOG_VERSION_SCHEMA },
        tags: ['catalog'],
        summary: '目录版本详情（含项目）',
        params: idParams,
      },
    },
    async (request) => {
      const principal = request.principal!;
      const version = await getCatalogVersion(db(), request.params.id);
      // As in the list: published versions are public; a draft only to its region's editors.
      const isHiddenDraft =
        version?.status === 'draft' &&
        (!hasPermission(principal.role, 'catalog.edit') ||
          !isWithinRegion(principal.regionCode, version.regionCode));
      if (!version || isHiddenDraft) {
        throw new AppError('NOT_FOUND', `目录版本不存在：${request.params.id}`, [
          { field: 'id', message: '不存在' },
        ]);
      }
      return version;
    },
  );

  app.post(
    '/api/catalog/institutions',
    {
      config: { access: 'catalog.edit', scopedIds: { 'body.institutionId': 'organisation' } },
      schema: {
        response: { 201: INSTITUTION_CATALOG_ENTRY_SCHEMA },
        tags: ['catalog'],
        summary: '将培训机构纳入机构目录（可承担的项目和地区）',
        body: {
          type: 'object',
          required: ['institutionId', 'occupationCode', 'level', 'regionCode', 'validFrom'],
          additionalProperties: false,
          properties: {
            institutionId: { type: 'integer', minimum: 1 },
            occupationCode: { type: 'string', minLength: 1 },
            level: { type: 'string', enum: [...LEVELS] },
            regionCode,
            validFrom: date,
            validTo: { type: ['string', 'null'], format: 'date' },
          },
        },
      },
    },
    async (request, reply) => {
      const entry = await db()
        .transaction()
        .execute((trx) => addInstitutionCatalogEntry(trx, request.auditContext, request.body));
      return reply.status(201).send(entry);
    },
  );

  app.post(
    '/api/catalog/institutions/:id/withdraw',
    {
      config: { access: 'catalog.edit' },
      schema: {
        response: { 200: INSTITUTION_CATALOG_ENTRY_SCHEMA },
        tags: ['catalog'],
        summary: '将培训机构移出机构目录（须说明理由，留痕）',
        description:
          '移出后该机构不能再为该职业（工种）和等级申请开班；已备案的班级不受影响。仅限本辖区的目录条目。',
        params: idParams,
        body: withdrawalBody('移出理由'),
      },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) =>
          withdrawInstitutionCatalogEntry(trx, request.auditContext, {
            id: request.params.id,
            reason: request.body.reason,
            today: app.clock.today(),
          }),
        ),
  );

  app.post(
    '/api/catalog/evaluation-organisations',
    {
      config: { access: 'catalog.edit', scopedIds: { 'body.organisationId': 'organisation' } },
      schema: {
        response: { 201: POST_CATALOG_EVALUATION_ORGANISATIONS_ANSWER },
        tags: ['catalog'],
        summary: '将评价机构纳入评价机构目录（可评价的职业、等级和有效期）',
        body: {
          type: 'object',
          required: ['organisationId', 'occupationCode', 'level', 'regionCode', 'validFrom'],
          additionalProperties: false,
          properties: {
            organisationId: { type: 'integer', minimum: 1, maximum: 2_147_483_647 },
            occupationCode: { type: 'string', minLength: 1, maxLength: 20 },
            level: { type: 'string', enum: [...LEVELS] },
            regionCode: described(regionCode, '纳入目录的辖区（评价机构所在地或其上级）'),
            validFrom: date,
            validTo: { type: ['string', 'null'], format: 'date' },
          },
        },
      },
    },
    async (request, reply) => {
      const entry = await db()
        .transaction()
        .execute((trx) => addEvaluationCatalogEntry(trx, request.auditContext, request.body));
      return reply.status(201).send(entry);
    },
  );

  app.post(
    '/api/catalog/evaluation-organisations/:id/withdraw',
    {
      config: { access: 'catalog.edit' },
      schema: {
        response: { 200: EVALUATION_CATALOG_ENTRY_SCHEMA },
        tags: ['catalog'],
        summary: '将评价机构移出评价机构目录（须说明理由，留痕）',
        description: '移出后该机构不能再为该职业和等级组织考核或颁发证书；已颁发的证书不受影响。',
        params: idParams,
        body: withdrawalBody('移出理由'),
      },
    },
    async (request) =>
      db()
        .transaction()
        .execute((trx) =>
          withdrawEvaluationCatalogEntry(trx, request.auditContext, {
            id: request.params.id,
            reason: request.body.reason,
            today: app.clock.today(),
          }),
        ),
  );

  app.get(
    '/api/catalog/evaluation-organisations',
    {
      config: { access: 'catalog.read', scopedIds: { 'query.organisationId': 'organisation' } },
      schema: {
        response: { 200: GET_CATALOG_EVALUATION_ORGANISATIONS_ANSWER },
        tags: ['catalog'],
        summary: '评价机构目录分页查询（按机构、辖区、职业、状态、有效日期筛选）',
        querystring: catalogListQuery(
          { organisationId: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } },
          '目录辖区（含下级）',
          '随机构暂停',
        ),
      },
    },
    async (request) => listEvaluationCatalog(db(), request.query),
  );

  app.get(
    '/api/catalog/institutions',
    {
      config: { access: 'catalog.read', scopedIds: { 'query.institutionId': 'organisation' } },
      schema: {
        response: { 200: GET_CATALOG_INSTITUTIONS_ANSWER },
        tags: ['catalog'],
        summary: '机构目录分页查询（按机构、辖区、职业、状态、有效日期筛选）',
        description:
          '辖区含下级区划；validOn 返回在该日期有效（有效期起 ≤ 该日 ≤ 有效期止或未设）的目录条目。',
        querystring: catalogListQuery(
          { institutionId: { type: 'integer', minimum: 1 } },
          '可承担培训的辖区（含下级）',
          '随机构暂停（机构被暂停、列入黑名单或撤销资质）',
        ),
      },
    },
    async (request) => listInstitutionCatalog(db(), request.query),
  );
}
