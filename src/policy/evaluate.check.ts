import {
  CERTIFICATE_TYPES,
  EMPLOYER_FLAGS,
  EMPLOYER_SIZES,
  GROUP_CODES,
  LEVELS,
  MODES,
  SUBSIDY_KINDS,
} from './evaluate.types.ts';

// The evaluate request schema (evaluateRequestSchema in evaluate.schema.ts), written out by hand
// as one small check per field: whether the schema accepts a request, for the batches of the CLI.
// The ahead-of-time ajv validator decides the same, but its 50 KB of straight-line code is
// optimised only late in a run, so a batch of 100,000 requests spends most of its validation in
// the interpreter; these few short functions are optimised within the first thousand requests.
// ajv stays the reference: evaluate.schema.ts asks it whenever this check says no (and for the
// error details), and evaluate.check.test.ts holds the two to the same answer on generated valid
// and broken requests, and this file to the schema it was written from.

/** The most money a field may hold: MAX_MONEY_FEN of evaluate.schema.ts (imported there from here). */
export const MAX_MONEY_FEN = 10_000_000_000;

const SUBSIDY = new Set<unknown>(SUBSIDY_KINDS);
const MODE = new Set<unknown>(MODES);
const GROUP = new Set<unknown>(GROUP_CODES);
const LEVEL = new Set<unknown>(LEVELS);
const CERTIFICATE_TYPE = new Set<unknown>(CERTIFICATE_TYPES);
const EMPLOYER_FLAG = new Set<unknown>(EMPLOYER_FLAGS);
const EMPLOYER_SIZE = new Set<unknown>(EMPLOYER_SIZES);

type Fields = Record<string, unknown>;

/** `type: object` as JSON Schema means it: not null, not an array. */
function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `type: integer` with `minimum: 0` and the given maximum. */
function isCount(value: unknown, maximum: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= maximum;
}

/** A digit 0–9 at `index`. */
function isDigit(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= 0x30 && code <= 0x39;
}

/** `^[1-8][0-9]{5}$`. */
function isRegionCode(value: unknown): boolean {
  if (typeof value !== 'string' || value.length !== 6) return false;
  const head = value.charCodeAt(0);
  if (head < 0x31 || head > 0x38) return false;
  for (let index = 1; index < 6; index += 1) if (!isDigit(value, index)) return false;
  return true;
}

/** `^[1-8](-[0-9]{2}){1,4}$`. */
function isOccupationCode(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const length = value.length;
  if (length !== 4 && length !== 7 && length !== 10 && length !== 13) return false;
  const head = value.charCodeAt(0);
  if (head < 0x31 || head > 0x38) return false;
  for (let index = 1; index < length; index += 3)
    if (value.charCodeAt(index) !== 0x2d || !isDigit(value, index + 1) || !isDigit(value, index + 2))
      return false;
  return true;
}

/** `^[0-9]{4}-(0[1-9]|1[0-2])$`. */
function isYearMonth(value: unknown): boolean {
  if (typeof value !== 'string' || value.length !== 7 || value.charCodeAt(4) !== 0x2d) return false;
  for (let index = 0; index < 4; index += 1) if (!isDigit(value, index)) return false;
  const tens = value.charCodeAt(5);
  const ones = value.charCodeAt(6);
  if (tens === 0x30) return ones >= 0x31 && ones <= 0x39;
  return tens === 0x31 && ones >= 0x30 && ones <= 0x32;
}

/**
 * `^[0-9]{4}-[0-9]{2}-[0-9]{2}$` with the `date` format: a real calendar day (the same rule as
 * isCalendarDate of evaluate.validator.source.ts, which evaluate.validator.test.ts holds to ajv-formats).
 */
function isDate(value: unknown): boolean {
  if (typeof value !== 'string' || value.length !== 10) return false;
  if (value.charCodeAt(4) !== 0x2d || value.charCodeAt(7) !== 0x2d) return false;
  let year = 0;
  for (let index = 0; index < 4; index += 1) {
    if (!isDigit(value, index)) return false;
    year = year * 10 + value.charCodeAt(index) - 0x30;
  }
  if (!isDigit(value, 5) || !isDigit(value, 6) || !isDigit(value, 8) || !isDigit(value, 9)) return false;
  const month = (value.charCodeAt(5) - 0x30) * 10 + value.charCodeAt(6) - 0x30;
  const day = (value.charCodeAt(8) - 0x30) * 10 + value.charCodeAt(9) - 0x30;
  if (month < 1 || month > 12 || day < 1) return false;
  if (month === 2) return day <= (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28);
  return day <= (month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31);
}

/**
 * `minLength: 1, maxLength: 64` counted in characters as ajv counts them (a surrogate pair is
 * one): a text of 1–64 UTF-16 units always is; a longer one with pairs is left to ajv.
 */
function isShortText(value: unknown): boolean {
  return typeof value === 'string' && value.length >= 1 && value.length <= 64;
}

/** An array of at most `maxItems` items, each in `allowed`. */
function isListOf(value: unknown, maxItems: number, allowed: ReadonlySet<unknown>): boolean {
  if (!Array.isArray(value) || value.length > maxItems) return false;
  for (let index = 0; index < value.length; index += 1) if (!allowed.has(value[index])) return false;
  return true;
}

function isPerson(value: unknown): boolean {
  if (!isObject(value)) return false;
  for (const key in value) {
    const item = value[key];
    switch (key) {
      case 'groups':
      case 'relativeOfGroups':
        if (!isListOf(item, 64, GROUP)) return false;
        break;
      case 'graduationDate':
        if (!isDate(item)) return false;
        break;
      case 'receivesPension':
        if (typeof item !== 'boolean') return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function isEmployment(value: unknown): boolean {
  if (!isObject(value)) return false;
  for (const key in value) {
    const item = value[key];
    switch (key) {
      case 'employerSize':
        if (!EMPLOYER_SIZE.has(item)) return false;
        break;
      case 'employerFlags':
        if (!isListOf(item, 16, EMPLOYER_FLAG)) return false;
        break;
      case 'contractMonths':
        if (!isCount(item, 1200)) return false;
        break;
      case 'start':
      case 'end':
        if (!isDate(item)) return false;
        break;
      case 'verifiedMonths': {
        if (!Array.isArray(item) || item.length > 600) return false;
        for (let index = 0; index < item.length; index += 1) if (!isYearMonth(item[index])) return false;
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

function isTraining(value: unknown): boolean {
  if (!isObject(value)) return false;
  for (const key in value) {
    const item = value[key];
    switch (key) {
      case 'filed':
      case 'newOccupation':
      case 'inCatalog':
      case 'projectBased':
        if (typeof item !== 'boolean') return false;
        break;
      case 'approvedOn':
      case 'start':
      case 'end':
        if (!isDate(item)) return false;
        break;
      case 'occupationCode':
        if (!isOccupationCode(item)) return false;
        break;
      case 'level':
        if (!LEVEL.has(item)) return false;
        break;
      case 'offlineDays':
      case 'onlineDays':
        if (!isCount(item, 3660)) return false;
        break;
      case 'classHours':
      case 'scheduledClassHours':
        if (!isCount(item, 100_000)) return false;
        break;
      case 'months':
        if (!isCount(item, 120)) return false;
        break;
      case 'dailyRateFen':
      case 'onlineDailyRateFen':
      case 'catalogStandardFen':
        if (!isCount(item, MAX_MONEY_FEN)) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function isCertificate(value: unknown): boolean {
  if (!isObject(value)) return false;
  for (const key in value) {
    const item = value[key];
    switch (key) {
      case 'type':
        if (!CERTIFICATE_TYPE.has(item)) return false;
        break;
      case 'level':
        if (!LEVEL.has(item)) return false;
        break;
      case 'number':
        if (!isShortText(item)) return false;
        break;
      case 'firstIssue':
        if (typeof item !== 'boolean') return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function isHistoryEntry(value: unknown): boolean {
  if (!isObject(value) || value.date === undefined || value.subsidy === undefined) return false;
  for (const key in value) {
    const item = value[key];
    switch (key) {
      case 'date':
      case 'start':
      case 'end':
        if (!isDate(item)) return false;
        break;
      case 'subsidy':
        if (!SUBSIDY.has(item)) return false;
        break;
      case 'occupationCode':
        if (!isOccupationCode(item)) return false;
        break;
      case 'level':
        if (!LEVEL.has(item)) return false;
        break;
      case 'certificateNumber':
        if (!isShortText(item)) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function isHistory(value: unknown): boolean {
  if (!Array.isArray(value) || value.length > 1000) return false;
  for (let index = 0; index < value.length; index += 1) if (!isHistoryEntry(value[index])) return false;
  return true;
}

/**
 * Whether evaluateRequestSchema accepts the input (the order of dates aside, which
 * evaluate.schema.ts checks after the schema). It never says yes where the schema says no; where
 * it cannot be sure cheaply (a text of more than 64 UTF-16 units, a member whose value is
 * `undefined` in an object built in code) it says no and ajv decides.
 */
export function matchesRequestSchema(input: unknown): boolean {
  if (
    !isObject(input) ||
    input.region === undefined ||
    input.date === undefined ||
    input.subsidy === undefined
  )
    return false;
  for (const key in input) {
    const item = input[key];
    switch (key) {
      case 'region':
        if (!isRegionCode(item)) return false;
        break;
      case 'date':
        if (!isDate(item)) return false;
        break;
      case 'subsidy':
        if (!SUBSIDY.has(item)) return false;
        break;
      case 'mode':
        if (!MODE.has(item)) return false;
        break;
      case 'person':
        if (!isPerson(item)) return false;
        break;
      case 'employment':
        if (!isEmployment(item)) return false;
        break;
      case 'training':
        if (!isTraining(item)) return false;
        break;
      case 'certificate':
        if (!isCertificate(item)) return false;
        break;
      case 'history':
        if (!isHistory(item)) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
