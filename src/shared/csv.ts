import { CsvError, type Options, parse } from 'csv-parse/sync';
import { AppError } from './errors.ts';

/**
 * Parses an uploaded CSV text; a malformed file (an unterminated quote, a row with more cells
 * than the header, an invalid delimiter) is the sender's error: a 422 naming the line of the
 * file, never a 500 (issue 18). `what` names the file in the message, e.g. '银行对账单'.
 */
export function parseCsv<T = Record<string, string>>(text: string, options: Options, what: string): T[] {
  try {
    return parse(text, options) as T[];
  } catch (error) {
    throw csvAppError(error, what);
  }
}

/** The 422 of a csv-parse error (other errors are passed on unchanged). */
export function csvAppError(error: unknown, what: string): unknown {
  if (!(error instanceof CsvError)) return error;
  const line = typeof error.lines === 'number' && error.lines > 0 ? error.lines : undefined;
  return new AppError(
    'VALIDATION_FAILED',
    line === undefined ? `${what}无法解析` : `${what}第 ${line} 行格式错误，无法解析`,
    [
      {
        field: line === undefined ? 'csv' : `csv.line[${line}]`,
        line: line ?? null,
        message: line === undefined ? '无法解析' : `第 ${line} 行格式错误`,
        cause: error.message,
      },
    ],
  );
}
