/**
 * Validation of the two national identifiers the registry relies on: the citizen ID number
 * (GB 11643-1999, 18 characters, ISO 7064 MOD 11-2 check character) and the unified social
 * credit code of organisations (GB 32100-2015, 18 characters, MOD 31 check character).
 */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const ID_CHECK_CHARACTERS = '10X98765432';

export interface IdNumberFacts {
  /** Upper-cased, 18 characters. */
  idNumber: string;
  sex: 'male' | 'female';
  /** YYYY-MM-DD. */
  birthDate: string;
  /** The six-digit address code of the place of first registration. */
  addressCode: string;
}

/** The GB 11643 check character of the first 17 digits. */
export function idNumberCheckCharacter(first17: string): string {
  let sum = 0;
  for (let index = 0; index < 17; index += 1) sum += Number(first17[index]) * ID_WEIGHTS[index]!;
  return ID_CHECK_CHARACTERS[sum % 11]!;
}

/** Why an ID number is not acceptable, or null when it is. */
export function idNumberProblem(raw: string, today: Date = new Date()): string | null {
  const value = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(value)) return '身份证号应为18位（最后一位可为X）';
  const birth = value.slice(6, 14);
  const date = new Date(`${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10).replace(/-/g, '') !== birth) {
    return '身份证号中的出生日期无效';
  }
  if (date.getUTCFullYear() < 1900 || date > today) return '身份证号中的出生日期超出合理范围';
  if (idNumberCheckCharacter(value.slice(0, 17)) !== value[17]) return '身份证号校验位错误';
  return null;
}

/** Parses a valid ID number; throws a plain Error when called with an invalid one. */
export function parseIdNumber(raw: string): IdNumberFacts {
  const problem = idNumberProblem(raw);
  if (problem) throw new Error(`parseIdNumber called with an invalid ID number: ${problem}`);
  const idNumber = raw.trim().toUpperCase();
  return {
    idNumber,
    sex: Number(idNumber[16]) % 2 === 1 ? 'male' : 'female',
    birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
    addressCode: idNumber.slice(0, 6),
  };
}

/** Mainland mobile numbers and fixed lines with area code. */
export function phoneProblem(phone: string): string | null {
  return /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/.test(phone) ? null : '手机号或电话格式不正确';
}

const CREDIT_CODE_CHARACTERS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** The GB 32100 check character of the first 17 characters. */
export function creditCodeCheckCharacter(first17: string): string {
  let sum = 0;
  for (let index = 0; index < 17; index += 1) {
    sum += CREDIT_CODE_CHARACTERS.indexOf(first17[index]!) * CREDIT_CODE_WEIGHTS[index]!;
  }
  return CREDIT_CODE_CHARACTERS[(31 - (sum % 31)) % 31]!;
}

/** Why a unified social credit code is not acceptable, or null when it is. */
export function creditCodeProblem(raw: string): string | null {
  const value = raw.trim().toUpperCase();
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(value)) {
    return '统一社会信用代码应为18位，第3-8位为行政区划码，不含 I、O、S、V、Z';
  }
  if (creditCodeCheckCharacter(value.slice(0, 17)) !== value[17]) return '统一社会信用代码校验位错误';
  return null;
}
