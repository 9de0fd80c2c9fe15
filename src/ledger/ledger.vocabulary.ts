// The ledger's closed vocabularies: transfer codes, sub-accounts and account kinds. A leaf module
// (it imports nothing), so the transfer service and the transfer-code table both read it without
// importing each other.

/** Business events a transfer may record (TigerBeetle's `code`). The list is closed. */
export const TRANSFER_CODES = [
  'appropriation',
  'allocation',
  'reallocation',
  'advance',
  'settlement',
  'disbursement',
  'payment_failure',
  'recovery',
  'reversal',
  'interest',
  'bank_fee',
] as const;
export type TransferCode = (typeof TRANSFER_CODES)[number];

/** The spending sub-accounts of the special account (分账核算). */
export const SUB_ACCOUNTS = [
  'training',
  'on_the_job_training',
  'living_allowance',
  'certificate',
  'apprenticeship',
  'advance',
] as const;
export type SubAccount = (typeof SUB_ACCOUNTS)[number];

/**
 * Every account kind with its normal side and whether its balance may go below zero. Money
 * flows ui_fund_source → special → sub-accounts → bank (paid out); see src/ledger/README.md.
 */
export const ACCOUNT_KINDS = {
  ui_fund_source: { normalSide: 'debit', isNonNegative: false, label: '失业保险基金结余（计提来源）' },
  special: { normalSide: 'credit', isNonNegative: true, label: '职业技能提升行动专账（未分配）' },
  training: { normalSide: 'credit', isNonNegative: true, label: '职业培训补贴' },
  on_the_job_training: { normalSide: 'credit', isNonNegative: true, label: '以工代训补贴' },
  living_allowance: { normalSide: 'credit', isNonNegative: true, label: '生活费（含交通费）补贴' },
  certificate: { normalSide: 'credit', isNonNegative: true, label: '职业技能鉴定评价（取证）补贴' },
  apprenticeship: { normalSide: 'credit', isNonNegative: true, label: '企业新型学徒制培训补贴' },
  advance: { normalSide: 'credit', isNonNegative: true, label: '预拨资金' },
  payable: { normalSide: 'credit', isNonNegative: true, label: '应付待支付（退回待重付）' },
  bank: { normalSide: 'credit', isNonNegative: false, label: '银行付出（专户支付清算）' },
  receivable: { normalSide: 'debit', isNonNegative: true, label: '应追回款' },
  recovery_reserve: { normalSide: 'credit', isNonNegative: true, label: '待追回款（应追回款对方）' },
} as const satisfies Record<
  string,
  { normalSide: 'debit' | 'credit'; isNonNegative: boolean; label: string }
>;
export type AccountKind = keyof typeof ACCOUNT_KINDS;
export const ACCOUNT_KIND_LIST = Object.keys(ACCOUNT_KINDS) as AccountKind[];

export function isSubAccount(value: string): value is SubAccount {
  return (SUB_ACCOUNTS as readonly string[]).includes(value);
}
