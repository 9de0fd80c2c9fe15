/**
 * The one error catalog of SkillFund. Every expected refusal is an AppError with a stable
 * SCREAMING_SNAKE code; the HTTP status of each code lives in this table and nowhere else.
 */
export const ERROR_STATUS = {
  /** The request body, query or parameters do not match the schema. */
  INVALID_REQUEST: 400,
  /** The request body is not parseable JSON. */
  MALFORMED_JSON: 400,
  /** A value is well-formed but refused by a business rule (the details name the field). */
  VALIDATION_FAILED: 422,
  /** No credentials or an expired session. */
  UNAUTHENTICATED: 401,
  /** The password was right but the account needs its TOTP code (field `totpCode`). */
  TOTP_REQUIRED: 401,
  /** The caller's role or region scope does not allow this. */
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  /** The object is not in a state that allows this action. */
  INVALID_STATE: 409,
  /** A unique business key is already taken. */
  CONFLICT: 409,
  /** An idempotency key was reused with a different request body. */
  IDEMPOTENCY_CONFLICT: 409,
  INSUFFICIENT_FUNDS: 409,
  /** A parameter version effective before today needs explicit confirmation; details list the claims it re-prices. */
  RETROACTIVE_CONFIRMATION_REQUIRED: 409,
  /** Reports: the report's money differs from the ledger's (账表不符); details list each sub-account. */
  REPORT_LEDGER_MISMATCH: 409,
  /** A claim is submitted without a required material of its checklist. */
  MATERIALS_MISSING: 422,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  /** An ID number fails the GB 11643 format or check digit. */
  INVALID_ID_NUMBER: 422,
  /** A unified social credit code fails the GB 32100 format or check character. */
  INVALID_CREDIT_CODE: 422,
  /** The person is already enrolled in a class whose dates overlap (the details name it). */
  OVERLAPPING_ENROLMENT: 409,
  /** This issuer already issued a certificate with this (normalised) number, of any type. */
  DUPLICATE_CERTIFICATE: 409,
  /** The class has not been approved (开班备案), so it cannot take attendance or certificates. */
  CLASS_NOT_APPROVED: 409,
  /** The class started longer ago than the enrolment cutoff (SKILLFUND_ENROLMENT_CUTOFF_DAYS). */
  ENROLMENT_CLOSED: 409,
  /** The class already has a live claim of this subsidy kind (the details name it). */
  CLAIM_EXISTS: 409,
  /** Shanxi: a catalog version may not set every standard at the top amount (晋人社厅函〔2021〕600号). */
  CATALOG_ALL_AT_TOP_STANDARD: 422,
  /** Ledger: the value date falls in a closed accounting month (a correction goes into an open one). */
  PERIOD_CLOSED: 409,
  /** Ledger maker-checker: the user who requested a fund movement may not approve it. */
  SAME_USER_APPROVAL: 403,
  /** A suspended, blacklisted or revoked organisation may not act (registry standing.service). */
  ORGANISATION_SANCTIONED: 409,
  /** An institution files a class for an occupation and level it is not admitted to (机构目录). */
  NOT_IN_INSTITUTION_CATALOG: 422,
  CATALOG_ENTRY_WITHDRAWN: 422,
  /** An evaluation organisation assesses or certifies outside its evaluation-catalog admission (评价机构目录). */
  NOT_IN_EVALUATION_CATALOG: 422,
  /** Ledger: a bank result file in which no row belongs to the batch (details name each row). */
  BANK_FILE_UNMATCHED: 422,
  /** Ledger: the region has no special account (专户) registered at a bank. */
  BANK_ACCOUNT_MISSING: 409,
  /** Ledger period close: a check of the close checklist fails (details name each). */
  PERIOD_CLOSE_REFUSED: 409,
  /** Payments: lines that cannot be paid now (no payee, no registered account, sanction); details name each line. */
  PAYMENT_HELD: 409,
  /** A training-environment feature (demo accounts, the training clock) asked for outside demo mode. */
  DEMO_MODE_ONLY: 403,
  /** The database is not reachable. */
  DATABASE_UNAVAILABLE: 503,
  /** A broken invariant: a bug, never a user error. */
  INTERNAL_ERROR: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS | (string & {});

/** One problem with one field, e.g. `{ field: "person.idNumber", message: "校验位错误" }`. */
export interface ErrorDetail {
  field?: string;
  message: string;
  [key: string]: unknown;
}

/** An expected refusal. Rendered as `{error:{code,message,details}}` with the status of its code. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[];
  readonly statusCode: number;

  constructor(code: ErrorCode, message: string, details: ErrorDetail[] = [], statusCode?: number) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    this.statusCode = statusCode ?? (ERROR_STATUS as Record<string, number>)[code] ?? 400;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

export function notFound(what: string, id: string | number): AppError {
  return new AppError('NOT_FOUND', `${what}不存在：${id}`, [
    { field: 'id', message: `${what}不存在：${id}` },
  ]);
}
