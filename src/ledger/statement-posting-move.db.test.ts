import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database.ts';
import { SYSTEM_CONTEXT } from '../auth/audit.service.ts';
import { createUser } from '../auth/auth.service.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { MIGRATIONS_DIR, migrate } from '../db/migrator.ts';
import { DEMO_PASSWORD } from '../demo/demo.service.ts';
import { requestStatementPosting } from './bank-reconciliation.service.ts';
import { decideLedgerApproval } from './manual.service.ts';

/** The migration that moved interest and fee proposals into the approvals queue. */
const MOVE = '20261206030000';

/** A folder with the migrations before `version` only (the schema as it was before the move). */
function migrationsBefore(version: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sf-migrations-before-'));
  for (const file of fs.readdirSync(MIGRATIONS_DIR))
    if (file < version) fs.copyFileSync(path.join(MIGRATIONS_DIR, file), path.join(dir, file));
  return dir;
}

/**
 * Migration 20261206030000_statement_posting_via_approval moved the rows of
 * ledger_statement_posting (interest and fees proposed from statement lines) into ledger_approval
 * and dropped the table. Here with real rows of each status, written into the schema as it was
 * before the move, then read and decided by today's services.
 */
describe('statement postings moved into the approvals queue (migration 20261206030000)', () => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
    await migrate(database, migrationsBefore(MOVE));
  });
  afterAll(async () => database?.close());

  it('pending, posted and rejected proposals become manual postings of the same status; a moved proposal is decided like any other', async () => {
    const db = database.db;
    await sql`insert into region (code, name, level, parent_code, province_code) values
      ('430000', '湖南省', 'province', null, '430000'),
      ('430400', '衡阳市', 'city', '430000', '430000')`.execute(db);
    const accounts = await sql<{ id: number; kind: string }>`
      insert into ledger_account (province_code, region_code, kind, normal_side, is_non_negative) values
        ('430000', '430400', 'bank', 'credit', false),
        ('430000', '430400', 'special', 'credit', true)
      returning id, kind`.execute(db);
    const accountId = (kind: string) => Number(accounts.rows.find((row) => row.kind === kind)!.id);
    const statement = await sql<{ id: number }>`
      insert into bank_statement (province_code, region_code, file_name, file_hash, line_count, profile_code)
      values ('430000', '430400', '衡阳市专户2026年4月.csv', 'move-test', 3, 'generic') returning id`.execute(
      db,
    );
    const statementId = Number(statement.rows[0]!.id);
    const lines = await sql<{ id: number }>`
      insert into bank_statement_line (province_code, statement_id, line_number, reference, amount_fen,
        booking_date, raw, direction, summary)
      values
        ('430000', ${statementId}, 1, null, -1234, '2026-04-21', '{}', 'credit', '结息'),
        ('430000', ${statementId}, 2, null, 500, '2026-04-22', '{}', 'debit', '手续费'),
        ('430000', ${statementId}, 3, null, -99, '2026-04-23', '{}', 'credit', '结息')
      returning id`.execute(db);
    const [interestLine, feeLine, rejectedLine] = lines.rows.map((row) => Number(row.id)) as [
      number,
      number,
      number,
    ];
    await sql`insert into ledger_statement_posting (province_code, statement_line_id, region_code, kind,
        amount_fen, value_date, status, requested_by, decided_by, decided_at, journal_id)
      values
        ('430000', ${interestLine}, '430400', 'interest', 1234, '2026-04-21', 'pending', 901, null, null, null),
        ('430000', ${feeLine}, '430400', 'bank_fee', 500, '2026-04-22', 'posted', 901, 902, now(), 77),
        ('430000', ${rejectedLine}, '430400', 'interest', 99, '2026-04-23', 'rejected', 901, 902, now(), null)`.execute(
      db,
    );

    await migrate(database);

    const table = await sql<{ name: string | null }>`
      select to_regclass('ledger_statement_posting')::text as name`.execute(db);
    expect(table.rows[0]!.name).toBeNull();
    const moved = await db
      .selectFrom('ledger_approval')
      .select([
        'id',
        'kind',
        'region_code',
        'status',
        'payload',
        'amount_fen',
        'requested_by',
        'decided_by',
        'result',
      ])
      .orderBy('id')
      .execute();
    const payloadOf = (row: (typeof moved)[number]) =>
      (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Record<string, unknown>;
    expect(moved.map((row) => [row.kind, row.region_code, row.status, Number(row.amount_fen)])).toEqual([
      ['manual_transfer', '430400', 'pending', 1234],
      ['manual_transfer', '430400', 'approved', 500],
      ['manual_transfer', '430400', 'rejected', 99],
    ]);
    expect(moved.map(payloadOf)).toEqual([
      {
        debitAccountId: accountId('bank'),
        creditAccountId: accountId('special'),
        amountFen: 1234,
        code: 'interest',
        valueDate: '2026-04-21',
        description: `对账单行 ${interestLine}`,
        statementLineId: interestLine,
      },
      {
        debitAccountId: accountId('special'),
        creditAccountId: accountId('bank'),
        amountFen: 500,
        code: 'bank_fee',
        valueDate: '2026-04-22',
        description: `对账单行 ${feeLine}`,
        statementLineId: feeLine,
      },
      expect.objectContaining({ code: 'interest', amountFen: 99, statementLineId: rejectedLine }),
    ]);
    expect(
      moved.map((row) => [Number(row.requested_by), row.decided_by === null ? null : Number(row.decided_by)]),
    ).toEqual([
      [901, null],
      [901, 902],
      [901, 902],
    ]);
    const result = moved[1]!.result;
    expect(typeof result === 'string' ? JSON.parse(result) : result).toEqual({ journalId: 77 });

    // Today's services read the moved rows, as two finance officers of the city.
    const officer = async (loginName: string) => {
      const userId = await createUser(db, SYSTEM_CONTEXT, {
        loginName,
        displayName: '衡阳市财政经办',
        role: 'finance_officer',
        regionCode: '430400',
        password: DEMO_PASSWORD,
      });
      return {
        ...SYSTEM_CONTEXT,
        actor: {
          userId,
          loginName,
          role: 'finance_officer' as const,
          regionCode: '430400',
          provinceCode: '430000',
          organisationId: null,
          personId: null,
        },
      };
    };
    const maker = await officer('move_maker');
    const checker = await officer('move_checker');
    // A line proposed or posted is not proposed again; the rejected one may be.
    const businessDate = '2026-05-10';
    for (const statementLineId of [interestLine, feeLine])
      await expect(
        requestStatementPosting(
          db,
          maker,
          { statementLineId, kind: statementLineId === feeLine ? 'bank_fee' : 'interest' },
          businessDate,
        ),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
    const again = await requestStatementPosting(
      db,
      maker,
      { statementLineId: rejectedLine, kind: 'interest' },
      businessDate,
    );
    expect(again).toMatchObject({ kind: 'manual_transfer', status: 'pending', amountFen: 99 });

    // A second finance officer approves the moved pending proposal: the interest is posted from its line.
    const decided = await db
      .transaction()
      .execute((trx) =>
        decideLedgerApproval(
          trx,
          checker,
          { id: Number(moved[0]!.id), kind: 'manual_transfer', isApproved: true },
          businessDate,
        ),
      );
    expect(decided.approval.status).toBe('approved');
    const transfer = await db
      .selectFrom('ledger_transfer')
      .select(['debit_account_id', 'credit_account_id', 'amount_fen', 'code', 'statement_line_id'])
      .where('journal_id', '=', decided.posted!.journalId)
      .executeTakeFirstOrThrow();
    expect({
      debit: Number(transfer.debit_account_id),
      credit: Number(transfer.credit_account_id),
      amountFen: Number(transfer.amount_fen),
      code: transfer.code,
      statementLineId: Number(transfer.statement_line_id),
    }).toEqual({
      debit: accountId('bank'),
      credit: accountId('special'),
      amountFen: 1234,
      code: 'interest',
      statementLineId: interestLine,
    });
  });
});
