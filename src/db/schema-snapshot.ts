import { sql } from 'kysely';
import type { Executor } from './database.ts';

/**
 * A comparable description of the current schema: tables, columns with types and defaults,
 * constraints, indexes and triggers. NOT NULL constraints are left to the column list: newer
 * PostgreSQL versions (PGlite's) also list them in pg_constraint, older ones do not. Used to prove migrations are idempotent and produce the
 * same schema on PGlite and PostgreSQL.
 */
export interface SchemaDescription {
  columns: string[];
  constraints: string[];
  indexes: string[];
  triggers: string[];
}

export async function describeSchema(executor: Executor): Promise<SchemaDescription> {
  const columns = await sql<{ line: string }>`
    select table_name || '.' || column_name || ' ' || data_type || ' null=' || is_nullable
           || ' default=' || coalesce(column_default, '') as line
    from information_schema.columns where table_schema = current_schema()
    order by table_name, column_name`.execute(executor);
  const constraints = await sql<{ line: string }>`
    select rel.relname || ' ' || con.contype::text || ' ' || pg_get_constraintdef(con.oid) as line
    from pg_constraint con join pg_class rel on rel.oid = con.conrelid
    join pg_namespace nsp on nsp.oid = rel.relnamespace
    where nsp.nspname = current_schema() and con.contype <> 'n' order by 1`.execute(executor);
  const indexes = await sql<{ line: string }>`
    select indexdef as line from pg_indexes where schemaname = current_schema() order by 1`.execute(executor);
  const triggers = await sql<{ line: string }>`
    select event_object_table || ' ' || trigger_name || ' ' || action_timing || ' ' || event_manipulation as line
    from information_schema.triggers where trigger_schema = current_schema() order by 1`.execute(executor);
  const lines = (rows: { line: string }[]) => rows.map((row) => row.line);
  return {
    columns: lines(columns.rows),
    constraints: lines(constraints.rows),
    indexes: lines(indexes.rows),
    triggers: lines(triggers.rows),
  };
}
