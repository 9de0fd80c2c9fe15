import { chinaDateTime, type ExportColumn, yuanOf } from '../auth/list-export.ts';
import type { AccountKind } from './ledger.vocabulary.ts';
import type { StatementEntry } from './ledger-report.service.ts';
import type { RecoveryOrder } from './recovery.service.ts';
import { ACCOUNT_KIND_NAMES, TRANSFER_CODE_NAMES } from './transfer-codes.ts';

/**
 * The sheets of the recovery-order list (`/api/ledger/recovery-orders.xlsx`) and of an account's
 * statement (明细账, `/api/ledger/accounts/:id/statement.xlsx`): Chinese headers, amounts in yuan
 * from integer fen, business codes and account kinds by name.
 */

const RECOVERY_STATUS_LABELS: Record<RecoveryOrder['status'], string> = {
  open: '待追回',
  closed: '已结清',
};

const accountKindName = (kind: string) => ACCOUNT_KIND_NAMES[kind as AccountKind] ?? kind;

export const RECOVERY_ORDER_EXPORT_COLUMNS: ReadonlyArray<ExportColumn<RecoveryOrder>> = [
  { header: '追回单编号', value: (order) => order.id },
  { header: '补贴申请编号', value: (order) => order.claimId },
  { header: '地区', width: 14, value: (order, names) => names.region(order.regionCode) },
  { header: '地区代码', value: (order) => order.regionCode },
  { header: '子账户', width: 22, value: (order) => accountKindName(order.subAccount) },
  { header: '追回原因', width: 36, value: (order) => order.reason },
  { header: '应追回金额（元）', width: 16, value: (order) => yuanOf(order.amountFen) },
  { header: '已追回金额（元）', width: 16, value: (order) => yuanOf(order.recoveredFen) },
  { header: '待追回金额（元）', width: 16, value: (order) => yuanOf(order.amountFen - order.recoveredFen) },
  { header: '状态', value: (order) => RECOVERY_STATUS_LABELS[order.status] },
];

/** What an entry refers to, as the statement drawer names it. */
function sourceOf({ transfer }: StatementEntry): string {
  if (transfer.claimId !== null) return `补贴申请 ${transfer.claimId}`;
  if (transfer.paymentBatchId !== null) return `支付批次 ${transfer.paymentBatchId}`;
  if (transfer.fundRequestId !== null) return `资金划转申请 ${transfer.fundRequestId}`;
  if (transfer.recoveryOrderId !== null) return `追回单 ${transfer.recoveryOrderId}`;
  if (transfer.reversesTransferId !== null) return `冲正分录 ${transfer.reversesTransferId}`;
  return '';
}

export const STATEMENT_EXPORT_COLUMNS: ReadonlyArray<ExportColumn<StatementEntry>> = [
  { header: '分录编号', value: (entry) => entry.transfer.id },
  { header: '记账日期（业务日期）', width: 14, value: (entry) => entry.transfer.valueDate },
  { header: '业务', value: (entry) => TRANSFER_CODE_NAMES[entry.transfer.code] ?? entry.transfer.code },
  { header: '摘要', width: 40, value: (entry) => entry.transfer.description },
  { header: '来源', width: 18, value: sourceOf },
  {
    header: '借方（元）',
    width: 14,
    value: (entry) => (entry.side === 'debit' ? yuanOf(entry.transfer.amountFen) : null),
  },
  {
    header: '贷方（元）',
    width: 14,
    value: (entry) => (entry.side === 'credit' ? yuanOf(entry.transfer.amountFen) : null),
  },
  { header: '余额（元）', width: 14, value: (entry) => yuanOf(entry.balanceAfterFen) },
  { header: '记录时间（系统时钟）', width: 20, value: (entry) => chinaDateTime(entry.transfer.createdAt) },
];

/** The account and its balances, written below a statement's rows. */
export function statementNotes(input: {
  regionName: string;
  kind: string;
  from?: string | undefined;
  to?: string | undefined;
  openingBalanceFen: number;
  closingBalanceFen: number;
}): string[] {
  const period = input.from || input.to ? `${input.from ?? '最早'} 至 ${input.to ?? '最近'}` : '全部';
  return [
    `账户：${input.regionName} ${accountKindName(input.kind)}`,
    `记账日期：${period}`,
    `期初余额（元）：${yuanOf(input.openingBalanceFen).toFixed(2)}`,
    `期末余额（元）：${yuanOf(input.closingBalanceFen).toFixed(2)}`,
  ];
}
