import { sql } from 'kysely';
import type { Executor } from './database.ts';

/** The column every distributed table carries (docs/scaling.md). */
export const DISTRIBUTION_COLUMN = 'province_code';

/**
 * Small, slowly changing tables replicated to every node instead of distributed. Everything
 * else must carry province_code and include it in every primary key and unique constraint.
 */
export const REFERENCE_TABLES: readonly string[] = [
  'schema_migrations',
  'region',
  'app_user',
  'user_session',
  'occupation',
  'login_throttle',
  'password_history',
];

export interface DistributionProblem {
  table: string;
  problem: string;
}

/** Lists the tables and unique constraints that would stop the schema from being distributed. */
export async function distributionProblems(executor: Executor): Promise<DistributionProblem[]> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(
    executor,
  );
  const columns = await sql<{ table_name: string }>`
    select table_name from information_schema.columns
    where table_schema = current_schema() and column_name = ${DISTRIBUTION_COLUMN}`.execute(executor);
  const uniques = await sql<{ table_name: string; constraint_name: string; columns: string[] }>`
    select rel.relname as table_name, con.conname as constraint_name,
           array_agg(att.attname::text order by att.attname) as columns
    from pg_constraint con
    join pg_class rel on rel.oid = con.conrelid
    join pg_namespace nsp on nsp.oid = rel.relnamespace
    join pg_attribute att on att.attrelid = rel.oid and att.attnum = any (con.conkey)
    where nsp.nspname = current_schema() and con.contype in ('p', 'u', 'x')
    group by rel.relname, con.conname`.execute(executor);
  const uniqueIndexes = await sql<{ table_name: string; index_name: string; definition: string }>`
    select tablename as table_name, indexname as index_name, indexdef as definition from pg_indexes
    where schemaname = current_schema() and indexdef like 'CREATE UNIQUE INDEX%'`.execute(executor);
  const withColumn = new Set(columns.rows.map((row) => row.table_name));
  const constraintNames = new Set(uniques.rows.map((row) => row.constraint_name));
  const problems: DistributionProblem[] = [];
  for (const { table_name: table } of tables.rows) {
    if (REFERENCE_TABLES.includes(table)) continue;
    if (!withColumn.has(table)) problems.push({ table, problem: `has no ${DISTRIBUTION_COLUMN} column` });
  }
  for (const unique of uniques.rows) {
    if (REFERENCE_TABLES.includes(unique.table_name)) continue;
    const columnList = Array.isArray(unique.columns)
      ? unique.columns
      : String(unique.columns).replace(/[{}]/g, '').split(',');
    if (!columnList.includes(DISTRIBUTION_COLUMN)) {
      problems.push({
        table: unique.table_name,
        problem: `constraint ${unique.constraint_name} does not include ${DISTRIBUTION_COLUMN}`,
      });
    }
  }
  for (const index of uniqueIndexes.rows) {
    if (REFERENCE_TABLES.includes(index.table_name) || constraintNames.has(index.index_name)) continue;
    if (!index.definition.includes(DISTRIBUTION_COLUMN)) {
      problems.push({
        table: index.table_name,
        problem: `unique index ${index.index_name} does not include ${DISTRIBUTION_COLUMN}`,
      });
    }
  }
  return problems;
}
