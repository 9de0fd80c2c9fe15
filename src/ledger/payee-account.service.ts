import type { AuditContext } from '../auth/audit.service.ts';
import { recordPersonalDataRead } from '../auth/personal-data.service.ts';
import { isWithinRegion, type Principal, provinceOf } from '../auth/scope.ts';
import type { Executor } from '../db/database.ts';
import { getOrganisation } from '../registry/organisation.service.ts';
import { getPerson } from '../registry/person.service.ts';
import { blindIndex, decryptField, encryptField, maskBankAccount } from '../shared/crypto.ts';
import { dataKeyring, rowKeyOf } from '../shared/data-keyring.ts';
import { AppError } from '../shared/errors.ts';
import { type Approval, finishApproval, lockPendingApproval, requestApproval } from './approval.service.ts';

/**
 * The payees' registered bank accounts (收款账户登记): an organisation's settlement account or
 * a trainee's social-security-card account. A payment takes the account from here — never from
 * what a payment order types — and a new or corrected account is a maker-checker request
 * (kind `payee_account`): recorded by one officer, in force when a second approves. The old
 * account stays, marked superseded, so every instruction file can be traced to the account in
 * force when it was made.
 */
export const PAYEE_ACCOUNT_CONTEXT = 'payee_account.account_number';

export type PayeeType = 'organisation' | 'person';

export interface PayeeAccountChange {
  idempotencyId: string;
  payeeType: PayeeType;
  payeeId: number;
  bankName: string;
  accountNumber: string;
  reason: string;
}

export interface RegisteredAccount {
  id: number;
  payeeType: PayeeType;
  payeeId: number;
  bankName: string;
  accountNumber: string;
}

const ACCOUNT_PATTERN = /^\d{8,32}$/;

const unknownPayee = (payeeId: number) =>
  new AppError('NOT_FOUND', `收款人不存在：${payeeId}`, [
    { field: 'payeeId', message: `收款人不存在：${payeeId}` },
  ]);

/**
 * The payee's name and region, or 404 naming the field. Given the acting officer, a payee outside
 * his region is answered as an unknown one (issue 18: a body id tells nothing of an object the
 * caller may not see, not even that it exists).
 */
export async function payeeOf(
  executor: Executor,
  payeeType: PayeeType,
  payeeId: number,
  actor?: Principal | null,
): Promise<{ name: string; regionCode: string }> {
  let payee: { name: string; regionCode: string } | undefined;
  if (payeeType === 'organisation') {
    const organisation = await getOrganisation(executor, payeeId);
    if (organisation) payee = { name: organisation.name, regionCode: organisation.regionCode };
  } else {
    const person = await getPerson(executor, payeeId);
    if (person) payee = { name: person.name, regionCode: person.registeringRegionCode };
  }
  if (!payee || (actor && !isWithinRegion(actor.regionCode, payee.regionCode))) throw unknownPayee(payeeId);
  return payee;
}

/** The maker records a new or corrected account; nothing changes until a second person approves. */
export async function requestPayeeAccountChange(
  executor: Executor,
  context: AuditContext,
  input: PayeeAccountChange,
): Promise<Approval & { isReplay: boolean }> {
  const accountNumber = input.accountNumber.replace(/\s/g, '');
  if (!ACCOUNT_PATTERN.test(accountNumber))
    throw new AppError('VALIDATION_FAILED', '银行账号应为8至32位数字', [
      { field: 'accountNumber', message: '应为8至32位数字' },
    ]);
  const payee = await payeeOf(executor, input.payeeType, input.payeeId, context.actor);
  const masked = maskBankAccount(accountNumber);
  return requestApproval(executor, context, {
    kind: 'payee_account',
    regionCode: payee.regionCode,
    idempotencyId: input.idempotencyId,
    payload: {
      payeeType: input.payeeType,
      payeeId: input.payeeId,
      payeeName: payee.name,
      bankName: input.bankName,
      // Bound to this request (its stored idempotency id) until approval re-encrypts it for its row.
      accountCiphertext: encryptField(
        dataKeyring(),
        PAYEE_ACCOUNT_CONTEXT,
        accountNumber,
        `payee_account:${input.idempotencyId}`,
      ),
      accountMasked: masked,
      reason: input.reason,
    },
    hashBasis: {
      payeeType: input.payeeType,
      payeeId: input.payeeId,
      bankName: input.bankName,
      account: blindIndex(dataKeyring(), PAYEE_ACCOUNT_CONTEXT, accountNumber),
      reason: input.reason,
    },
    amountFen: null,
    summary: `${payee.name} 收款账户登记为 ${input.bankName} ${masked}：${input.reason}`,
  });
}

/** The checker's decision; on approval the new account supersedes the payee's current one. */
export async function decidePayeeAccountChange(
  executor: Executor,
  context: AuditContext,
  input: { id: number; isApproved: boolean; reason?: string },
): Promise<Approval> {
  const approval = await lockPendingApproval(executor, context, { id: input.id, kind: 'payee_account' });
  if (!input.isApproved)
    return finishApproval(executor, context, approval, { isApproved: false, reason: input.reason });
  const payload = approval.payload as {
    payeeType: PayeeType;
    payeeId: number;
    bankName: string;
    accountCiphertext: string;
    reason: string;
  };
  await executor
    .updateTable('payee_account')
    .set({ is_current: false })
    .where('province_code', '=', approval.provinceCode)
    .where('payee_type', '=', payload.payeeType)
    .where('payee_id', '=', payload.payeeId)
    .where('is_current', '=', true)
    .execute();
  const accountNumber = decryptField(
    dataKeyring(),
    PAYEE_ACCOUNT_CONTEXT,
    payload.accountCiphertext,
    approval.idempotencyId,
  );
  const row = await executor
    .insertInto('payee_account')
    .values({
      province_code: approval.provinceCode,
      payee_type: payload.payeeType,
      payee_id: payload.payeeId,
      bank_name: payload.bankName,
      account_ciphertext: payload.accountCiphertext,
      approval_id: approval.id,
      reason: payload.reason,
      created_by: approval.requestedBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  // Bound to the new row's id (associated data, issue 18): a ciphertext copied to another payee's
  // row fails to decrypt.
  await executor
    .updateTable('payee_account')
    .set({
      account_ciphertext: encryptField(dataKeyring(), PAYEE_ACCOUNT_CONTEXT, accountNumber, rowKeyOf(row.id)),
    })
    .where('id', '=', row.id)
    .where('province_code', '=', approval.provinceCode)
    .execute();
  return finishApproval(executor, context, approval, {
    isApproved: true,
    reason: input.reason,
    result: { payeeAccountId: row.id },
  });
}

/** The account in force for a payee, decrypted (for the instruction file), or null. */
export async function registeredAccount(
  executor: Executor,
  provinceCode: string,
  payeeType: PayeeType,
  payeeId: number,
): Promise<RegisteredAccount | null> {
  const row = await executor
    .selectFrom('payee_account')
    .select(['id', 'payee_type', 'payee_id', 'bank_name', 'account_ciphertext'])
    .where('province_code', '=', provinceCode)
    .where('payee_type', '=', payeeType)
    .where('payee_id', '=', payeeId)
    .where('is_current', '=', true)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    payeeType: row.payee_type,
    payeeId: row.payee_id,
    bankName: row.bank_name,
    accountNumber: decryptField(
      dataKeyring(),
      PAYEE_ACCOUNT_CONTEXT,
      row.account_ciphertext,
      rowKeyOf(row.id),
    ),
  };
}

export interface RevealedPayeeAccount {
  payeeType: PayeeType;
  payeeId: number;
  payeeName: string;
  bankName: string;
  accountNumber: string;
}

/**
 * One payee's account in force, in full, for a finance officer who states why (PIPL art. 51,
 * 等保 个人信息保护): answers mask it everywhere else. Recorded as `personal_data.read` (who,
 * whose, why) in the caller's transaction before anything is returned. A payee outside the
 * caller's region, or one without a registered account, is a 404 naming `payeeId`.
 */
export async function revealPayeeAccount(
  executor: Executor,
  context: AuditContext,
  input: { payeeType: PayeeType; payeeId: number; reason?: string },
): Promise<RevealedPayeeAccount> {
  const purpose = input.reason?.trim() ?? '';
  if (purpose.length < 2)
    throw new AppError('VALIDATION_FAILED', '请填写查看完整银行账号的理由', [
      { field: 'reason', message: '查看理由为必填项，至少 2 个字' },
    ]);
  const payee = await payeeOf(executor, input.payeeType, input.payeeId, context.actor);
  const account = await registeredAccount(
    executor,
    provinceOf(payee.regionCode),
    input.payeeType,
    input.payeeId,
  );
  if (!account)
    throw new AppError('NOT_FOUND', '该收款人尚无登记的银行账户', [
      { field: 'payeeId', message: '该收款人尚无登记的银行账户' },
    ]);
  await recordPersonalDataRead(executor, context, {
    objectType: 'payee_account',
    objectId: account.id,
    provinceCode: provinceOf(payee.regionCode),
    fields: ['bankAccount'],
    purpose,
    permission: 'payment.order',
    subject: { payeeType: input.payeeType, payeeId: input.payeeId },
  });
  return {
    payeeType: input.payeeType,
    payeeId: input.payeeId,
    payeeName: payee.name,
    bankName: account.bankName,
    accountNumber: account.accountNumber,
  };
}
