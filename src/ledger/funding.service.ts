import { type AuditContext, recordAudit } from '../auth/audit.service.ts';
import { assertRegionScope, provinceOf } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { appropriationRule } from '../policy/parameter.query.ts';
import { recentPublishedOverrides } from '../policy/parameter.service.ts';
import type { ParameterOverride } from '../policy/parameter.types.ts';
import { AppError } from '../shared/errors.ts';
import {
  type AccountKind,
  accountFor,
  isSubAccount,
  postJournal,
  type TransferCode,
} from './transfer.service.ts';
import { TRANSFER_CODE_NAMES } from './transfer-codes.ts';

/** A citation of the policy document a number comes from. */
export interface Citation {
  doc: string;
  article: string;
}

/** A date after every parameter version: the latest one is in force. */
const LATEST = '9999-12-31';

export interface AppropriationBasis {
  provinceCode: string;
  yearEndBalanceFen: number;
  basisYear: number;
  ratePercent: number;
  amountFen: number;
  citation: Citation;
}

/**
 * The appropriation the province's document states (Jiangsu: 20 % of the 2018 year-end
 * unemployment-insurance balance, 苏政办发〔2019〕71号 （十二）), rounded half up to the fen. The
 * ratio is a cited parameter of the province's policy pack, in force on `date` (by default its
 * latest version); the other four documents state none, and their appropriation is entered as an
 * amount with its own basis.
 */
export function computeAppropriation(input: {
  provinceCode: string;
  yearEndBalanceFen: number;
  date?: string;
  /** Parameter versions published in the database, over the shipped ones. */
  overrides?: readonly ParameterOverride[];
}): AppropriationBasis {
  const rule = appropriationRule(input.provinceCode, input.date ?? LATEST, input.overrides);
  if (!rule) {
    throw new AppError('VALIDATION_FAILED', '本省政策文件未规定计提比例，请直接填写计提金额', [
      { field: 'provinceCode', message: `本省（${input.provinceCode}）政策文件未规定计提比例` },
    ]);
  }
  if (!Number.isSafeInteger(input.yearEndBalanceFen) || input.yearEndBalanceFen <= 0) {
    throw new AppError('VALIDATION_FAILED', '年末结余应为正整数（分）', [
      { field: 'yearEndBalanceFen', message: '应为正整数（分）' },
    ]);
  }
  // Integer arithmetic: (balance * rate + 50) / 100, so no float ever touches money.
  const amountFen = Number((BigInt(input.yearEndBalanceFen) * BigInt(rule.ratePercent) + 50n) / 100n);
  return {
    provinceCode: input.provinceCode,
    yearEndBalanceFen: input.yearEndBalanceFen,
    ratePercent: rule.ratePercent,
    basisYear: rule.basisYear,
    citation: rule.citation,
    amountFen,
  };
}

export type FundRequestKind = 'appropriation' | 'allocation' | 'reallocation';

export interface FundRequestInput {
  kind: FundRequestKind;
  fromRegionCode: string;
  /** Defaults: appropriation 'ui_fund_source', otherwise 'special'. */
  fromKind?: AccountKind;
  toRegionCode: string;
  /** Defaults to 'special'; a sub-account when a region budgets its own special account (分账核算). */
  toKind?: AccountKind;
  /** Required unless an appropriation gives `yearEndBalanceFen` for a province with a rule. */
  amountFen?: number;
  yearEndBalanceFen?: number;
  valueDate: string;
  reason: string;
}

export interface FundRequest {
  id: number;
  provinceCode: string;
  kind: FundRequestKind;
  fromRegionCode: string;
  fromKind: string;
  toRegionCode: string;
  toKind: string;
  amountFen: number;
  valueDate: string;
  basis: unknown;
  reason: string;
  status: 'pending' | 'posted' | 'rejected';
  requestedBy: number;
  decidedBy: number | null;
  journalId: number | null;
}

type RegionRow = { code: string; parent_code: string | null; level: string };

async function region(executor: Executor, code: string, field: string): Promise<RegionRow> {
  const row = await executor
    .selectFrom('region')
    .select(['code', 'parent_code', 'level'])
    .where('code', '=', code)
    .executeTakeFirst();
  if (!row)
    throw new AppError('VALIDATION_FAILED', '行政区划不存在', [
      { field, message: `行政区划不存在：${code}` },
    ]);
  return row;
}

const refuse = (field: string, message: string) =>
  new AppError('VALIDATION_FAILED', '资金划转请求不合规', [{ field, message }]);

/**
 * Checks that the movement follows the hierarchy: appropriation into a region's own special
 * account; allocation down one level (or into the region's own sub-accounts); re-allocation
 * (调剂) between two counties of the same city, requested at the city (赣人社字〔2021〕151号 四).
 */
async function checkShape(
  executor: Executor,
  input: FundRequestInput,
  fromKind: string,
  toKind: string,
): Promise<string> {
  const from = await region(executor, input.fromRegionCode, 'fromRegionCode');
  const to = await region(executor, input.toRegionCode, 'toRegionCode');
  if (provinceOf(from.code) !== provinceOf(to.code)) throw refuse('toRegionCode', '资金只能在本省内划转');
  switch (input.kind) {
    case 'appropriation':
      if (from.code !== to.code || fromKind !== 'ui_fund_source' || toKind !== 'special') {
        throw refuse('kind', '计提只能从本地区的失业保险基金计提来源记入本地区专账');
      }
      return from.code;
    case 'allocation': {
      const isDown = to.parent_code === from.code && fromKind === 'special' && toKind === 'special';
      const isOwnBudget = to.code === from.code && fromKind === 'special' && isSubAccount(toKind);
      if (!isDown && !isOwnBudget)
        throw refuse('toRegionCode', '下拨只能拨给直接下级地区，或拨入本地区的子账户');
      return from.code;
    }
    case 'reallocation':
      if (
        from.level !== 'county' ||
        to.level !== 'county' ||
        from.parent_code !== to.parent_code ||
        from.code === to.code
      ) {
        throw refuse('toRegionCode', '调剂只能在同一市的两个县（区）之间进行');
      }
      if (fromKind !== toKind || !(fromKind === 'special' || isSubAccount(fromKind)))
        throw refuse('toKind', '调剂两端须为同一种资金账户');
      return from.parent_code!;
    default:
      throw refuse('kind', `未知的划转类型：${String(input.kind)}`);
  }
}

/** Records a request (maker); a second user must approve it before anything is posted. */
export async function requestFundMovement(
  executor: Executor,
  context: AuditContext,
  input: FundRequestInput,
): Promise<FundRequest> {
  if (!context.actor) throw new Error('a fund request needs an acting user');
  const fromKind = input.fromKind ?? (input.kind === 'appropriation' ? 'ui_fund_source' : 'special');
  const toKind = input.toKind ?? 'special';
  const scopeRegion = await checkShape(executor, input, fromKind, toKind);
  assertRegionScope(context.actor, scopeRegion);
  let amountFen = input.amountFen;
  let basis: unknown = null;
  if (input.kind === 'appropriation' && input.yearEndBalanceFen !== undefined) {
    const computed = computeAppropriation({
      provinceCode: provinceOf(input.fromRegionCode),
      yearEndBalanceFen: input.yearEndBalanceFen,
      date: input.valueDate,
      overrides: await recentPublishedOverrides(executor),
    });
    if (amountFen !== undefined && amountFen !== computed.amountFen)
      throw refuse('amountFen', `按政策规定应为 ${computed.amountFen} 分`);
    amountFen = computed.amountFen;
    basis = computed;
  }
  if (amountFen === undefined || !Number.isSafeInteger(amountFen) || amountFen <= 0)
    throw refuse('amountFen', '应为正整数（分）');
  const row = await executor
    .insertInto('ledger_fund_request')
    .values({
      province_code: provinceOf(input.fromRegionCode),
      kind: input.kind,
      from_region_code: input.fromRegionCode,
      from_kind: fromKind,
      to_region_code: input.toRegionCode,
      to_kind: toKind,
      amount_fen: amountFen,
      value_date: input.valueDate,
      basis: basis === null ? null : JSON.stringify(basis),
      reason: input.reason,
      requested_by: context.actor.userId,
      decided_by: null,
      decided_at: null,
      journal_id: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const request = toFundRequest(row);
  await recordAudit(executor, context, {
    action: 'ledger.fund_request.create',
    objectType: 'ledger_fund_request',
    objectId: request.id,
    provinceCode: request.provinceCode,
    after: request,
  });
  return request;
}

/**
 * The checker's decision. The approver must be another user with scope over the request; on
 * approval the transfer is posted in the same transaction (idempotency id `fund-request:<id>`).
 */
export async function decideFundRequest(
  executor: Executor,
  context: AuditContext,
  input: { requestId: number; isApproved: boolean },
): Promise<FundRequest> {
  if (!context.actor) throw new Error('a decision needs an acting user');
  const row = await executor
    .selectFrom('ledger_fund_request')
    .selectAll()
    .where('id', '=', input.requestId)
    .forUpdate()
    .executeTakeFirst();
  if (!row)
    throw new AppError('NOT_FOUND', `资金划转请求不存在：${input.requestId}`, [
      { field: 'requestId', message: '不存在' },
    ]);
  const before = toFundRequest(row);
  assertRegionScope(
    context.actor,
    before.kind === 'reallocation' ? before.fromRegionCode.slice(0, 4).padEnd(6, '0') : before.fromRegionCode,
  );
  if (before.status !== 'pending')
    throw new AppError('INVALID_STATE', '该请求已处理', [
      { field: 'status', message: before.status === 'posted' ? '已审批通过并记账' : '已审批不通过' },
    ]);
  if (before.requestedBy === context.actor.userId) {
    throw new AppError('SAME_USER_APPROVAL', '申请人不能审批自己的资金划转（双人复核）', [
      { field: 'requestId', message: '经办人与复核人须为不同人员' },
    ]);
  }
  let journalId: number | null = null;
  if (input.isApproved) {
    const debit = await accountFor(executor, before.fromRegionCode, before.fromKind as AccountKind);
    const credit = await accountFor(executor, before.toRegionCode, before.toKind as AccountKind);
    const posted = await postJournal(executor, context, {
      provinceCode: before.provinceCode,
      code: before.kind as TransferCode,
      description: `${TRANSFER_CODE_NAMES[before.kind as TransferCode]} ${before.fromRegionCode}→${before.toRegionCode}：${before.reason}`,
      transfers: [
        {
          idempotencyId: `fund-request:${before.id}`,
          debitAccountId: debit.id,
          creditAccountId: credit.id,
          amountFen: before.amountFen,
          code: before.kind as TransferCode,
          valueDate: before.valueDate,
          description: before.reason,
          fundRequestId: before.id,
        },
      ],
    });
    journalId = posted.journalId;
  }
  const updated = await executor
    .updateTable('ledger_fund_request')
    .set({
      status: input.isApproved ? 'posted' : 'rejected',
      decided_by: context.actor.userId,
      decided_at: new Date(),
      journal_id: journalId,
    })
    .where('id', '=', before.id)
    .where('province_code', '=', before.provinceCode)
    .returningAll()
    .executeTakeFirstOrThrow();
  const after = toFundRequest(updated);
  await recordAudit(executor, context, {
    action: input.isApproved ? 'ledger.fund_request.approve' : 'ledger.fund_request.reject',
    objectType: 'ledger_fund_request',
    objectId: after.id,
    provinceCode: after.provinceCode,
    before,
    after,
  });
  return after;
}

/** A listed request with the names of who asked and who decided (the maker and the checker). */
export interface ListedFundRequest extends FundRequest {
  requestedByName: string;
  decidedByName: string | null;
}

export async function listFundRequests(
  executor: Executor,
  input: { scopeRegionCode: string; status?: string; kind?: string; page: number; pageSize: number },
): Promise<{ items: ListedFundRequest[]; total: number; page: number; pageSize: number }> {
  const prefix = input.scopeRegionCode.endsWith('0000')
    ? input.scopeRegionCode.slice(0, 2)
    : input.scopeRegionCode.endsWith('00')
      ? input.scopeRegionCode.slice(0, 4)
      : input.scopeRegionCode;
  let query = executor
    .selectFrom('ledger_fund_request')
    .where((eb) =>
      eb.or([eb('from_region_code', 'like', `${prefix}%`), eb('to_region_code', 'like', `${prefix}%`)]),
    );
  if (input.status) query = query.where('status', '=', input.status as FundRequest['status']);
  if (input.kind) query = query.where('kind', '=', input.kind as FundRequestKind);
  const { total } = await query
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .selectAll()
    .orderBy('id', 'desc')
    .limit(input.pageSize)
    .offset((input.page - 1) * input.pageSize)
    .execute();
  const userIds = [
    ...new Set(rows.flatMap((row) => [row.requested_by, row.decided_by]).filter((id) => id !== null)),
  ];
  const users =
    userIds.length === 0
      ? []
      : await executor
          .selectFrom('app_user')
          .select(['id', 'display_name', 'login_name'])
          .where('id', 'in', userIds)
          .execute();
  const nameOf = (id: number) => {
    const user = users.find((row) => row.id === id);
    return user ? `${user.display_name}（${user.login_name}）` : `用户 ${id}`;
  };
  const items = rows.map((row) => {
    const request = toFundRequest(row);
    return {
      ...request,
      requestedByName: nameOf(request.requestedBy),
      decidedByName: request.decidedBy === null ? null : nameOf(request.decidedBy),
    };
  });
  return { items, total: Number(total), page: input.page, pageSize: input.pageSize };
}

function toFundRequest(row: {
  id: number;
  province_code: string;
  kind: FundRequestKind;
  from_region_code: string;
  from_kind: string;
  to_region_code: string;
  to_kind: string;
  amount_fen: number;
  value_date: string;
  basis: unknown;
  reason: string;
  status: 'pending' | 'posted' | 'rejected';
  requested_by: number;
  decided_by: number | null;
  journal_id: number | null;
}): FundRequest {
  return {
    id: row.id,
    provinceCode: row.province_code,
    kind: row.kind,
    fromRegionCode: row.from_region_code,
    fromKind: row.from_kind,
    toRegionCode: row.to_region_code,
    toKind: row.to_kind,
    amountFen: row.amount_fen,
    valueDate: row.value_date,
    basis: row.basis,
    reason: row.reason,
    status: row.status,
    requestedBy: row.requested_by,
    decidedBy: row.decided_by,
    journalId: row.journal_id,
  };
}
