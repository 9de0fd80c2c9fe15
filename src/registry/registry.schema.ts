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
