import type { AuditContext } from '../auth/audit.service.ts';
import { recordAudit } from '../auth/audit.service.ts';
import { provinceOf } from '../auth/scope.ts';
import type { Db, Executor } from '../db/database.ts';
import { auditKey } from '../shared/audit-key.state.ts';
import { canonicalJson, sha256Hex } from '../shared/canonical-json.ts';
import { AppError } from '../shared/errors.ts';
import {
  type AccountDelta,
  applyAccountDeltas,
  closedPeriods,
  findTransfersByIdempotency,
  insertAccounts,
  insertJournal,
  insertTransfers,
  selectAccounts,
  type TransferRow,
} from './ledger.repository.ts';
import {
  ACCOUNT_KIND_LIST,
  ACCOUNT_KINDS,
  type AccountKind,
  TRANSFER_CODES,
  type TransferCode,
} from './ledger.vocabulary.ts';
import { sealOf } from './seal.service.ts';
import { transferCodeRefusal } from './transfer-codes.ts';

export {
  ACCOUNT_KIND_LIST,
  ACCOUNT_KINDS,
  type AccountKind,
  isSubAccount,
  SUB_ACCOUNTS,
  type SubAccount,
  TRANSFER_CODES,
  type TransferCode,
} from './ledger.vocabulary.ts';

export interface Account {
  id: number;
  provinceCode: string;
  regionCode: string;
  kind: AccountKind;
  normalSide: 'debit' | 'credit';
  isNonNegative: boolean;
  balanceFen: number;
  debitsPostedFen: number;
  creditsPostedFen: number;
}

/** Typed references a transfer can carry (claim, batch, statement line, …). */
export interface TransferReferences {
  claimId?: number | null;
  claimLineId?: number | null;
  paymentBatchId?: number | null;
  paymentItemId?: number | null;
  disbursementId?: number | null;
  statementLineId?: number | null;
  fundRequestId?: number | null;
  recoveryOrderId?: number | null;
  reversesTransferId?: number | null;
}

export interface TransferInput extends TransferReferences {
  /** Caller-supplied, unique per province: a retry with the same id and body posts nothing new. */
  idempotencyId: string;
  debitAccountId: number;
  creditAccountId: number;
  amountFen: number;
  code: TransferCode;
  /** 'YYYY-MM-DD'; decides the accounting month (period close). */
  valueDate: string;
  description?: string | null;
}

export interface Transfer extends Required<TransferReferences> {
  id: number;
  journalId: number;
  idempotencyId: string;
  debitAccountId: number;
  creditAccountId: number;
  amountFen: number;
  code: TransferCode;
  valueDate: string;
  description: string | null;
  createdAt: Date;
}

export interface JournalInput {
  provinceCode: string;
  code: TransferCode;
  description: string;
  transfers: TransferInput[];
}

export interface PostResult {
  journalId: number;
  transfers: Transfer[];
  /** True when every transfer already existed with the same body (a retry): nothing was posted. */
  isReplay: boolean;
}

/**
 * Raised inside a transaction when a concurrent request inserted the same business key first
 * (batch, recovery order): the transaction is retried, and the retry finds and returns the
 * committed twin (or refuses a different body with IDEMPOTENCY_CONFLICT).
 */
export class LostIdempotencyRace extends Error {
  constructor() {
    super('lost the idempotency race; retry');
  }
}

const DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export function toAccount(row: {
  id: number;
  province_code: string;
  region_code: string;
  kind: string;
  normal_side: 'debit' | 'credit';
  is_non_negative: boolean;
  balance_fen: number;
  debits_posted_fen: number;
  credits_posted_fen: number;
}): Account {
  return {
    id: row.id,
    provinceCode: row.province_code,
    regionCode: row.region_code,
    kind: row.kind as AccountKind,
    normalSide: row.normal_side,
    isNonNegative: row.is_non_negative,
    balanceFen: row.balance_fen,
    debitsPostedFen: row.debits_posted_fen,
    creditsPostedFen: row.credits_posted_fen,
  };
}

export function toTransfer(row: TransferRow): Transfer {
  return {
    id: row.id,
    journalId: row.journal_id,
    idempotencyId: row.idempotency_id,
    debitAccountId: row.debit_account_id,
    creditAccountId: row.credit_account_id,
    amountFen: row.amount_fen,
    code: row.code as TransferCode,
    valueDate: row.value_date,
    description: row.description,
    claimId: row.claim_id,
    claimLineId: row.claim_line_id,
    paymentBatchId: row.payment_batch_id,
    paymentItemId: row.payment_item_id,
    disbursementId: row.disbursement_id,
    statementLineId: row.statement_line_id,
    fundRequestId: row.fund_request_id,
    recoveryOrderId: row.recovery_order_id,
    reversesTransferId: row.reverses_transfer_id,
    createdAt: row.created_at,
  };
}

/** Creates every account of the regions (idempotent). Regions must exist in the region table. */
export async function ensureAccounts(executor: Executor, regionCodes: readonly string[]): Promise<void> {
  const rows = [...new Set(regionCodes)].flatMap((regionCode) =>
    ACCOUNT_KIND_LIST.map((kind) => ({
      province_code: provinceOf(regionCode),
      region_code: regionCode,
      kind,
      normal_side: ACCOUNT_KINDS[kind].normalSide,
      is_non_negative: ACCOUNT_KINDS[kind].isNonNegative,
    })),
  );
  await insertAccounts(executor, rows);
}

/** The key of an account in the map `accountsFor` returns. */
export function accountKey(regionCode: string, kind: AccountKind): string {
  return `${regionCode}:${kind}`;
}

/**
 * Every account of the given regions, keyed by `accountKey`, in one read; a region without its
 * accounts gets them first (as `accountFor` does). A payment batch looks up its items' accounts
 * this way: two look-ups per item cost 11 of 36 seconds of the embedded adjudication bench.
 */
export async function accountsFor(
  executor: Executor,
  regionCodes: readonly string[],
): Promise<Map<string, Account>> {
  const regions = [...new Set(regionCodes)];
  if (regions.length === 0) return new Map();
  const find = async () => {
    const rows = await selectAccounts(executor)
      .where('province_code', 'in', [...new Set(regions.map(provinceOf))])
      .where('region_code', 'in', regions)
      .execute();
    return new Map(rows.map((row) => [accountKey(row.region_code, row.kind as AccountKind), toAccount(row)]));
  };
  let accounts = await find();
  const missing = regions.filter((region) =>
    ACCOUNT_KIND_LIST.some((kind) => !accounts.has(accountKey(region, kind))),
  );
  if (missing.length > 0) {
    const known = new Set(
      (await executor.selectFrom('region').select('code').where('code', 'in', missing).execute()).map(
        (row) => row.code,
      ),
    );
    const unknown = missing.filter((region) => !known.has(region));
    if (unknown.length > 0)
      throw new AppError(
        'VALIDATION_FAILED',
        '行政区划不存在',
        unknown.map((region) => ({ field: 'regionCode', message: `行政区划不存在：${region}` })),
      );
    await ensureAccounts(executor, missing);
    accounts = await find();
  }
  return accounts;
}

/** The account of a region and kind, created on first use. */
export async function accountFor(
  executor: Executor,
  regionCode: string,
  kind: AccountKind,
): Promise<Account> {
  const account = (await accountsFor(executor, [regionCode])).get(accountKey(regionCode, kind));
  if (!account) throw new Error(`account ${regionCode}/${kind} could not be created`);
  return account;
}

export async function getAccount(executor: Executor, accountId: number): Promise<Account> {
  const row = await selectAccounts(executor).where('id', '=', accountId).executeTakeFirst();
  if (!row)
    throw new AppError('NOT_FOUND', `账户不存在：${accountId}`, [
      { field: 'accountId', message: '账户不存在' },
    ]);
  return toAccount(row);
}

/** The body that identifies a transfer for idempotency: everything but the id itself. */
function requestHash(transfer: TransferInput): string {
  const { idempotencyId: _ignored, ...body } = transfer;
  const normalised: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body))
    if (value !== null && value !== undefined) normalised[key] = value;
  return sha256Hex(canonicalJson(normalised));
}

export function periodOf(valueDate: string): string {
  return valueDate.slice(0, 7);
}

function validateTransfers(input: JournalInput): void {
  if (input.transfers.length === 0)
    throw new AppError('VALIDATION_FAILED', '凭证没有分录', [{ field: 'transfers', message: '不能为空' }]);
  const ids = new Set<string>();
  input.transfers.forEach((transfer, index) => {
    const field = (name: string) => `transfers[${index}].${name}`;
    const refuse = (name: string, message: string) => {
      throw new AppError('VALIDATION_FAILED', '分录不合规', [{ field: field(name), message }]);
    };
    if (!Number.isSafeInteger(transfer.amountFen) || transfer.amountFen <= 0)
      refuse('amountFen', '应为正整数（分）');
    if (transfer.debitAccountId === transfer.creditAccountId)
      refuse('creditAccountId', '贷方账户不能与借方账户相同');
    if (!(TRANSFER_CODES as readonly string[]).includes(transfer.code))
      refuse('code', `未知的业务代码：${transfer.code}`);
    if (!DATE_PATTERN.test(transfer.valueDate)) refuse('valueDate', '格式应为 YYYY-MM-DD');
    if (!transfer.idempotencyId || transfer.idempotencyId.length > 128)
      refuse('idempotencyId', '应为 1–128 个字符');
    if (ids.has(transfer.idempotencyId)) refuse('idempotencyId', '同一凭证中重复使用');
    ids.add(transfer.idempotencyId);
  });
}

/**
 * Compares what is already stored under the ids with what was sent: all present and equal →
 * the first result (a retry); any difference or a partial overlap → 409 IDEMPOTENCY_CONFLICT.
 */
function replayOrConflict(input: JournalInput, hashes: string[], existing: TransferRow[]): PostResult | null {
  if (existing.length === 0) return null;
  const byId = new Map(existing.map((row) => [row.idempotency_id, row]));
  const isSame =
    existing.length === input.transfers.length &&
    input.transfers.every(
      (transfer, index) => byId.get(transfer.idempotencyId)?.request_hash === hashes[index],
    );
  if (!isSame) {
    throw new AppError('IDEMPOTENCY_CONFLICT', '幂等编号已用于不同内容的记账请求', [
      {
        field: 'idempotencyId',
        message: `幂等编号已用于内容不同的请求：${existing.map((row) => row.idempotency_id).join('、')}`,
      },
    ]);
  }
  const ordered = input.transfers.map((transfer) => toTransfer(byId.get(transfer.idempotencyId)!));
  return { journalId: ordered[0]!.journalId, transfers: ordered, isReplay: true };
}

/** The net movement per account, in ascending account id: the fixed lock order that prevents deadlocks. */
export function accountDeltas(
  transfers: readonly { debitAccountId: number; creditAccountId: number; amountFen: number }[],
): AccountDelta[] {
  const deltas = new Map<number, AccountDelta>();
  const entry = (accountId: number) => {
    let delta = deltas.get(accountId);
    if (!delta) {
      delta = { accountId, debitsFen: 0, creditsFen: 0 };
      deltas.set(accountId, delta);
    }
    return delta;
  };
  for (const transfer of transfers) {
    entry(transfer.debitAccountId).debitsFen += transfer.amountFen;
    entry(transfer.creditAccountId).creditsFen += transfer.amountFen;
  }
  return [...deltas.values()].sort((a, b) => a.accountId - b.accountId);
}

/** Service-side checks (the database repeats them): accounts exist in the province, funds suffice, period open. */
async function checkBeforePosting(
  executor: Executor,
  input: JournalInput,
  deltas: AccountDelta[],
): Promise<Map<number, Account>> {
  const rows = await selectAccounts(executor)
    .where(
      'id',
      'in',
      deltas.map((delta) => delta.accountId),
    )
    .where('province_code', '=', input.provinceCode)
    .execute();
  const accounts = new Map(rows.map((row) => [row.id, toAccount(row)]));
  for (const delta of deltas) {
    const account = accounts.get(delta.accountId);
    if (!account) {
      throw new AppError('VALIDATION_FAILED', '账户不存在或不属于本省', [
        {
          field: 'accountId',
          message: `本省（${input.provinceCode}）没有账户 ${delta.accountId}`,
        },
      ]);
    }
    const change =
      account.normalSide === 'debit'
        ? delta.debitsFen - delta.creditsFen
        : delta.creditsFen - delta.debitsFen;
    if (account.isNonNegative && account.balanceFen + change < 0) throw insufficientFunds(account, -change);
  }
  // The fixed transfer-code table (src/ledger/transfer-codes.ts): a code moves money only between
  // the account kinds it names; a reversal mirrors an allowed transfer (reverseTransfer).
  input.transfers.forEach((transfer, index) => {
    if (transfer.code === 'reversal') return;
    const refusal = transferCodeRefusal(
      transfer.code,
      accounts.get(transfer.debitAccountId)!,
      accounts.get(transfer.creditAccountId)!,
    );
    if (refusal)
      throw new AppError('VALIDATION_FAILED', '该业务代码不允许在这两个账户之间记账', [
        { field: `transfers[${index}].code`, message: refusal },
      ]);
  });
  const periods = [...new Set(input.transfers.map((transfer) => periodOf(transfer.valueDate)))];
  const closed = await closedPeriods(executor, input.provinceCode, periods);
  if (closed.length > 0) throw periodClosed(input.provinceCode, closed[0]!);
  return accounts;
}

export function insufficientFunds(account: Account, neededFen: number): AppError {
  return new AppError('INSUFFICIENT_FUNDS', '账户余额不足', [
    {
      field: 'amountFen',
      message: `账户 ${account.id}（${account.regionCode}）余额不足以支付 ${neededFen} 分`,
      accountId: account.id,
    },
  ]);
}

/** A value date after the business date records a movement that has not happened yet (422). */
function assertNotAfterBusinessDate(transfers: TransferInput[], today: string): void {
  const late = transfers.findIndex((transfer) => transfer.valueDate > today);
  if (late >= 0)
    throw new AppError('VALIDATION_FAILED', `记账日期不得晚于业务日期 ${today}`, [
      {
        field: 'valueDate',
        message: `第 ${late + 1} 笔分录的记账日期 ${transfers[late]!.valueDate} 晚于业务日期 ${today}`,
      },
    ]);
}

export function periodClosed(provinceCode: string, period: string): AppError {
  return new AppError('PERIOD_CLOSED', `会计期间 ${period} 已结账，不能记入`, [
    { field: 'valueDate', message: `${provinceCode} 的会计期间 ${period} 已结账` },
  ]);
}

/** Maps the database's own refusals (trigger, CHECK) to the business errors they stand for. */
export function translateDatabaseError(error: unknown): unknown {
  const code = (error as { code?: string }).code;
  const message = String((error as Error).message ?? '');
  if (code === 'P0002' && message.includes('is closed')) {
    const match = /period (\S+) of province (\S+)/.exec(message);
    return periodClosed(match?.[2] ?? '', match?.[1] ?? '');
  }
  if (code === '23514' && message.includes('ledger_account_non_negative')) {
    return new AppError('INSUFFICIENT_FUNDS', '账户余额不足', [{ field: 'amountFen', message }]);
  }
  return error;
}

/**
 * Posts one journal inside the caller's transaction: validates, answers a retry with the first
 * result, inserts the transfers, moves the balances in account-id order (conditional update per
 * non-negative account) and writes one audit entry. Throws LostIdempotencyRace when a concurrent
 * request with the same ids committed first; `inLedgerTransaction` retries and replays.
 */
export async function postJournal(
  executor: Executor,
  context: AuditContext,
  input: JournalInput,
): Promise<PostResult> {
  validateTransfers(input);
  const hashes = input.transfers.map(requestHash);
  const ids = input.transfers.map((transfer) => transfer.idempotencyId);
  const replay = replayOrConflict(
    input,
    hashes,
    await findTransfersByIdempotency(executor, input.provinceCode, ids),
  );
  if (replay) return replay;
  if (context.businessToday) assertNotAfterBusinessDate(input.transfers, context.businessToday);
  const deltas = accountDeltas(input.transfers);
  const accounts = await checkBeforePosting(executor, input, deltas);
  const actorId = context.actor?.userId ?? null;
  try {
    const journal = await insertJournal(
      executor,
      {
        province_code: input.provinceCode,
        code: input.code,
        description: input.description,
        created_by: actorId,
      },
      input.transfers.length,
    );
    const journalId = journal.id;
    // Each row carries its keyed seal (issue 18) over its id, drawn with the journal: the balances
    // below are verified against entries that cannot be edited without the audit key.
    const key = auditKey();
    const inserted = await insertTransfers(
      executor,
      input.transfers.map((transfer, index) => {
        const row = {
          ...toRow(input.provinceCode, journalId, actorId, transfer, hashes[index]!),
          id: journal.transferIds[index]!,
          created_at: journal.createdAt,
        };
        return { ...row, seal: sealOf('ledger_transfer', row, key), seal_key_id: key.id };
      }),
    );
    if (inserted.length !== input.transfers.length) {
      // A concurrent request committed the same ids first: retry, and the retry replays its result.
      throw new LostIdempotencyRace();
    }
    const applied = await applyAccountDeltas(executor, input.provinceCode, deltas);
    for (const delta of deltas) {
      if (!applied.has(delta.accountId)) {
        const account = accounts.get(delta.accountId)!;
        throw insufficientFunds(account, delta.debitsFen - delta.creditsFen);
      }
    }
    const byId = new Map(inserted.map((row) => [row.idempotency_id, row]));
    const transfers = input.transfers.map((transfer) => toTransfer(byId.get(transfer.idempotencyId)!));
    await recordAudit(executor, context, {
      action: 'ledger.post',
      objectType: 'ledger_journal',
      objectId: journalId,
      provinceCode: input.provinceCode,
      after: auditSummary(input, transfers),
    });
    return { journalId, transfers, isReplay: false };
  } catch (error) {
    throw translateDatabaseError(error);
  }
}

function auditSummary(input: JournalInput, transfers: Transfer[]) {
  const totalFen = transfers.reduce((sum, transfer) => sum + transfer.amountFen, 0);
  const listed = transfers.slice(0, 20).map((transfer) => ({
    id: transfer.id,
    debit: transfer.debitAccountId,
    credit: transfer.creditAccountId,
    amountFen: transfer.amountFen,
    code: transfer.code,
  }));
  return {
    code: input.code,
    description: input.description,
    count: transfers.length,
    totalFen,
    transfers: listed,
  };
}

function toRow(
  provinceCode: string,
  journalId: number,
  actorId: number | null,
  transfer: TransferInput,
  hash: string,
) {
  return {
    province_code: provinceCode,
    journal_id: journalId,
    idempotency_id: transfer.idempotencyId,
    request_hash: hash,
    debit_account_id: transfer.debitAccountId,
    credit_account_id: transfer.creditAccountId,
    amount_fen: transfer.amountFen,
    code: transfer.code,
    value_date: transfer.valueDate,
    description: transfer.description ?? null,
    claim_id: transfer.claimId ?? null,
    claim_line_id: transfer.claimLineId ?? null,
    payment_batch_id: transfer.paymentBatchId ?? null,
    payment_item_id: transfer.paymentItemId ?? null,
    disbursement_id: transfer.disbursementId ?? null,
    statement_line_id: transfer.statementLineId ?? null,
    fund_request_id: transfer.fundRequestId ?? null,
    recovery_order_id: transfer.recoveryOrderId ?? null,
    reverses_transfer_id: transfer.reversesTransferId ?? null,
    created_by: actorId,
  };
}

const RETRYABLE = new Set(['40P01', '40001']);

/**
 * Runs `work` in its own transaction, retrying a deadlock or serialization failure (PostgreSQL
 * picks a victim; the retry then succeeds) or a lost idempotency race (the retry replays).
 */
export async function inLedgerTransaction<T>(db: Db, work: (trx: Executor) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.transaction().execute((trx) => work(trx));
    } catch (error) {
      if (error instanceof LostIdempotencyRace && attempt < 5) continue;
      const code = (error as { code?: string }).code;
      if (code && RETRYABLE.has(code) && attempt < 5) continue;
      throw translateDatabaseError(error);
    }
  }
}

/** Posts a journal in its own transaction (what routes, the bench and other domains call). */
export async function postTransfers(db: Db, context: AuditContext, input: JournalInput): Promise<PostResult> {
  // Fast path for retries: a replay needs no transaction (the stored transfers never change).
  validateTransfers(input);
  const ids = input.transfers.map((transfer) => transfer.idempotencyId);
  const existing = await findTransfersByIdempotency(db, input.provinceCode, ids);
  const replay = replayOrConflict(input, input.transfers.map(requestHash), existing);
  if (replay) return replay;
  return inLedgerTransaction(db, (trx) => postJournal(trx, context, input));
}

/** Posts the mirror image of a transfer (code 'reversal'); a transfer can be reversed once. */
export async function reverseTransfer(
  executor: Executor,
  context: AuditContext,
  input: { transferId: number; idempotencyId: string; valueDate: string; reason: string },
): Promise<PostResult> {
  const original = await executor
    .selectFrom('ledger_transfer')
    .selectAll()
    .where('id', '=', input.transferId)
    .executeTakeFirst();
  if (!original)
    throw new AppError('NOT_FOUND', `分录不存在：${input.transferId}`, [
      { field: 'transferId', message: '分录不存在' },
    ]);
  if (original.code === 'reversal') {
    throw new AppError('INVALID_STATE', '冲正分录不能再冲正', [
      { field: 'transferId', message: '冲正分录不能再冲正' },
    ]);
  }
  const already = await executor
    .selectFrom('ledger_transfer')
    .select('idempotency_id')
    .where('province_code', '=', original.province_code)
    .where('reverses_transfer_id', '=', original.id)
    .executeTakeFirst();
  if (already && already.idempotency_id !== input.idempotencyId) {
    throw new AppError('INVALID_STATE', '该分录已冲正', [{ field: 'transferId', message: '该分录已冲正' }]);
  }
  return postJournal(executor, context, {
    provinceCode: original.province_code,
    code: 'reversal',
    description: `冲正 #${original.id}：${input.reason}`,
    transfers: [
      {
        idempotencyId: input.idempotencyId,
        debitAccountId: original.credit_account_id,
        creditAccountId: original.debit_account_id,
        amountFen: original.amount_fen,
        code: 'reversal',
        valueDate: input.valueDate,
        description: input.reason,
        claimId: original.claim_id,
        reversesTransferId: original.id,
      },
    ],
  });
}

/** Closes a month of a province: from now on nothing may be posted with a value date in it. */
export async function closePeriod(
  executor: Executor,
  context: AuditContext,
  input: { provinceCode: string; period: string },
): Promise<{ provinceCode: string; period: string; isNew: boolean }> {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(input.period)) {
    throw new AppError('VALIDATION_FAILED', '会计期间格式应为 YYYY-MM', [
      { field: 'period', message: '格式应为 YYYY-MM' },
    ]);
  }
  const inserted = await executor
    .insertInto('ledger_period_close')
    .values({
      province_code: input.provinceCode,
      period: input.period,
      closed_by: context.actor?.userId ?? null,
    })
    .onConflict((conflict) => conflict.columns(['province_code', 'period']).doNothing())
    .returning('period')
    .executeTakeFirst();
  if (inserted) {
    await recordAudit(executor, context, {
      action: 'ledger.close_period',
      objectType: 'ledger_period',
      objectId: `${input.provinceCode}:${input.period}`,
      provinceCode: input.provinceCode,
      after: input,
    });
  }
  return { ...input, isNew: inserted !== undefined };
}
