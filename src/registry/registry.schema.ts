import { pageSchemaOf } from '../shared/schemas.ts';

/**
 * JSON schemas of the registry API's answers: they serialise the answers and describe them in
 * the OpenAPI document, from which the web client's types are generated.
 */

/** A GB/T 2260 region (`Region`, region.service.ts). */
export const REGION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'name', 'level', 'parentCode', 'provinceCode'],
  properties: {
    code: { type: 'string' },
    name: { type: 'string' },
    level: { type: 'string', enum: ['province', 'city', 'county'] },
    parentCode: { type: 'string', nullable: true },
    provinceCode: { type: 'string' },
  },
} as const;

export const REGION_PAGE_SCHEMA = pageSchemaOf(REGION_SCHEMA);

/** A group (人员类别) certified for a person, current or revoked (`PersonGroupRecord`). */
export const PERSON_GROUP_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'groupCode', 'certifiedByOrganisation', 'certifiedByOfficer', 'validFrom', 'validTo'],
  properties: {
    id: { type: 'integer' },
    groupCode: { type: 'string' },
    certifiedByOrganisation: { type: 'string' },
    certifiedByOfficer: { type: 'string' },
    validFrom: { type: 'string', format: 'date' },
    validTo: { type: 'string', format: 'date', nullable: true },
    certifierCode: { type: 'string', nullable: true, description: '认定机构（GROUP_CERTIFIERS）' },
    recordedByUserId: { type: 'integer', nullable: true },
    recordedOn: { type: 'string', format: 'date', nullable: true },
    revokedOn: { type: 'string', format: 'date', nullable: true },
    revocationReason: { type: 'string', nullable: true },
  },
} as const;

/** A real-name person with the groups certified for them (`Person`); ID number and phone masked unless the role may unmask. */
export const PERSON_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: [
    'id',
    'provinceCode',
    'registeringRegionCode',
    'idNumber',
    'name',
    'sex',
    'birthDate',
    'phone',
    'householdRegionCode',
    'pensionStatus',
    'isFullTimeStudent',
    'createdAt',
    'groups',
  ],
  properties: {
    id: { type: 'integer' },
    provinceCode: { type: 'string' },
    registeringRegionCode: { type: 'string' },
    idNumber: { type: 'string', description: '身份证号（无 person.unmask 权限时脱敏）' },
    name: { type: 'string' },
    sex: { type: 'string', enum: ['male', 'female'] },
    birthDate: { type: 'string', format: 'date' },
    phone: { type: 'string', nullable: true, description: '手机号（无 person.unmask 权限时脱敏）' },
    householdRegionCode: { type: 'string', nullable: true },
    pensionStatus: { type: 'string', enum: ['none', 'receiving'] },
    isFullTimeStudent: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time' },
    groups: { type: 'array', items: PERSON_GROUP_SCHEMA },
  },
} as const;

export const PERSON_PAGE_SCHEMA = pageSchemaOf(PERSON_SCHEMA);

/** GET /api/persons/:id/groups → 200: every certification of the person, current and revoked. */
export const PERSON_GROUPS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['items'],
  properties: { items: { type: 'array', items: PERSON_GROUP_SCHEMA } },
} as const;
