import { type AuditContext, SYSTEM_CONTEXT } from '../auth/audit.service.ts';
import { provinceOf } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { saveSpecialAccount } from '../ledger/bank-profile.service.ts';
import { computeAppropriation } from '../ledger/funding.service.ts';
import {
  type AccountKind,
  accountFor,
  ensureAccounts,
  postJournal,
  type TransferCode,
} from '../ledger/transfer.service.ts';

/** Value date of the demo postings (the living demo dates them in its own year instead). */
export const DEMO_LEDGER_DATE = '2026-01-05';

interface DemoMovement {
  key: string;
  code: TransferCode;
  from: [string, AccountKind];
  to: [string, AccountKind];
  amountFen: number;
}

/** Jiangsu's 2018 year-end unemployment-insurance balance for the demo (an illustrative figure). */
export const DEMO_JIANGSU_2018_BALANCE_FEN = 50_000_000_000;

function demoMovements(): DemoMovement[] {
  const jiangsu = computeAppropriation({
    provinceCode: '320000',
    yearEndBalanceFen: DEMO_JIANGSU_2018_BALANCE_FEN,
  }).amountFen;
  return [
    {
      key: 'js-appropriation',
      code: 'appropriation',
      from: ['320000', 'ui_fund_source'],
      to: ['320000', 'special'],
      amountFen: jiangsu,
    },
    {
      key: 'js-nanjing',
      code: 'allocation',
      from: ['320000', 'special'],
      to: ['320100', 'special'],
      amountFen: 3_000_000_000,
    },
    {
      key: 'js-xuanwu',
      code: 'allocation',
      from: ['320100', 'special'],
      to: ['320102', 'special'],
      amountFen: 500_000_000,
    },
    {
      key: 'js-xuanwu-training',
      code: 'allocation',
      from: ['320102', 'special'],
      to: ['320102', 'training'],
      amountFen: 300_000_000,
    },
    {
      key: 'hn-appropriation',
      code: 'appropriation',
      from: ['430000', 'ui_fund_source'],
      to: ['430000', 'special'],
      amountFen: 2_000_000_000,
    },
    {
      key: 'hn-hengyang',
      code: 'allocation',
      from: ['430000', 'special'],
      to: ['430400', 'special'],
      amountFen: 800_000_000,
    },
    {
      key: 'hn-hengyang-county',
      code: 'allocation',
      from: ['430400', 'special'],
      to: ['430421', 'special'],
      amountFen: 200_000_000,
    },
    {
      key: 'hn-county-training',
      code: 'allocation',
      from: ['430421', 'special'],
      to: ['430421', 'training'],
      amountFen: 100_000_000,
    },
    {
      key: 'hn-county-living',
      code: 'allocation',
      from: ['430421', 'special'],
      to: ['430421', 'living_allowance'],
      amountFen: 20_000_000,
    },
    {
      key: 'hn-county-advance',
      code: 'allocation',
      from: ['430421', 'special'],
      to: ['430421', 'advance'],
      amountFen: 30_000_000,
    },
  ];
}

/**
 * Accounts for every demo region and a few appropriations and allocations so balances exist.
 * Idempotent: the transfers carry fixed ids, so a second run posts nothing.
 */
export async function seedLedgerDemo(
  executor: Executor,
  regionCodes: readonly string[],
  context: AuditContext = SYSTEM_CONTEXT,
  valueDate: string = DEMO_LEDGER_DATE,
): Promise<number> {
  await ensureAccounts(executor, regionCodes);
  let posted = 0;
  for (const movement of demoMovements()) {
    const debit = await accountFor(executor, ...movement.from);
    const credit = await accountFor(executor, ...movement.to);
    const result = await postJournal(executor, context, {
      provinceCode: provinceOf(movement.from[0]),
      code: movement.code,
      description: `演示数据 ${movement.key}`,
      transfers: [
        {
          idempotencyId: `demo:${movement.key}`,
          debitAccountId: debit.id,
          creditAccountId: credit.id,
          amountFen: movement.amountFen,
          code: movement.code,
          valueDate,
        },
      ],
    });
    if (!result.isReplay) posted += 1;
  }
  await seedSpecialAccounts(executor, regionCodes, context);
  return posted;
}

/** A (fictitious) special account at province level for every demo province, generic bank layout. */
async function seedSpecialAccounts(
  executor: Executor,
  regionCodes: readonly string[],
  context: AuditContext,
) {
  for (const provinceCode of [...new Set(regionCodes.map(provinceOf))].sort()) {
    const existing = await executor
      .selectFrom('ledger_bank_account')
      .select('region_code')
      .where('province_code', '=', provinceCode)
      .where('region_code', '=', provinceCode)
      .executeTakeFirst();
    if (existing) continue;
    await saveSpecialAccount(executor, context, {
      regionCode: provinceCode,
      accountNumber: `${provinceCode.slice(0, 2)}0100000000${provinceCode}`,
      accountName: `职业技能提升行动专账（演示）${provinceCode}`,
      bankName: '演示银行省分行营业部',
      bankCode: `10${provinceCode.slice(0, 2)}00000001`,
      profileCode: 'generic',
    });
  }
}
