import { SYSTEM_CONTEXT } from '../auth/audit.service.ts';
import { createUser } from '../auth/auth.service.ts';
import type { Role } from '../auth/roles.ts';
import type { Db } from '../db/database.ts';
import { upsertRegions } from '../registry/region.service.ts';
import { DEMO_REGIONS } from '../registry/regions.data.ts';
import { seedTargetsDemo } from '../reports/target.service.ts';
import { seedLedgerDemo } from './ledger-demo.ts';
import { seedRegistryDemo } from './registry-demo.ts';

/** The password of every demo account; demo mode only (SKILLFUND_DEMO=true). */
export const DEMO_PASSWORD = 'Demo@2026!';

export interface DemoAccount {
  loginName: string;
  displayName: string;
  role: Role;
  regionCode: string;
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { loginName: 'hy_city', displayName: '衡阳市人社局 张科长', role: 'city_officer', regionCode: '430400' },
  {
    loginName: 'hy_county',
    displayName: '衡阳县人社局 李经办',
    role: 'county_officer',
    regionCode: '430421',
  },
  {
    loginName: 'hy_finance',
    displayName: '衡阳市财政局 王会计',
    role: 'finance_officer',
    regionCode: '430400',
  },
  {
    // The second finance officer: payment orders, manual postings and account changes need one
    // person to request and another to approve (双人复核).
    loginName: 'hy_finance_checker',
    displayName: '衡阳市财政局 孙复核',
    role: 'finance_officer',
    regionCode: '430400',
  },
  {
    loginName: 'js_province',
    displayName: '江苏省人社厅 陈处长',
    role: 'province_officer',
    regionCode: '320000',
  },
  {
    loginName: 'nj_county',
    displayName: '玄武区人社局 周经办',
    role: 'county_officer',
    regionCode: '320102',
  },
  { loginName: 'cq_city', displayName: '重庆市人社局 刘科长', role: 'city_officer', regionCode: '500000' },
  {
    loginName: 'jx_province',
    displayName: '江西省人社厅 赵处长',
    role: 'province_officer',
    regionCode: '360000',
  },
  {
    loginName: 'sx_province',
    displayName: '山西省人社厅 孙处长',
    role: 'province_officer',
    regionCode: '140000',
  },
  {
    loginName: 'nj_finance',
    displayName: '南京市财政局 钱会计',
    role: 'finance_officer',
    regionCode: '320100',
  },
  {
    loginName: 'nj_finance_checker',
    displayName: '南京市财政局 吴复核',
    role: 'finance_officer',
    regionCode: '320100',
  },
  { loginName: 'auditor', displayName: '审计人员', role: 'auditor', regionCode: '430400' },
  { loginName: 'sysadmin', displayName: '系统管理员', role: 'system_admin', regionCode: '430400' },
  { loginName: 'secadmin', displayName: '安全管理员', role: 'security_admin', regionCode: '430400' },
  { loginName: 'auditadmin', displayName: '审计管理员', role: 'audit_admin', regionCode: '430400' },
  // A second finance officer of 衡阳 (reviews reconciliations and postings) and the province's own,
  // who closes accounting months (docs/bank-reconciliation.md).
  {
    loginName: 'hy_finance2',
    displayName: '衡阳市财政局 赵复核',
    role: 'finance_officer',
    regionCode: '430400',
  },
  {
    loginName: 'hn_finance',
    displayName: '湖南省财政厅 周会计',
    role: 'finance_officer',
    regionCode: '430000',
  },
  // The province's second finance officer: the province's own reconciliation (its special account)
  // is signed off by someone other than the one who prepared it.
  {
    loginName: 'hn_finance2',
    displayName: '湖南省财政厅 吴复核',
    role: 'finance_officer',
    regionCode: '430000',
  },
];

export interface SeedResult {
  regions: number;
  users: number;
}

/**
 * Where the training clock starts: `requested` (`serve --demo-clock`), or the date an
 * administrator last moved it to (the audit log's `demo.clock.advance`), whichever is later, so a
 * restart never takes the business date backwards.
 */
export async function trainingClockStart(db: Db, requested: string): Promise<string> {
  const last = await db
    .selectFrom('audit_log')
    .select('after_state')
    .where('action', '=', 'demo.clock.advance')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const moved = (last?.after_state as { today?: unknown } | null | undefined)?.today;
  return typeof moved === 'string' && moved > requested ? moved : requested;
}

/** True when the living demo was played to its end (its last step opens the worker's account). */
export async function isLivingDemoPlayed(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom('app_user')
    .select('id')
    .where('login_name', '=', 'hy_worker')
    .executeTakeFirst();
  return row !== undefined;
}

/** True when the database holds no regions yet (a fresh embedded database). */
export async function isEmpty(db: Db): Promise<boolean> {
  const row = await db.selectFrom('region').select('code').limit(1).executeTakeFirst();
  return row === undefined;
}

/**
 * Loads the demo jurisdictions and accounts; running it again changes nothing. The demo funds
 * (appropriations and allocations) are dated `ledgerValueDate`: the living demo passes the first
 * day of its year, so its 2021 payments are paid out of 2021 allocations.
 */
export async function seedDemo(db: Db, options: { ledgerValueDate?: string } = {}): Promise<SeedResult> {
  return db.transaction().execute(async (trx) => {
    const regions = await upsertRegions(trx, DEMO_REGIONS);
    await seedRegistryDemo(trx, DEMO_PASSWORD);
    let users = 0;
    for (const account of DEMO_ACCOUNTS) {
      const exists = await trx
        .selectFrom('app_user')
        .select('id')
        .where('login_name', '=', account.loginName)
        .executeTakeFirst();
      if (exists) continue;
      await createUser(trx, SYSTEM_CONTEXT, { ...account, password: DEMO_PASSWORD });
      users += 1;
    }
    await seedLedgerDemo(
      trx,
      DEMO_REGIONS.map((region) => region.code),
      SYSTEM_CONTEXT,
      options.ledgerValueDate,
    );
    await seedTargetsDemo(trx, SYSTEM_CONTEXT);
    return { regions, users };
  });
}
