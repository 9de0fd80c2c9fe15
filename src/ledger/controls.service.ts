import type { Executor } from '../db/database.ts';
import { AppError } from '../shared/errors.ts';
import { closedPeriods } from './ledger.repository.ts';
import { periodClosed, periodOf } from './transfer.service.ts';

/**
 * The first day the special account can hold a posting: the programme starts in 2019
 * (国办发〔2019〕24号; 苏政办发〔2019〕71号 and 衡人社发【2019】21号 are its first local plans).
 */
export const LEDGER_EPOCH = '2019-01-01';

const DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/**
 * A value date a person gives must lie in an open accounting month, not before the programme
 * and not after the business date (app.clock): nothing recorded about the world is dated in
 * the future, and a closed month is never written into (a correction goes into an open one).
 */
export async function assertValueDate(
  executor: Executor,
  input: { provinceCode: string; valueDate: string; businessDate: string; field?: string },
): Promise<void> {
  const field = input.field ?? 'valueDate';
  const refuse = (message: string, detail: string) =>
    new AppError('VALIDATION_FAILED', message, [{ field, message: detail }]);
  if (!DATE_PATTERN.test(input.valueDate)) throw refuse('记账日期格式应为 YYYY-MM-DD', '格式应为 YYYY-MM-DD');
  if (input.valueDate > input.businessDate)
    throw refuse(
      `记账日期 ${input.valueDate} 晚于业务日期 ${input.businessDate}`,
      `晚于业务日期 ${input.businessDate}`,
    );
  if (input.valueDate < LEDGER_EPOCH)
    throw refuse(`记账日期 ${input.valueDate} 早于专账设立`, `早于 ${LEDGER_EPOCH}`);
  const closed = await closedPeriods(executor, input.provinceCode, [periodOf(input.valueDate)]);
  if (closed.length > 0) throw periodClosed(input.provinceCode, closed[0]!);
}
