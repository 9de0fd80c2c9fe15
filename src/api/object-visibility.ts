import { type Expression, type SqlBool, sql } from 'kysely';
import type { ScopedObjectKind, VisibleIds } from '../auth/object-scope.ts';
import { type Principal, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { visiblePersonIds } from '../registry/person.service.ts';

/**
 * Which objects of a kind a caller may see, for the ids a request names in its body or query
 * (src/auth/object-scope.ts). The rules are those of the lists and the path ids: a region role
 * sees its region subtree; an institution, enterprise or evaluation organisation its own
 * organisation and what it owns (its classes, claims, employment records, the certificates it
 * issued); a worker only himself. Persons follow the registry's own visibility rule.
 */

/** Operators acting for their own organisation only (the third-party reviewer is region-scoped). */
const isOwnOrganisationOnly = (principal: Principal) =>
  principal.organisationId !== null && principal.role !== 'third_party_reviewer';

type Condition = (scope: { like: string; organisationId: number }) => Expression<SqlBool>;

/** Per kind: the table, its region test and its ownership test (null: no organisation owns one). */
const RULES: Record<
  Exclude<ScopedObjectKind, 'person'>,
  { table: string; region: Condition; owner: Condition | null }
> = {
  organisation: {
    table: 'organisation',
    region: ({ like }) => sql<SqlBool>`o.region_code like ${like}`,
    owner: ({ organisationId }) => sql<SqlBool>`o.id = ${organisationId}`,
  },
  class: {
    table: 'training_class',
    region: ({ like }) => sql<SqlBool>`o.region_code like ${like}`,
    owner: ({ organisationId }) => sql<SqlBool>`o.institution_id = ${organisationId}`,
  },
  claim: {
    table: 'claim',
    region: ({ like }) => sql<SqlBool>`o.region_code like ${like}`,
    owner: ({ organisationId }) => sql<SqlBool>`o.applicant_organisation_id = ${organisationId}`,
  },
  certificate: {
    table: 'certificate',
    // The certificate's place: its class, else its issuer, else its holder's registration.
    region: ({ like }) => sql<SqlBool>`coalesce(
        (select c.region_code from training_class c where c.id = o.class_id),
        (select i.region_code from organisation i where i.id = o.issuer_organisation_id),
        (select p.registering_region_code from person p where p.id = o.person_id)) like ${like}`,
    owner: ({ organisationId }) => sql<SqlBool>`(o.issuer_organisation_id = ${organisationId}
        or exists (select 1 from training_class c where c.id = o.class_id and c.institution_id = ${organisationId}))`,
  },
  assessment: {
    table: 'assessment',
    region: ({ like }) =>
      sql<SqlBool>`exists (select 1 from organisation e where e.id = o.organisation_id and e.region_code like ${like})`,
    owner: ({ organisationId }) => sql<SqlBool>`o.organisation_id = ${organisationId}`,
  },
  employmentRecord: {
    table: 'employment_record',
    region: ({ like }) =>
      sql<SqlBool>`exists (select 1 from organisation e where e.id = o.enterprise_id and e.region_code like ${like})`,
    owner: ({ organisationId }) => sql<SqlBool>`o.enterprise_id = ${organisationId}`,
  },
  ledgerAccount: {
    table: 'ledger_account',
    region: ({ like }) => sql<SqlBool>`o.region_code like ${like}`,
    owner: null,
  },
  bankStatement: {
    table: 'bank_statement',
    region: ({ like }) => sql<SqlBool>`o.region_code like ${like}`,
    owner: null,
  },
  statementLine: {
    table: 'bank_statement_line',
    region: ({ like }) =>
      sql<SqlBool>`exists (select 1 from bank_statement s where s.id = o.statement_id and s.region_code like ${like})`,
    owner: null,
  },
  alert: {
    table: 'risk_alert',
    region: ({ like }) => sql<SqlBool>`o.region_code like ${like}`,
    owner: null,
  },
  reportSnapshot: {
    table: 'report_snapshot',
    region: ({ like }) => sql<SqlBool>`o.region_code like ${like}`,
    owner: null,
  },
  user: {
    table: 'app_user',
    region: ({ like }) => sql<SqlBool>`o.region_code like ${like}`,
    owner: null,
  },
};

/** The port buildApp uses: the ids, among those named, of objects the caller may see. */
export function objectVisibility(executor: Executor): VisibleIds {
  return async (principal, kind, ids) => {
    if (ids.length === 0) return new Set();
    if (kind === 'person') return visiblePersonIds(executor, principal, ids);
    if (principal.role === 'worker') return new Set();
    const rule = RULES[kind];
    const scope = {
      like: regionLikePattern(principal.regionCode),
      organisationId: principal.organisationId ?? -1,
    };
    const condition = isOwnOrganisationOnly(principal) ? rule.owner?.(scope) : rule.region(scope);
    if (!condition) return new Set();
    const rows = await sql<{ id: number }>`
      select o.id from ${sql.table(rule.table)} o
      where o.id in (${sql.join(ids.map((id) => sql`${id}`))}) and ${condition}`.execute(executor);
    return new Set(rows.rows.map((row) => Number(row.id)));
  };
}
