/**
 * The privileges of the application's PostgreSQL role (issue 18, finding 6). Migrations run as
 * the schema owner (DATABASE_MIGRATION_URL); the application connects (DATABASE_URL) as a role
 * that owns nothing, so it cannot disable the append-only triggers, alter tables or drop them,
 * and may not update, delete or truncate the audit trail even with the triggers gone.
 * `skillfund db grant-app-role <role>` runs these statements as the owner after migrating.
 */
export function appRoleGrants(role: string): string[] {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new Error(`not a plain role name: ${role}`);
  return [
    `grant usage on schema public to ${role}`,
    `grant select, insert, update, delete on all tables in schema public to ${role}`,
    `grant usage, select on all sequences in schema public to ${role}`,
    // The audit trail is append-only for the application: insert and read, nothing else.
    `revoke update, delete, truncate on audit_log from ${role}`,
    `revoke insert, update, delete, truncate on schema_migrations from ${role}`,
    // Tables of later migrations (created by the owner running this) get the same grants.
    `alter default privileges in schema public grant select, insert, update, delete on tables to ${role}`,
    `alter default privileges in schema public grant usage, select on sequences to ${role}`,
  ];
}
