import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  recordAudit,
  SYSTEM_CONTEXT,
  verifyAuditChain,
  withDeferredAudit,
} from '../../src/auth/audit.service.ts';
import { recordPersonalDataRead } from '../../src/auth/personal-data.service.ts';
import type { Principal } from '../../src/auth/scope.ts';
import { openDatabase } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrator.ts';
import { DEMO_PASSWORD } from '../../src/demo/demo.service.ts';
import { isPostgresRun } from '../support/database.ts';
import { bearer, createSecurityApp, type SecurityApp, seedUsers } from './security-app.ts';

const officer: Principal = {
  userId: 1,
  loginName: 'hy_city',
  role: 'city_officer',
  regionCode: '430400',
  provinceCode: '430000',
  organisationId: null,
  personId: null,
};

describe('audit trail', () => {
  let t: SecurityApp;
  let auditAdmin: string;
  beforeAll(async () => {
    t = await createSecurityApp({ isDemoMode: true });
    await seedUsers(t.database, [
      { loginName: 'audit_boss', role: 'audit_admin', regionCode: '430000' },
      { loginName: 'js_auditor', role: 'auditor', regionCode: '320000' },
    ]);
    for (let index = 0; index < 5; index += 1) {
      await recordAudit(
        t.database.db,
        { actor: officer, ip: '10.0.0.1', requestId: `r${index}` },
        {
          action: 'person.update',
          objectType: 'person',
          objectId: 100 + index,
          before: { phone: '13812345678' },
          after: { phone: '13912345678', idNumber: '430421199001011234' },
        },
      );
    }
    auditAdmin = (await t.login('audit_boss')).json().token;
  });
  afterAll(async () => t.close());

  it('refuses UPDATE, DELETE and TRUNCATE in the database', async () => {
    await expect(sql`update audit_log set action = 'x'`.execute(t.database.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from audit_log`.execute(t.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`.execute(t.database.db)).rejects.toThrow(/append-only/);
    expect((await verifyAuditChain(t.database.db)).firstTampered).toBeNull();
  });

  it('names the first tampered entry when a row is altered behind the trigger', async () => {
    const rows = await t.database.db
      .selectFrom('audit_log')
      .select(['id', 'province_code'])
      .where('action', '=', 'person.update')
      .orderBy('id')
      .execute();
    const victim = rows[2]!;
    const rollback = new Error('rollback');
    await expect(
      t.database.db.transaction().execute(async (trx) => {
        await sql`alter table audit_log disable trigger audit_log_append_only`.execute(trx);
        await sql`update audit_log set outcome = 'denied' where id = ${victim.id}`.execute(trx);
        await sql`update audit_log set ip = '6.6.6.6' where id = ${rows[3]!.id}`.execute(trx);
        await sql`alter table audit_log enable trigger audit_log_append_only`.execute(trx);
        const result = await verifyAuditChain(trx);
        expect(result.firstTampered).toMatchObject({
          id: victim.id,
          provinceCode: '430000',
          reason: expect.stringContaining('hash'),
        });
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    expect((await verifyAuditChain(t.database.db)).firstTampered).toBeNull();
  });

  it('names the entry after a deleted one', async () => {
    const rows = await t.database.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'person.update')
      .orderBy('id')
      .execute();
    const rollback = new Error('rollback');
    await expect(
      t.database.db.transaction().execute(async (trx) => {
        await sql`alter table audit_log disable trigger audit_log_append_only`.execute(trx);
        await sql`delete from audit_log where id = ${rows[1]!.id}`.execute(trx);
        await sql`alter table audit_log enable trigger audit_log_append_only`.execute(trx);
        const result = await verifyAuditChain(trx);
        expect(result.firstTampered).toMatchObject({
          id: rows[2]!.id,
          reason: expect.stringContaining('link'),
        });
        throw rollback;
      }),
    ).rejects.toBe(rollback);
  });

  it('appends deferred entries at the end of the work, chained in order; an edit among them is named', async () => {
    const before = await t.database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.max('id').as('max'))
      .executeTakeFirstOrThrow();
    const seenInside: number[] = [];
    await t.database.db.transaction().execute((trx) =>
      withDeferredAudit(trx, async (executor) => {
        for (const [index, province] of ['430000', '320000', '430000'].entries()) {
          await recordAudit(executor, SYSTEM_CONTEXT, {
            action: 'test.deferred',
            objectType: 'test',
            objectId: index,
            provinceCode: province,
          });
          const written = await executor
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('action', '=', 'test.deferred')
            .executeTakeFirstOrThrow();
          seenInside.push(Number(written.n));
        }
      }),
    );
    // Nothing was written while the work ran; all three afterwards, each province's in order.
    expect(seenInside).toEqual([0, 0, 0]);
    const rows = await t.database.db
      .selectFrom('audit_log')
      .select(['id', 'province_code', 'object_id'])
      .where('action', '=', 'test.deferred')
      .orderBy('id')
      .execute();
    expect(rows.map((row) => [row.province_code, row.object_id])).toEqual([
      ['320000', '1'],
      ['430000', '0'],
      ['430000', '2'],
    ]);
    expect(rows[0]!.id).toBeGreaterThan(Number(before.max));
    expect((await verifyAuditChain(t.database.db)).firstTampered).toBeNull();
    const rollback = new Error('rollback');
    await expect(
      t.database.db.transaction().execute(async (trx) => {
        await sql`alter table audit_log disable trigger audit_log_append_only`.execute(trx);
        await sql`update audit_log set object_id = '9' where id = ${rows[1]!.id}`.execute(trx);
        await sql`alter table audit_log enable trigger audit_log_append_only`.execute(trx);
        expect((await verifyAuditChain(trx)).firstTampered).toMatchObject({ id: rows[1]!.id });
        throw rollback;
      }),
    ).rejects.toBe(rollback);
  });

  it('writes no deferred entry when the work fails', async () => {
    const failure = new Error('work failed');
    await expect(
      t.database.db.transaction().execute((trx) =>
        withDeferredAudit(trx, async (executor) => {
          await recordAudit(executor, SYSTEM_CONTEXT, { action: 'test.failed', objectType: 'test' });
          throw failure;
        }),
      ),
    ).rejects.toBe(failure);
    const rows = await t.database.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'test.failed')
      .execute();
    expect(rows).toEqual([]);
  });

  it('lists the caller province newest first, paginated, with personal data masked', async () => {
    const page = await t.app.inject({
      url: '/api/audit/entries?action=person.update&pageSize=2&page=2',
      headers: bearer(auditAdmin),
    });
    expect(page.statusCode).toBe(200);
    const body = page.json();
    expect(body).toMatchObject({ total: 5, page: 2, pageSize: 2 });
    expect(body.items.map((item: { objectId: string }) => item.objectId)).toEqual(['102', '101']);
    expect(body.items[0].after).toEqual({ phone: '139****5678', idNumber: '4304**********1234' });
    const other = (await t.login('js_auditor')).json().token;
    const jiangsu = await t.app.inject({
      url: '/api/audit/entries?action=person.update',
      headers: bearer(other),
    });
    expect(jiangsu.json().total).toBe(0);
    const verify = await t.app.inject({ url: '/api/audit/verify', headers: bearer(auditAdmin) });
    expect(verify.json()).toMatchObject({ isIntact: true, firstTampered: null });
  });

  it('refuses an unknown filter (400 naming it) and a caller without audit.read (403, audited)', async () => {
    const unknown = await t.app.inject({
      url: '/api/audit/entries?deleteAll=1',
      headers: bearer(auditAdmin),
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details[0].field).toContain('deleteAll');
    const county = (await t.login('hy_county', DEMO_PASSWORD)).json().token;
    const refused = await t.app.inject({ url: '/api/audit/entries', headers: bearer(county) });
    expect(refused.statusCode).toBe(403);
    const denial = await t.database.db
      .selectFrom('audit_log')
      .select(['object_id', 'outcome', 'actor_role'])
      .where('action', '=', 'access.denied')
      .executeTakeFirstOrThrow();
    expect(denial).toEqual({
      object_id: 'GET /api/audit/entries',
      outcome: 'denied',
      actor_role: 'county_officer',
    });
  });

  it('records unmasked personal-data reads, and refuses them to roles without person.unmask', async () => {
    await recordPersonalDataRead(
      t.database.db,
      { actor: officer, ip: null, requestId: 'x' },
      {
        objectType: 'person',
        objectId: 42,
        fields: ['idNumber', 'phone'],
        purpose: 'claim.review',
      },
    );
    const entry = await t.database.db
      .selectFrom('audit_log')
      .select(['actor_role', 'after_state', 'object_id'])
      .where('action', '=', 'personal_data.read')
      .executeTakeFirstOrThrow();
    expect(entry).toMatchObject({
      actor_role: 'city_officer',
      object_id: '42',
      after_state: { fields: ['idNumber', 'phone'], purpose: 'claim.review' },
    });
    await expect(
      recordPersonalDataRead(
        t.database.db,
        { ...SYSTEM_CONTEXT, actor: { ...officer, role: 'auditor' } },
        {
          objectType: 'person',
          objectId: 42,
          fields: ['idNumber'],
        },
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe.skipIf(isPostgresRun())('skillfund audit verify (CLI, embedded database)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skillfund-audit-cli-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const run = () =>
    spawnSync(process.execPath, [path.resolve('bin/skillfund.js'), 'audit', 'verify'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), SKILLFUND_DATA_DIR: dataDir },
    });

  it('exits 0 on an intact chain and 1 naming the first tampered entry', async () => {
    const database = await openDatabase({ dataDir });
    await migrate(database);
    for (let index = 0; index < 3; index += 1) {
      await recordAudit(database.db, SYSTEM_CONTEXT, {
        action: 'test.entry',
        objectType: 'test',
        objectId: index,
        provinceCode: '430000',
      });
    }
    await database.close();
    const intact = run();
    expect(intact.status).toBe(0);
    expect(intact.stdout).toContain('audit chain intact: 3 entries');

    const tamper = await openDatabase({ dataDir });
    await tamper.db.transaction().execute(async (trx) => {
      await sql`alter table audit_log disable trigger audit_log_append_only`.execute(trx);
      await sql`update audit_log set object_id = '99' where id = 2`.execute(trx);
      await sql`alter table audit_log enable trigger audit_log_append_only`.execute(trx);
    });
    await tamper.close();
    const broken = run();
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain('audit chain broken at entry 2 (province 430000)');
  });
});
