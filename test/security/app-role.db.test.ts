import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { recordAudit, SYSTEM_CONTEXT, verifyAuditChain } from '../../src/auth/audit.service.ts';
import { appRoleGrants } from '../../src/db/app-role.ts';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrator.ts';
import { isPostgresRun, throwawayPostgres } from '../support/database.ts';

/**
 * Issue 18, finding 6 (PostgreSQL only; PGlite has one role): migrations run as the owner, the
 * application as a role that owns nothing. That role cannot disable the append-only triggers,
 * nor update or delete audit entries, yet runs the application (migrate finds nothing to do,
 * audit entries are appended and verify).
 */
describe.skipIf(!isPostgresRun())('the application role on PostgreSQL', () => {
  const role = `sf_app_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  const opened: DatabaseHandle[] = [];
  let drop: (() => Promise<void>) | undefined;

  afterAll(async () => {
    for (const handle of opened) await handle.close();
    await drop?.();
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`drop role if exists ${role}`);
    await admin.end();
  });

  it('cannot disable the audit trigger nor alter the audit trail, and still runs the application', async () => {
    const throwaway = await throwawayPostgres(process.env.DATABASE_URL!);
    drop = throwaway.drop;
    const owner = await openDatabase({ databaseUrl: throwaway.url, poolSize: 2 });
    opened.push(owner);
    await migrate(owner);
    await sql.raw(`create role ${role} login password '${password}'`).execute(owner.db);
    for (const statement of appRoleGrants(role)) await sql.raw(statement).execute(owner.db);

    const appUrl = new URL(throwaway.url);
    appUrl.username = role;
    appUrl.password = password;
    const app = await openDatabase({ databaseUrl: appUrl.toString(), poolSize: 2 });
    opened.push(app);

    await expect(
      sql`alter table audit_log disable trigger audit_log_append_only`.execute(app.db),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(sql`alter table audit_log disable trigger all`.execute(app.db)).rejects.toMatchObject({
      code: '42501',
    });
    await recordAudit(app.db, SYSTEM_CONTEXT, {
      action: 'test.entry',
      objectType: 'test',
      provinceCode: '430000',
    });
    await expect(sql`update audit_log set object_id = 'x'`.execute(app.db)).rejects.toMatchObject({
      code: '42501',
    });
    await expect(sql`delete from audit_log`.execute(app.db)).rejects.toMatchObject({ code: '42501' });
    await expect(sql`truncate audit_log`.execute(app.db)).rejects.toMatchObject({ code: '42501' });
    await expect(sql`drop table audit_log`.execute(app.db)).rejects.toMatchObject({ code: '42501' });

    // The application still starts and works as this role: nothing to migrate, entries appended.
    expect(await migrate(app)).toMatchObject({ applied: [] });
    expect((await verifyAuditChain(app.db)).firstTampered).toBeNull();
    const person = await sql<{ n: string }>`select count(*)::text as n from person`.execute(app.db);
    expect(Number(person.rows[0]!.n)).toBeGreaterThanOrEqual(0);
  });
});
