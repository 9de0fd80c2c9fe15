import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { assertRegionScope, provinceOf, regionLikePattern } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { type ListOrdering, orderList } from '../db/list-order.ts';
import { auditKey } from '../shared/audit-key.state.ts';
import { canonicalJson, sha256Hex } from '../shared/canonical-json.ts';
import { decryptField, encryptField, maskBankAccount } from '../shared/crypto.ts';
import { dataKeyring } from '../shared/data-keyring.ts';
import { AppError } from '../shared/errors.ts';
import type { ListSort } from '../shared/schemas.ts';
import { type Approval, finishApproval, lockPendingApproval, requestApproval } from './approval.service.ts';
import { profileForRegion } from './bank-profile.service.ts';
import { type ResultRow, readBankResultFile } from './bank-result.service.ts';
import { assertValueDate } from './controls.service.ts';
import { createRecoveryOrder, type RecoveryOrder } from './recovery.service.ts';
import { withSeal } from './seal.service.ts';
import {
  accountFor,
  accountKey,
  accountsFor,
  isSubAccount,
  LostIdempotencyRace,
  type PostResult,
  postJournal,
  type SubAccount,
  type TransferInput,
} from './transfer.service.ts';

/** Who receives the money: an organisation (institution, enterprise, evaluation body) or a person. */
export interface Payee {
  type: 'organisation' | 'person';
  id: number;
  name: string;
  bankAccount: string;
  /** The payee's bank (开户行) and its 联行号, where known; printed on the instruction file. */
  bankName?: string | null;
  bankCode?: string | null;
}

/**
 * One payable line handed over by the claims domain: an approved claim (or one of its lines),
 * the payee, the amount, the sub-account it is charged to (分账核算) and the region whose special
 * account pays. `kind: 'advance'` pays an advance (预拨) from the region's advance sub-account;
 * `advanceBasisFen` is then the claim's expected amount, of which at most 50 % may be advanced
 * (苏政办发〔2019〕71号 （十四）).
 */
export interface PayableItem {
  claimId: number;
  lineId?: number | null;
  payee: Payee;
  amountFen: number;
  subAccount: SubAccount;
  regionCode: string;
  kind?: 'payment' | 'advance';
  advanceBasisFen?: number;
}

export interface PaymentBatchInput {
  /** Caller-supplied; a retry with the same id and items returns the first batch. */
  idempotencyId: string;
  valueDate: string;
  items: PayableItem[];
}

export interface Disbursement {
  id: number;
  /** The reference printed on the instruction file and expected back on the bank statement. */
  reference: string;
  payee: Payee;
  amountFen: number;
  status: 'ordered' | 'paid' | 'failed';
  failureReason: string | null;
  /**
   * A failure or 退回 the bank reported that waits for the second finance officer (失败待复核):
   * the money has not moved and the line stays in flight until it is approved.
   */
  pendingFailure: { approvalId: number; reason: string } | null;
  items: {
    id: number;
    claimId: number;
    lineId: number | null;
    amountFen: number;
    subAccount: string;
    kind: string;
    status: string;
    transferId: number;
  }[];
}

export interface PaymentBatch {
  id: number;
  provinceCode: string;
  regionCode: string;
  idempotencyId: string;
  valueDate: string;
  totalFen: number;
  disbursements: Disbursement[];
  isReplay: boolean;
}

/** The AES-GCM context of disbursement bank accounts (encrypted at rest, see docs/security.md). */
export const BANK_ACCOUNT_CONTEXT = 'payment_disbursement.payee_bank_account';

/**
 * What a disbursement's bank account is bound to besides its column (AAD, issue 18): its batch
 * and payee, so an account copied from another disbursement row fails to decrypt. The same
 * expression in SQL is in ENCRYPTED_COLUMNS (rewrap).
 */
export function disbursementRowKey(row: {
  province_code: string;
  batch_id: number;
  payee_type: string;
  payee_id: number;
}): string {
  return `${row.province_code}|${row.batch_id}|${row.payee_type}|${row.payee_id}`;
}

/** The batch as API responses show it: bank accounts masked (the instruction file has them whole). */
export function maskedBatch(batch: PaymentBatch): PaymentBatch {
  return {
    ...batch,
    disbursements: batch.disbursements.map((disbursement) => ({
      ...disbursement,
      payee: { ...disbursement.payee, bankAccount: maskBankAccount(disbursement.payee.bankAccount) },
    })),
  };
}

/** Advances are limited to half of the expected subsidy (苏政办发〔2019〕71号 （十四）“不高于50%”). */
export const ADVANCE_LIMIT_PERCENT = 50;

const REFERENCE_PATTERN = /^SF(\d{2})D(\d{1,15})$/;

/** `SF43D000000000123`: province prefix + disbursement id, what the bank echoes back. */
export function disbursementReference(provinceCode: string, disbursementId: number): string {
  return `SF${provinceCode.slice(0, 2)}D${String(disbursementId).padStart(12, '0')}`;
}

export function parseDisbursementReference(
  reference: string,
): { provincePrefix: string; disbursementId: number } | null {
  const match = REFERENCE_PATTERN.exec(reference.trim());
  return match ? { provincePrefix: match[1]!, disbursementId: Number(match[2]) } : null;
}

const invalid = (field: string, message: string) =>
  new AppError('VALIDATION_FAILED', '支付明细不合规', [{ field, message }]);

function validateItems(context: AuditContext, items: PayableItem[]): string {
  if (items.length === 0) throw invalid('items', '支付批次至少应有一笔明细');
  const provinceCode = provinceOf(items[0]!.regionCode);
  items.forEach((item, index) => {
    const field = (name: string) => `items[${index}].${name}`;
    if (!Number.isSafeInteger(item.amountFen) || item.amountFen <= 0)
      throw invalid(field('amountFen'), '应为正整数（分）');
    if (!isSubAccount(item.subAccount) || item.subAccount === 'advance')
      throw invalid(field('subAccount'), '应为支出子账户');
    if (provinceOf(item.regionCode) !== provinceCode)
      throw invalid(field('regionCode'), '一个支付批次只能支付本省的款项');
    if (!item.payee?.name || !item.payee.bankAccount)
      throw invalid(field('payee'), '须有收款人名称和银行账号');
    if (item.kind === 'advance') {
      const basis = item.advanceBasisFen;
      if (basis === undefined || item.amountFen * 100 > basis * ADVANCE_LIMIT_PERCENT) {
        throw new AppError('VALIDATION_FAILED', '预拨资金不得高于培训补贴的50%', [
          {
            field: field('amountFen'),
            message: `预拨 ${item.amountFen} 分超过培训补贴 ${basis ?? '（未知）'} 分的50%`,
          },
        ]);
      }
    }
    if (context.actor) assertRegionScope(context.actor, item.regionCode);
  });
  return provinceCode;
}

/**
 * Orders a payment batch (the API the claims domain calls, inside its own transaction):
 * groups the items by payee into disbursements (one instruction-file line each), posts one
 * journal charging each item to its sub-account — or, for an advance, the advance sub-account —
 * and crediting the bank (code `disbursement` / `advance`), and audits the batch. Refuses the
 * whole batch with 409 INSUFFICIENT_FUNDS when any sub-account cannot pay. Run it through
 * `inLedgerTransaction` so a concurrent retry with the same idempotency id is replayed.
 */
export async function createPaymentBatch(
  executor: Executor,
  context: AuditContext,
  input: PaymentBatchInput,
): Promise<PaymentBatch> {
  const provinceCode = validateItems(context, input.items);
  const requestHash = sha256Hex(canonicalJson({ valueDate: input.valueDate, items: input.items }));
  const existing = await findBatch(executor, provinceCode, input.idempotencyId);
  if (existing) {
    if (existing.request_hash !== requestHash) {
      throw new AppError('IDEMPOTENCY_CONFLICT', '幂等编号已用于不同内容的支付批次', [
        { field: 'idempotencyId', message: '幂等编号已用于明细不同的请求' },
      ]);
    }
    return { ...(await getPaymentBatch(executor, existing.id)), isReplay: true };
  }
  const regionCode = input.items[0]!.regionCode;
  const batch = await executor
    .insertInto('payment_batch')
    .values({
      province_code: provinceCode,
      region_code: regionCode,
      idempotency_id: input.idempotencyId,
      request_hash: requestHash,
      value_date: input.valueDate,
      created_by: context.actor?.userId ?? null,
    })
    .onConflict((conflict) => conflict.columns(['province_code', 'idempotency_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!batch) throw new LostIdempotencyRace();
  const disbursementIds = await insertDisbursements(executor, provinceCode, batch.id, input.items);
  const accounts = await accountsFor(
    executor,
    input.items.map((item) => item.regionCode),
  );
  const transfers: TransferInput[] = [];
  for (const [index, item] of input.items.entries()) {
    const isAdvance = item.kind === 'advance';
    const debit = accounts.get(accountKey(item.regionCode, isAdvance ? 'advance' : item.subAccount))!;
    const credit = accounts.get(accountKey(item.regionCode, 'bank'))!;
    transfers.push({
      idempotencyId: `batch:${input.idempotencyId}:${index}`,
      debitAccountId: debit.id,
      creditAccountId: credit.id,
      amountFen: item.amountFen,
      code: isAdvance ? 'advance' : 'disbursement',
      valueDate: input.valueDate,
      claimId: item.claimId,
      claimLineId: item.lineId ?? null,
      paymentBatchId: batch.id,
      disbursementId: disbursementIds[index]!,
    });
  }
  const posted = await postJournal(executor, context, {
    provinceCode,
    code: 'disbursement',
    description: `支付批次 ${batch.id}`,
    transfers,
  });
  // Each item carries its keyed seal (issue 18), bound to its transfer (sealed with its id).
  const key = auditKey();
  await executor
    .insertInto('payment_item')
    .values(
      input.items.map((item, index) =>
        withSeal(
          'payment_item',
          {
            province_code: provinceCode,
            batch_id: batch.id,
            disbursement_id: disbursementIds[index]!,
            claim_id: item.claimId,
            claim_line_id: item.lineId ?? null,
            region_code: item.regionCode,
            sub_account: item.subAccount,
            kind: item.kind ?? 'payment',
            amount_fen: item.amountFen,
            transfer_id: posted.transfers[index]!.id,
          },
          key,
        ),
      ),
    )
    .execute();
  const result = await getPaymentBatch(executor, batch.id);
  await recordAudit(executor, context, {
    action: 'payment.batch.create',
    objectType: 'payment_batch',
    objectId: batch.id,
    provinceCode,
    after: {
      idempotencyId: input.idempotencyId,
      totalFen: result.totalFen,
      disbursements: result.disbursements.length,
      items: input.items.length,
    },
  });
  return result;
}

async function insertDisbursements(
  executor: Executor,
  provinceCode: string,
  batchId: number,
  items: PayableItem[],
): Promise<number[]> {
  const keyOf = (payee: Payee) => `${payee.type}:${payee.id}:${payee.bankAccount}`;
  const groups = new Map<string, { payee: Payee; amountFen: number }>();
  for (const item of items) {
    const group = groups.get(keyOf(item.payee)) ?? { payee: item.payee, amountFen: 0 };
    group.amountFen += item.amountFen;
    groups.set(keyOf(item.payee), group);
  }
  const rows = await executor
    .insertInto('payment_disbursement')
    .values(
      [...groups.values()].map((group) => ({
        province_code: provinceCode,
        batch_id: batchId,
        payee_type: group.payee.type,
        payee_id: group.payee.id,
        payee_name: group.payee.name,
        payee_bank_account: encryptField(
          dataKeyring(),
          BANK_ACCOUNT_CONTEXT,
          group.payee.bankAccount,
          disbursementRowKey({
            province_code: provinceCode,
            batch_id: batchId,
            payee_type: group.payee.type,
            payee_id: group.payee.id,
          }),
        ),
        payee_bank_name: group.payee.bankName ?? null,
        payee_bank_code: group.payee.bankCode ?? null,
        amount_fen: group.amountFen,
        failure_reason: null,
      })),
    )
    .returning('id')
    .execute();
  const idByKey = new Map([...groups.keys()].map((key, index) => [key, rows[index]!.id]));
  return items.map((item) => idByKey.get(keyOf(item.payee))!);
}

/** The batch created under a caller's idempotency id, if any (callers check replays first). */
export function findBatch(executor: Executor, provinceCode: string, idempotencyId: string) {
  return executor
    .selectFrom('payment_batch')
    .select(['id', 'request_hash'])
    .where('province_code', '=', provinceCode)
    .where('idempotency_id', '=', idempotencyId)
    .executeTakeFirst();
}

export async function getPaymentBatch(executor: Executor, batchId: number): Promise<PaymentBatch> {
  const batch = await executor
    .selectFrom('payment_batch')
    .selectAll()
    .where('id', '=', batchId)
    .executeTakeFirst();
  if (!batch)
    throw new AppError('NOT_FOUND', `支付批次不存在：${batchId}`, [{ field: 'batchId', message: '不存在' }]);
  const disbursements = await executor
    .selectFrom('payment_disbursement')
    .selectAll()
    .where('batch_id', '=', batchId)
    .orderBy('id')
    .execute();
  const items = await executor
    .selectFrom('payment_item')
    .selectAll()
    .where('batch_id', '=', batchId)
    .orderBy('id')
    .execute();
  const pending = await pendingFailures(executor, batch.province_code, batchId);
  return {
    id: batch.id,
    provinceCode: batch.province_code,
    regionCode: batch.region_code,
    idempotencyId: batch.idempotency_id,
    valueDate: batch.value_date,
    totalFen: disbursements.reduce((sum, row) => sum + row.amount_fen, 0),
    isReplay: false,
    disbursements: disbursements.map((row) => ({
      id: row.id,
      reference: disbursementReference(row.province_code, row.id),
      payee: {
        type: row.payee_type,
        id: row.payee_id,
        name: row.payee_name,
        bankAccount: decryptField(
          dataKeyring(),
          BANK_ACCOUNT_CONTEXT,
          row.payee_bank_account,
          disbursementRowKey(row),
        ),
        bankName: row.payee_bank_name,
        bankCode: row.payee_bank_code,
      },
      amountFen: row.amount_fen,
      status: row.status,
      failureReason: row.failure_reason,
      pendingFailure: pending.get(row.id) ?? null,
      items: items
        .filter((item) => item.disbursement_id === row.id)
        .map((item) => ({
          id: item.id,
          claimId: item.claim_id,
          lineId: item.claim_line_id,
          amountFen: item.amount_fen,
          subAccount: item.sub_account,
          kind: item.kind,
          status: item.status,
          transferId: item.transfer_id,
        })),
    })),
  };
}

/** The failures of a batch's disbursements waiting for the second person, by disbursement id. */
async function pendingFailures(
  executor: Executor,
  provinceCode: string,
  batchId: number,
): Promise<Map<number, { approvalId: number; reason: string }>> {
  const rows = await executor
    .selectFrom('ledger_approval')
    .select(['id', 'payload'])
    .where('province_code', '=', provinceCode)
    .where('kind', '=', 'payment_failure')
    .where('status', '=', 'pending')
    .execute();
  const result = new Map<number, { approvalId: number; reason: string }>();
  for (const row of rows) {
    const payload = failurePayloadOf(row.payload);
    if (payload.batchId === batchId)
      result.set(payload.disbursementId, { approvalId: row.id, reason: payload.reason });
  }
  return result;
}

/** What a `payment_failure` approval holds: the bank's answer for one disbursement. */
interface PaymentFailurePayload {
  batchId: number;
  disbursementId: number;
  reference: string;
  /** `failed`: the bank did not pay; `returned`: 退回 after the disbursement was paid. */
  outcome: 'failed' | 'returned';
  reason: string;
  valueDate: string;
}

function failurePayloadOf(payload: unknown): PaymentFailurePayload {
  return (typeof payload === 'string' ? JSON.parse(payload) : payload) as PaymentFailurePayload;
}

/** The region of a batch (for the scope check before anything about it is read), or 404. */
export async function batchRegion(executor: Executor, batchId: number): Promise<string> {
  const row = await executor
    .selectFrom('payment_batch')
    .select('region_code')
    .where('id', '=', batchId)
    .executeTakeFirst();
  if (!row)
    throw new AppError('NOT_FOUND', `支付批次不存在：${batchId}`, [{ field: 'id', message: '不存在' }]);
  return row.region_code;
}

export interface PaymentBatchSummary {
  id: number;
  regionCode: string;
  valueDate: string;
  createdAt: Date;
  totalFen: number;
  disbursementCount: number;
  orderedCount: number;
  paidCount: number;
  failedCount: number;
}

/** The fields the payment-batch list sorts by (`sort=`), each a property of its items. */
export const PAYMENT_BATCH_SORT_FIELDS = [
  'id',
  'valueDate',
  'createdAt',
  'totalFen',
  'disbursementCount',
  'paidCount',
  'failedCount',
] as const;
export type PaymentBatchSortField = (typeof PAYMENT_BATCH_SORT_FIELDS)[number];

/** The sums and counts are the grouped query's output columns, sorted by their names. */
const PAYMENT_BATCH_ORDERING: ListOrdering<PaymentBatchSortField> = {
  columns: {
    id: 'b.id',
    valueDate: 'b.value_date',
    createdAt: 'b.created_at',
    totalFen: 'total_fen',
    disbursementCount: 'disbursements',
    paidCount: 'paid',
    failedCount: 'failed',
  },
  id: 'b.id',
  byDefault: { sort: 'id', order: 'desc' },
};

/** The batches of the caller's region subtree, newest first unless sorted, with each disbursement status counted. */
export async function listPaymentBatches(
  executor: Executor,
  input: {
    scopeRegionCode: string;
    status?: string;
    page: number;
    pageSize: number;
  } & ListSort<PaymentBatchSortField>,
): Promise<{ items: PaymentBatchSummary[]; total: number; page: number; pageSize: number }> {
  let query = executor
    .selectFrom('payment_batch as b')
    .where('b.province_code', '=', provinceOf(input.scopeRegionCode))
    .where('b.region_code', 'like', regionLikePattern(input.scopeRegionCode));
  if (input.status)
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('payment_disbursement as d')
          .select('d.id')
          .whereRef('d.batch_id', '=', 'b.id')
          .whereRef('d.province_code', '=', 'b.province_code')
          .where('d.status', '=', input.status as 'ordered' | 'paid' | 'failed'),
      ),
    );
  const { total } = await query
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const grouped = query
    .leftJoin('payment_disbursement as d', (join) =>
      join.onRef('d.batch_id', '=', 'b.id').onRef('d.province_code', '=', 'b.province_code'),
    )
    .select((eb) => [
      'b.id',
      'b.region_code',
      'b.value_date',
      'b.created_at',
      eb.fn.coalesce(eb.fn.sum<number>('d.amount_fen'), eb.lit(0)).as('total_fen'),
      eb.fn.count<number>('d.id').as('disbursements'),
      eb.fn.count<number>('d.id').filterWhere('d.status', '=', 'ordered').as('ordered'),
      eb.fn.count<number>('d.id').filterWhere('d.status', '=', 'paid').as('paid'),
      eb.fn.count<number>('d.id').filterWhere('d.status', '=', 'failed').as('failed'),
    ])
    .groupBy(['b.id', 'b.region_code', 'b.value_date', 'b.created_at']);
  const rows = await orderList(grouped, PAYMENT_BATCH_ORDERING, input)
    .limit(input.pageSize)
    .offset((input.page - 1) * input.pageSize)
    .execute();
  return {
    items: rows.map((row) => ({
      id: row.id,
      regionCode: row.region_code,
      valueDate: row.value_date,
      createdAt: row.created_at,
      totalFen: Number(row.total_fen),
      disbursementCount: Number(row.disbursements),
      orderedCount: Number(row.ordered),
      paidCount: Number(row.paid),
      failedCount: Number(row.failed),
    })),
    total: Number(total),
    page: input.page,
    pageSize: input.pageSize,
  };
}

/** Formats fen as yuan with two decimals, without floating point. */
export function fenToYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const absolute = Math.abs(fen);
  return `${sign}${Math.trunc(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`;
}

export interface BankResultSummary {
  profileCode: string;
  /** Nothing was written: the rows as they would be imported. */
  isPreview: boolean;
  paid: string[];
  failed: string[];
  /** References whose disbursement already had the row's outcome (the file was imported before). */
  recorded: string[];
  /** Rows naming no disbursement of the batch, or one no longer awaiting a result, with why. */
  ignored: { reference: string; reason: string }[];
  /** Every data row of the file with its outcome. */
  rows: ResultRow[];
  /**
   * The failures and returns of this import, each waiting in 待复核 for a second finance officer
   * (`POST /api/ledger/approvals/:id/decision`): nothing is posted until then.
   */
  pendingApprovals: { reference: string; approvalId: number; reason: string }[];
}

/**
 * Imports the bank's result file for a batch in the layout of the paying account's bank profile
 * (xlsx, CSV or fixed-column text; GBK or UTF-8): paid rows mark the disbursement paid (they move
 * no money: it left at the two-person payment order). Failed rows, and returned rows (退回 after
 * success), move money back (bank → the item's sub-account), so on one person's word they post
 * nothing: each becomes a `payment_failure` approval with the bank's reason, posted when a second
 * finance officer approves it (`decidePaymentFailure`). A retry of the same file finds the
 * waiting approval (`recorded`) and asks for no second one. Every row is accounted for; a file of
 * which no row belongs to the batch is refused with 422 BANK_FILE_UNMATCHED naming the rows.
 * `isPreview` classifies the rows and writes nothing.
 */
export async function importBankResult(
  executor: Executor,
  context: AuditContext,
  input: {
    batchId: number;
    csv?: string;
    file?: Buffer;
    valueDate: string;
    isPreview?: boolean;
    /** The business date (app.clock): a result posted by a person is not dated after it. */
    businessDate?: string;
  },
): Promise<BankResultSummary> {
  const batch = await getPaymentBatch(executor, input.batchId);
  if (context.actor) assertRegionScope(context.actor, batch.regionCode);
  if (input.businessDate !== undefined && input.isPreview !== true)
    await assertResultDate(executor, batch, input.valueDate, input.businessDate);
  const profile = await profileForRegion(executor, batch.regionCode);
  const content = input.file ?? Buffer.from(input.csv ?? '', 'utf8');
  const rows = await readBankResultFile(
    content,
    profile,
    batch.disbursements.map((disbursement) => ({
      reference: disbursement.reference,
      disbursementId: disbursement.id,
      amountFen: disbursement.amountFen,
      status: disbursement.status,
      hasPendingFailure: disbursement.pendingFailure !== null,
    })),
  );
  const summary: BankResultSummary = {
    profileCode: profile.code,
    isPreview: input.isPreview === true,
    paid: rows.filter((row) => row.outcome === 'paid').map((row) => row.reference),
    failed: rows
      .filter((row) => row.outcome === 'failed' || row.outcome === 'returned')
      .map((row) => row.reference),
    recorded: rows.filter((row) => row.outcome === 'recorded').map((row) => row.reference),
    ignored: rows
      .filter((row) => row.outcome === 'unmatched')
      .map((row) => ({ reference: row.reference, reason: row.reason ?? '' })),
    rows,
    pendingApprovals: [],
  };
  if (summary.isPreview) return summary;
  const byId = new Map(batch.disbursements.map((disbursement) => [disbursement.id, disbursement]));
  for (const row of rows) {
    const disbursement = row.disbursementId === null ? undefined : byId.get(row.disbursementId);
    if (!disbursement) continue;
    if (row.outcome === 'paid')
      await markDisbursement(executor, batch.provinceCode, disbursement.id, 'paid', null);
    // A failure — or a 退回 of a disbursement already paid — would put the money back on the
    // sub-accounts it was charged to: a second person approves that before it is posted.
    if (row.outcome === 'failed' || row.outcome === 'returned') {
      const approval = await requestPaymentFailure(executor, context, batch, disbursement, {
        outcome: row.outcome,
        reason: row.reason ?? '银行未说明原因',
        valueDate: input.valueDate,
      });
      summary.pendingApprovals.push({
        reference: disbursement.reference,
        approvalId: approval.id,
        reason: row.reason ?? '银行未说明原因',
      });
    }
  }
  const { rows: _rows, ...audited } = summary;
  await recordAudit(executor, context, {
    action: 'payment.bank_result.import',
    objectType: 'payment_batch',
    objectId: batch.id,
    provinceCode: batch.provinceCode,
    after: audited,
  });
  return summary;
}

/**
 * The bank answers an order after it was given: the result's value date lies between the batch's
 * value date and the business date, in an open month (a failure posts money back on that date).
 */
async function assertResultDate(
  executor: Executor,
  batch: PaymentBatch,
  valueDate: string,
  businessDate: string,
): Promise<void> {
  await assertValueDate(executor, { provinceCode: batch.provinceCode, valueDate, businessDate });
  if (valueDate < batch.valueDate)
    throw new AppError(
      'VALIDATION_FAILED',
      `结果日期 ${valueDate} 早于支付批次的记账日期 ${batch.valueDate}`,
      [{ field: 'valueDate', message: `早于支付批次的记账日期 ${batch.valueDate}` }],
    );
}

/**
 * The maker's side of a failure or 退回: a `payment_failure` approval for the disbursement, moving
 * no money. Its idempotency id names the disbursement and the attempt (one more than the
 * rejected ones), so a retry of the same file, or two imports at once, ask only once.
 */
async function requestPaymentFailure(
  executor: Executor,
  context: AuditContext,
  batch: PaymentBatch,
  disbursement: Disbursement,
  input: { outcome: 'failed' | 'returned'; reason: string; valueDate: string },
): Promise<Approval> {
  const prefix = `payment_failure:disbursement:${disbursement.id}:`;
  const rejected = await executor
    .selectFrom('ledger_approval')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('province_code', '=', batch.provinceCode)
    .where('kind', '=', 'payment_failure')
    .where('status', '=', 'rejected')
    .where('idempotency_id', 'like', `${prefix}%`)
    .executeTakeFirstOrThrow();
  const attempt = Number(rejected.count) + 1;
  const payload: PaymentFailurePayload = {
    batchId: batch.id,
    disbursementId: disbursement.id,
    reference: disbursement.reference,
    ...input,
  };
  const what = input.outcome === 'returned' ? '支付成功后退回' : '支付失败';
  return requestApproval(executor, context, {
    kind: 'payment_failure',
    regionCode: batch.regionCode,
    idempotencyId: `disbursement:${disbursement.id}:${attempt}`,
    payload: payload as unknown as Record<string, unknown>,
    hashBasis: { disbursementId: disbursement.id, outcome: input.outcome, attempt },
    amountFen: disbursement.amountFen,
    summary: `${what} ${disbursement.reference}（${disbursement.payee.name}，批次 ${batch.id}）：${input.reason}`,
  });
}

/**
 * The checker's decision on a failure or 退回 (another finance officer with scope: see
 * `lockPendingApproval`). Approved, the disbursement — still as the bank left it when the file was
 * imported, locked — posts `payment_failure` back to its sub-accounts and is marked failed with
 * the bank's reason; its lines can then be ordered again. Rejected, nothing changes (audited).
 * The claims domain moves the claim on afterwards (the route's port).
 */
export async function decidePaymentFailure(
  executor: Executor,
  context: AuditContext,
  input: { id: number; isApproved: boolean; reason?: string },
  businessDate: string,
): Promise<{ approval: Approval; posted: PostResult | null; batchId: number; claimIds: number[] }> {
  const approval = await lockPendingApproval(executor, context, { id: input.id, kind: 'payment_failure' });
  const payload = failurePayloadOf(approval.payload);
  if (!input.isApproved) {
    const rejected = await finishApproval(executor, context, approval, {
      isApproved: false,
      reason: input.reason,
    });
    return { approval: rejected, posted: null, batchId: payload.batchId, claimIds: [] };
  }
  await assertValueDate(executor, {
    provinceCode: approval.provinceCode,
    valueDate: payload.valueDate,
    businessDate,
  });
  const locked = await executor
    .selectFrom('payment_disbursement')
    .select('status')
    .where('id', '=', payload.disbursementId)
    .where('province_code', '=', approval.provinceCode)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const expected = payload.outcome === 'returned' ? 'paid' : 'ordered';
  if (locked.status !== expected)
    throw new AppError(
      'INVALID_STATE',
      `${payload.reference} 已不是${expected === 'paid' ? '已支付' : '已下达'}状态，不能按该结果退回`,
      [
        {
          field: 'id',
          message: `该笔现为${locked.status === 'failed' ? '支付失败' : locked.status === 'paid' ? '已支付' : '已下达'}，请不通过`,
        },
      ],
    );
  const batch = await getPaymentBatch(executor, payload.batchId);
  const disbursement = batch.disbursements.find((entry) => entry.id === payload.disbursementId)!;
  const posted = await postPaymentFailure(executor, context, batch, disbursement, payload.valueDate);
  await markDisbursement(executor, batch.provinceCode, disbursement.id, 'failed', payload.reason);
  const finished = await finishApproval(executor, context, approval, {
    isApproved: true,
    reason: input.reason,
    result: {
      journalId: posted.journalId,
      transferIds: posted.transfers.map((transfer) => transfer.id),
      disbursementId: disbursement.id,
    },
  });
  return {
    approval: finished,
    posted,
    batchId: batch.id,
    claimIds: [...new Set(disbursement.items.map((item) => item.claimId))],
  };
}

async function markDisbursement(
  executor: Executor,
  provinceCode: string,
  id: number,
  status: 'paid' | 'failed',
  reason: string | null,
) {
  await executor
    .updateTable('payment_disbursement')
    .set({ status, failure_reason: reason })
    .where('id', '=', id)
    .where('province_code', '=', provinceCode)
    .execute();
  await executor
    .updateTable('payment_item')
    .set({ status: status === 'paid' ? 'paid' : 'returned_to_payable' })
    .where('disbursement_id', '=', id)
    .where('province_code', '=', provinceCode)
    .execute();
}

async function postPaymentFailure(
  executor: Executor,
  context: AuditContext,
  batch: PaymentBatch,
  disbursement: Disbursement,
  valueDate: string,
): Promise<PostResult> {
  const transfers: TransferInput[] = [];
  for (const item of disbursement.items) {
    const region = (
      await executor
        .selectFrom('payment_item')
        .select('region_code')
        .where('id', '=', item.id)
        .executeTakeFirstOrThrow()
    ).region_code;
    const bank = await accountFor(executor, region, 'bank');
    // The failed money goes back to the sub-account it was charged to (the advance pool for an
    // advance) until it is ordered again: no second charge, no limbo on a clearing account.
    const source = await accountFor(
      executor,
      region,
      item.kind === 'advance' ? 'advance' : (item.subAccount as SubAccount),
    );
    transfers.push({
      idempotencyId: `payment-failure:${item.id}`,
      debitAccountId: bank.id,
      creditAccountId: source.id,
      amountFen: item.amountFen,
      code: 'payment_failure',
      valueDate,
      claimId: item.claimId,
      claimLineId: item.lineId,
      paymentBatchId: batch.id,
      paymentItemId: item.id,
      disbursementId: disbursement.id,
    });
  }
  return postJournal(executor, context, {
    provinceCode: batch.provinceCode,
    code: 'payment_failure',
    description: `退回 ${disbursement.reference}`,
    transfers,
  });
}

export interface AdvanceSettlementInput {
  idempotencyId: string;
  claimId: number;
  regionCode: string;
  subAccount: SubAccount;
  /** The final decided subsidy of the claim. */
  finalAmountFen: number;
  payee: Payee;
  valueDate: string;
}

export interface AdvanceSettlement {
  claimId: number;
  advancedFen: number;
  finalAmountFen: number;
  /** The part of the final amount paid now (final − advanced, when positive). */
  paymentBatch: PaymentBatch | null;
  /** The excess advanced (advanced − final, when positive), to be recovered. */
  recoveryOrder: RecoveryOrder | null;
}

/**
 * Settles a claim's advances against its final decided amount (清算): charges min(final,
 * advanced) to the claim's sub-account and returns it to the advance sub-account, then pays
 * the difference or opens a recovery order for the excess.
 */
export async function settleAdvance(
  executor: Executor,
  context: AuditContext,
  input: AdvanceSettlementInput,
): Promise<AdvanceSettlement> {
  if (context.actor) assertRegionScope(context.actor, input.regionCode);
  const provinceCode = provinceOf(input.regionCode);
  const advanced = await executor
    .selectFrom('payment_item')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_fen'), eb.lit(0)).as('total'))
    .where('province_code', '=', provinceCode)
    .where('claim_id', '=', input.claimId)
    .where('kind', '=', 'advance')
    .where('status', '!=', 'returned_to_payable')
    .executeTakeFirstOrThrow();
  const advancedFen = Number(advanced.total);
  if (advancedFen === 0)
    throw new AppError('INVALID_STATE', '该申请没有预拨款，无需清算', [
      { field: 'claimId', message: '该申请没有预拨款' },
    ]);
  const settledFen = Math.min(advancedFen, input.finalAmountFen);
  if (settledFen > 0) {
    const sub = await accountFor(executor, input.regionCode, input.subAccount);
    const advance = await accountFor(executor, input.regionCode, 'advance');
    await postJournal(executor, context, {
      provinceCode,
      code: 'settlement',
      description: `预拨清算 申请${input.claimId}`,
      transfers: [
        {
          idempotencyId: `settlement:${input.idempotencyId}`,
          debitAccountId: sub.id,
          creditAccountId: advance.id,
          amountFen: settledFen,
          code: 'settlement',
          valueDate: input.valueDate,
          claimId: input.claimId,
        },
      ],
    });
  }
  let paymentBatch: PaymentBatch | null = null;
  let recoveryOrder: RecoveryOrder | null = null;
  if (input.finalAmountFen > advancedFen) {
    paymentBatch = await createPaymentBatch(executor, context, {
      idempotencyId: `settlement:${input.idempotencyId}`,
      valueDate: input.valueDate,
      items: [
        {
          claimId: input.claimId,
          payee: input.payee,
          amountFen: input.finalAmountFen - advancedFen,
          subAccount: input.subAccount,
          regionCode: input.regionCode,
        },
      ],
    });
  } else if (advancedFen > input.finalAmountFen) {
    recoveryOrder = await createRecoveryOrder(executor, context, {
      idempotencyId: `settlement:${input.idempotencyId}`,
      claimId: input.claimId,
      regionCode: input.regionCode,
      subAccount: 'advance',
      amountFen: advancedFen - input.finalAmountFen,
      reason: '预拨款超过清算金额，追回差额',
      valueDate: input.valueDate,
    });
  }
  return {
    claimId: input.claimId,
    advancedFen,
    finalAmountFen: input.finalAmountFen,
    paymentBatch,
    recoveryOrder,
  };
}
