/** Chinese words for the codes the bank-side API answers with (docs/bank-reconciliation.md). */

export const PROBLEM_KINDS: Record<string, string> = {
  unknown_credit: '未知收入（银行已收、账上未记）',
  unknown_debit: '未知支出（银行已付、账上未记）',
  amount_mismatch: '金额不符',
  duplicate: '重复入账',
  missing_from_bank: '银行未达（账上已记、银行未见）',
  date_out_of_tolerance: '日期超出容差',
};

/** Problems that must be corrected before a reconciliation is signed off. */
export const BLOCKING_PROBLEMS = new Set(['amount_mismatch', 'duplicate', 'date_out_of_tolerance']);

export const MOVEMENT_KINDS: Record<string, string> = {
  disbursement: '补贴支付',
  payment_return: '支付退回',
  appropriation: '计提拨入',
  allocation: '资金下拨',
  interest: '利息收入',
  bank_fee: '银行手续费',
  refund: '追回款',
  reversal: '冲正',
  other: '其他',
};

export const MATCHED_BY: Record<string, string> = {
  statement_line: '按对账单行记账',
  reference: '按支付参考号',
  amount_and_date: '按金额与日期',
};

export const SUGGESTIONS: Record<string, string> = {
  interest: '像是利息',
  bank_fee: '像是手续费',
  payment_return: '像是支付退回',
};

export const RECONCILIATION_STATUS: Record<string, string> = {
  prepared: '已编制，待复核',
  signed_off: '已复核',
};

export const CHECKLIST_ITEMS: Record<string, string> = {
  in_order: '按月顺序结账',
  month_over: '该月已结束',
  reconciled: '银行对账均已复核',
  nothing_in_flight: '无在途支付或待复核事项',
  report_matches_ledger: '账表相符',
};

export const FILE_FORMATS: Record<string, string> = {
  xlsx: 'Excel（xlsx）',
  csv: 'CSV 文本',
  txt: '定长文本',
};
export const ENCODINGS: Record<string, string> = { gbk: 'GBK', utf8bom: 'UTF-8（带 BOM）' };

/** Account kinds of the ledger figures a close keeps. */
export const ACCOUNT_KINDS: Record<string, string> = {
  ui_fund_source: '失业保险基金结余（计提来源）',
  special: '职业技能提升行动专账（未分配）',
  training: '职业培训补贴',
  on_the_job_training: '以工代训补贴',
  living_allowance: '生活费（含交通费）补贴',
  certificate: '职业技能鉴定评价（取证）补贴',
  apprenticeship: '企业新型学徒制培训补贴',
  advance: '预拨资金',
  payable: '应付待支付（退回待重付）',
  bank: '银行付出（专户支付清算）',
  receivable: '应追回款',
  recovery_reserve: '待追回款（应追回款对方）',
};

export const TRANSFER_CODES: Record<string, string> = {
  appropriation: '计提',
  allocation: '下拨',
  reallocation: '调剂',
  disbursement: '支付',
  advance: '预拨',
  payment_failure: '支付失败退回',
  settlement: '清算',
  recovery: '追回',
  interest: '利息',
  bank_fee: '手续费',
  reversal: '冲正',
};

export const labelOf = (labels: Record<string, string>, code: string) => labels[code] ?? code;
