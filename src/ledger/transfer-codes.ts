import type { AccountKind, TransferCode } from './ledger.vocabulary.ts';

/**
 * Which transfer codes may move money between which account kinds (debit kind → credit kind)
 * and who may start them. Anything not in this table is refused by `postJournal`. `sameRegion`:
 * both accounts belong to one region; `manual`: a person may start it through the manual
 * transfer route (always maker-checker).
 */
export const TRANSFER_CODE_TABLE: Readonly<
  Record<
    TransferCode,
    readonly { debit: AccountKind; credit: AccountKind; sameRegion: boolean; manual: boolean }[]
  >
> = {
  appropriation: [{ debit: 'ui_fund_source', credit: 'special', sameRegion: true, manual: false }],
  allocation: [
    { debit: 'special', credit: 'special', sameRegion: false, manual: false },
    ...(
      [
        'training',
        'on_the_job_training',
        'living_allowance',
        'certificate',
        'apprenticeship',
        'advance',
      ] as const
    ).map((kind) => ({ debit: 'special' as const, credit: kind, sameRegion: true, manual: false })),
  ],
  reallocation: (
    [
      'special',
      'training',
      'on_the_job_training',
      'living_allowance',
      'certificate',
      'apprenticeship',
      'advance',
    ] as const
  ).map((kind) => ({ debit: kind, credit: kind, sameRegion: false, manual: false })),
  disbursement: (
    ['training', 'on_the_job_training', 'living_allowance', 'certificate', 'apprenticeship'] as const
  ).map((kind) => ({ debit: kind, credit: 'bank' as const, sameRegion: true, manual: false })),
  advance: [{ debit: 'advance', credit: 'bank', sameRegion: true, manual: false }],
  settlement: (
    ['training', 'on_the_job_training', 'living_allowance', 'certificate', 'apprenticeship'] as const
  ).map((kind) => ({ debit: kind, credit: 'advance' as const, sameRegion: true, manual: false })),
  payment_failure: (
    [
      'training',
      'on_the_job_training',
      'living_allowance',
      'certificate',
      'apprenticeship',
      'advance',
      'payable',
    ] as const
  ).map((kind) => ({ debit: 'bank' as const, credit: kind, sameRegion: true, manual: false })),
  recovery: [
    { debit: 'receivable', credit: 'recovery_reserve', sameRegion: true, manual: false },
    { debit: 'recovery_reserve', credit: 'receivable', sameRegion: true, manual: false },
    ...(
      [
        'training',
        'on_the_job_training',
        'living_allowance',
        'certificate',
        'apprenticeship',
        'advance',
      ] as const
    ).map((kind) => ({ debit: 'bank' as const, credit: kind, sameRegion: true, manual: false })),
  ],
  // A reversal mirrors a transfer that was allowed: checked against the original's code.
  reversal: [],
  interest: [{ debit: 'bank', credit: 'special', sameRegion: true, manual: true }],
  bank_fee: [{ debit: 'special', credit: 'bank', sameRegion: true, manual: true }],
};

/** Why a transfer of `code` between these accounts is not allowed, or null when it is. */
export function transferCodeRefusal(
  code: TransferCode,
  debit: { kind: AccountKind; regionCode: string },
  credit: { kind: AccountKind; regionCode: string },
  options: { isManual?: boolean } = {},
): string | null {
  const rules = TRANSFER_CODE_TABLE[code];
  const allowed = rules.some(
    (rule) =>
      rule.debit === debit.kind &&
      rule.credit === credit.kind &&
      (!rule.sameRegion || debit.regionCode === credit.regionCode) &&
      (!options.isManual || rule.manual),
  );
  return allowed
    ? null
    : `业务代码「${TRANSFER_CODE_NAMES[code]}」不允许${options.isManual ? '手工' : ''}从 ${debit.regionCode} ${ACCOUNT_KIND_NAMES[debit.kind]}记入 ${credit.regionCode} ${ACCOUNT_KIND_NAMES[credit.kind]}`;
}

/** Names of the account kinds in refusals (the web's finance labels say the same). */
export const ACCOUNT_KIND_NAMES: Record<AccountKind, string> = {
  ui_fund_source: '失业保险基金结余（计提来源）',
  special: '专账（未分配）',
  training: '职业培训补贴子账户',
  on_the_job_training: '以工代训补贴子账户',
  living_allowance: '生活费补贴子账户',
  certificate: '鉴定评价（取证）补贴子账户',
  apprenticeship: '新型学徒制补贴子账户',
  advance: '预拨资金',
  payable: '应付待支付',
  bank: '银行付出',
  receivable: '应追回款',
  recovery_reserve: '待追回款',
};

/** Names of the business codes in refusals. */
export const TRANSFER_CODE_NAMES: Record<TransferCode, string> = {
  appropriation: '计提',
  allocation: '下拨',
  reallocation: '调剂',
  disbursement: '支付',
  advance: '预拨',
  settlement: '清算',
  payment_failure: '支付失败退回',
  recovery: '追回',
  interest: '利息',
  bank_fee: '银行手续费',
  reversal: '冲正',
};
