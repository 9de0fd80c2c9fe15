import os from 'node:os';
import path from 'node:path';
import { type AuditKey, readAuditKey } from './audit-key.ts';
import { ConfigError } from './config-error.ts';
import { type Keyring, readKeyring } from './crypto.ts';
import { LEVELS, type Level } from './vocabulary.ts';

/** Typed, frozen configuration, read once at start from the environment. */
export interface Config {
  /** PostgreSQL connection string; when absent the embedded PGlite database is used. */
  readonly databaseUrl: string | undefined;
  /**
   * PostgreSQL connection string of the schema owner, used only to run migrations
   * (DATABASE_MIGRATION_URL); the application then connects as DATABASE_URL's role, which owns
   * nothing (docs/security.md, "Database roles"). Unset: migrations run as DATABASE_URL.
   */
  readonly databaseMigrationUrl: string | undefined;
  /** Directory of the embedded database (ignored when `databaseUrl` is set). */
  readonly dataDir: string;
  /** Directory where uploaded files are stored. */
  readonly uploadDir: string;
  readonly port: number;
  readonly host: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Demo mode allows the seeded demo accounts and their published passwords. */
  readonly isDemoMode: boolean;
  /** Length of the public notice (公示) in working days. */
  readonly publicNoticeWorkingDays: number;
  /** Personal-data keys (SKILLFUND_DATA_KEY, SKILLFUND_DATA_KEYS_RETIRED, SKILLFUND_INDEX_KEY); see src/shared/crypto.ts. */
  readonly dataKeyring: Keyring;
  /** The audit chain's HMAC key (SKILLFUND_AUDIT_KEY; a published demo key in demo mode); see src/shared/audit-key.ts. */
  readonly auditKey: AuditKey;
  /** Session idle timeout in minutes (SKILLFUND_SESSION_IDLE_MINUTES, default 30). */
  readonly sessionIdleMinutes: number;
  /** Session absolute lifetime in minutes (SKILLFUND_SESSION_ABSOLUTE_MINUTES, default 720). */
  readonly sessionAbsoluteMinutes: number;
  /** Login attempts per minute per client IP and login name (SKILLFUND_LOGIN_RATE_PER_MINUTE, default 10). */
  readonly loginRatePerMinute: number;
  /** Requests per minute per client IP to other public routes (SKILLFUND_PUBLIC_RATE_PER_MINUTE, default 300). */
  readonly publicRatePerMinute: number;
  /**
   * Days after which a password must be changed (SKILLFUND_PASSWORD_MAX_AGE_DAYS, default 90;
   * 等保 2.0 asks for periodic change). Counted on the system clock: the change is a record time.
   */
  readonly passwordMaxAgeDays: number;
  /**
   * Full reveals of a person's ID number and phone per officer per hour
   * (SKILLFUND_PERSONAL_DATA_REVEALS_PER_HOUR, default 30); each is audited with its reason.
   */
  readonly personalDataRevealsPerHour: number;
  /**
   * Minutes before a session's start and after its end within which a sign-in or sign-out is
   * accepted (SKILLFUND_ATTENDANCE_TOLERANCE_MINUTES, default 30).
   */
  readonly attendanceToleranceMinutes: number;
  /** Days after a class's first session during which trainees may still enrol (SKILLFUND_ENROLMENT_CUTOFF_DAYS, default 3). */
  readonly enrolmentCutoffDays: number;
  /**
   * Highest standard amount a training-project catalog entry may carry, per level, in fen
   * (SKILLFUND_CATALOG_MAX_YUAN, e.g. `primary=3000,advanced=8000`, overriding the defaults of
   * DEFAULT_CATALOG_MAXIMUM_YUAN; docs/policy-coverage.md gives their source).
   */
  readonly catalogMaximumAmountFen: Readonly<Record<Level, number>>;
  /** Start date of a shifted business clock (SKILLFUND_CLOCK_START, training/demo environments); unset = real time. */
  readonly clockStart: string | undefined;
}

export { ConfigError } from './config-error.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

type Environment = Record<string, string | undefined>;

function readInteger(env: Environment, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be an integer, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max)
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function readDatabaseUrl(env: Environment, name = 'DATABASE_URL'): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL (expected postgres://user@host:port/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(name, `must use the postgres:// scheme, got "${url.protocol}"`);
  }
  if (url.pathname.length <= 1) throw new ConfigError(name, 'must name a database');
  return raw;
}

function readBoolean(env: Environment, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function readDate(env: Environment, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(`${raw}T00:00:00Z`))) {
    throw new ConfigError(name, `must be a date YYYY-MM-DD, got "${raw}"`);
  }
  return raw;
}

/**
 * Default upper bounds of a catalog entry's standard amount per level, in yuan. The documents
 * leave the standards to the cities; the highest per-person amount any of them names is Shanxi's
 * 8,000 yuan for directed advanced-level training (晋人社厅函〔2021〕600号 九（一）), so an advanced
 * entry may reach it and the lower levels stay well below; a figure beyond is a typing error,
 * not a standard (99,999,999 fen was once accepted and paid).
 */
export const DEFAULT_CATALOG_MAXIMUM_YUAN: Readonly<Record<Level, number>> = Object.freeze({
  special_ability: 2_000,
  primary: 3_000,
  intermediate: 5_000,
  advanced: 8_000,
  technician: 10_000,
  senior_technician: 12_000,
});

function readCatalogMaximum(env: Environment, name: string): Readonly<Record<Level, number>> {
  const bounds: Record<Level, number> = { ...DEFAULT_CATALOG_MAXIMUM_YUAN };
  const raw = env[name]?.trim() ?? '';
  for (const part of raw === '' ? [] : raw.split(',')) {
    const [level, yuan] = part.split('=').map((piece) => piece.trim());
    if (!level || !(LEVELS as readonly string[]).includes(level))
      throw new ConfigError(name, `names an unknown level "${level}" (one of ${LEVELS.join(', ')})`);
    if (!yuan || !/^\d+$/.test(yuan) || Number(yuan) < 1 || Number(yuan) > 1_000_000)
      throw new ConfigError(name, `needs a whole number of yuan 1..1000000 for ${level}, got "${yuan}"`);
    bounds[level as Level] = Number(yuan);
  }
  return Object.freeze(
    Object.fromEntries(LEVELS.map((level) => [level, bounds[level] * 100])) as Record<Level, number>,
  );
}

/** Reads and validates the configuration; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Environment = process.env): Config {
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  // `memory://` keeps the embedded database in memory (tests, throwaway CLI runs).
  const rawDataDir = env.SKILLFUND_DATA_DIR || './data';
  const dataDir = rawDataDir.startsWith('memory://') ? rawDataDir : path.resolve(rawDataDir);
  return Object.freeze({
    databaseUrl: readDatabaseUrl(env),
    databaseMigrationUrl: readDatabaseUrl(env, 'DATABASE_MIGRATION_URL'),
    dataDir,
    uploadDir: path.resolve(
      env.SKILLFUND_UPLOAD_DIR ||
        (dataDir.startsWith('memory://')
          ? path.join(os.tmpdir(), 'skillfund-uploads')
          : path.join(dataDir, 'uploads')),
    ),
    port: readInteger(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    logLevel: logLevel as Config['logLevel'],
    isDemoMode: readBoolean(env, 'SKILLFUND_DEMO', true),
    publicNoticeWorkingDays: readInteger(env, 'SKILLFUND_NOTICE_DAYS', 5, 1, 60),
    clockStart: readDate(env, 'SKILLFUND_CLOCK_START'),
    dataKeyring: readKeyring(env, readBoolean(env, 'SKILLFUND_DEMO', true)),
    auditKey: readAuditKey(env, readBoolean(env, 'SKILLFUND_DEMO', true)),
    sessionIdleMinutes: readInteger(env, 'SKILLFUND_SESSION_IDLE_MINUTES', 30, 1, 120),
    sessionAbsoluteMinutes: readInteger(env, 'SKILLFUND_SESSION_ABSOLUTE_MINUTES', 720, 5, 1440),
    loginRatePerMinute: readInteger(env, 'SKILLFUND_LOGIN_RATE_PER_MINUTE', 10, 1, 10000),
    publicRatePerMinute: readInteger(env, 'SKILLFUND_PUBLIC_RATE_PER_MINUTE', 300, 1, 100000),
    passwordMaxAgeDays: readInteger(env, 'SKILLFUND_PASSWORD_MAX_AGE_DAYS', 90, 1, 3650),
    personalDataRevealsPerHour: readInteger(env, 'SKILLFUND_PERSONAL_DATA_REVEALS_PER_HOUR', 30, 1, 10000),
    attendanceToleranceMinutes: readInteger(env, 'SKILLFUND_ATTENDANCE_TOLERANCE_MINUTES', 30, 0, 240),
    enrolmentCutoffDays: readInteger(env, 'SKILLFUND_ENROLMENT_CUTOFF_DAYS', 3, 0, 60),
    catalogMaximumAmountFen: readCatalogMaximum(env, 'SKILLFUND_CATALOG_MAX_YUAN'),
  });
}
