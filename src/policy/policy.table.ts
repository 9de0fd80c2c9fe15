import type { Generated } from 'kysely';

/**
 * Kysely row types of the policy engine's published parameters (migration
 * 20261123100000_policy.sql). The table is append-only; a correction is a new revision.
 * src/policy/parameter.repository.ts reads and writes it in SQL and converts the rows.
 */
export interface PolicyParameterVersionTable {
  id: Generated<number>;
  province_code: string;
  pack_id: string;
  parameter_key: string;
  /** A `date` column: 'YYYY-MM-DD'. */
  effective_from: string;
  revision: Generated<number>;
  /** jsonb: a ParameterValue (src/policy/parameter.types.ts). */
  value: unknown;
  citation_doc: string;
  citation_article: string;
  note: string | null;
  published_by: number | null;
  published_at: Generated<Date>;
}

export interface PolicyTables {
  policy_parameter_version: PolicyParameterVersionTable;
}
