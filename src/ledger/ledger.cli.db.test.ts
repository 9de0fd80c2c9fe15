import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { throwawayPostgres } from '../../test/support/database.ts';
import { openDatabase } from '../db/database.ts';

// `skillfund ledger verify` as an operator runs it: on an embedded database in a temporary
// SKILLFUND_DATA_DIR, or, in the PostgreSQL run, on a throwaway database beside DATABASE_URL's.
describe('skillfund ledger verify (CLI)', () => {
  let tempDir: string | undefined;
  let dataDir: string;
  let postgres: Awaited<ReturnType<typeof throwawayPostgres>> | undefined;
  beforeAll(async () => {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skillfund-ledger-cli-'));
    dataDir = path.join(tempDir, 'data');
    if (process.env.DATABASE_URL) postgres = await throwawayPostgres(process.env.DATABASE_URL);
  });
  afterAll(async () => {
    if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
    await postgres?.drop();
  });
  const target = () => (postgres ? { databaseUrl: postgres.url } : { dataDir });
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [path.resolve('bin/skillfund.js'), ...args], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        HOME: os.tmpdir(),
        SKILLFUND_DATA_DIR: dataDir,
        ...(postgres ? { DATABASE_URL: postgres.url } : {}),
        LOG_LEVEL: 'silent',
      },
    });

  it('exits 0 on the demo ledger, and 2 naming the account whose stored balance no longer matches its entries', async () => {
    const seeded = run('seed', '--demo');
    expect(seeded.status, seeded.stderr).toBe(0);

    const intact = run('ledger', 'verify');
    expect(intact.status, intact.stdout + intact.stderr).toBe(0);
    expect(intact.stdout).toMatch(/^ledger verify: \d+ accounts, [1-9]\d* transfers$/m);
    expect(intact.stdout).toContain('ok   balances equal the sum of their entries');
    expect(intact.stdout).toContain('ledger verify: all invariants hold');

    // Break the ledger behind the service: one more fen "posted" to Hengyang county's training
    // account without an entry. Accounts are not append-only (postings update their running
    // totals), and the CHECK tying balance_fen to the totals still holds, so only verify notices.
    const database = await openDatabase(target());
    let accountId: number;
    try {
      const updated = await sql<{ id: number }>`
        update ledger_account
           set debits_posted_fen = debits_posted_fen + 1,
               balance_fen = balance_fen + case normal_side when 'debit' then 1 else -1 end
         where region_code = '430421' and kind = 'training'
        returning id`.execute(database.db);
      expect(updated.rows).toHaveLength(1);
      accountId = Number(updated.rows[0]!.id);
    } finally {
      await database.close();
    }

    const broken = run('ledger', 'verify');
    expect(broken.status, broken.stdout + broken.stderr).toBe(2);
    expect(broken.stdout).toContain('FAIL balances equal the sum of their entries');
    expect(broken.stdout).toMatch(
      new RegExp(
        `^\\s+account ${accountId} \\(430421 training\\): stored debits/credits/balance .+, entries give `,
        'm',
      ),
    );
    expect(broken.stdout).toContain('FAIL debits equal credits per province');
    expect(broken.stdout).toContain('ledger verify: INVARIANTS BROKEN');
    expect(broken.stderr).not.toMatch(/\n\s+at /);
  });
});
