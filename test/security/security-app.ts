import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import { SYSTEM_CONTEXT } from '../../src/auth/audit.service.ts';
import { createUser } from '../../src/auth/auth.service.ts';
import type { Role } from '../../src/auth/roles.ts';
import { generateTotpSecret, totpCodeAt } from '../../src/auth/totp.ts';
import type { DatabaseHandle } from '../../src/db/database.ts';
import type { Clock } from '../../src/shared/clock.ts';
import { loadConfig } from '../../src/shared/config.ts';
import { encryptField } from '../../src/shared/crypto.ts';
import { createTestDatabase } from '../support/database.ts';
import { createPiiCapture, type PiiCapture } from '../support/pii-capture.ts';

/** Keys for production-mode tests (never used anywhere else). */
export const TEST_KEYS = {
  SKILLFUND_DATA_KEY: `t1:${Buffer.alloc(32, 7).toString('base64')}`,
  SKILLFUND_INDEX_KEY: Buffer.alloc(32, 9).toString('base64'),
  SKILLFUND_AUDIT_KEY: `ta:${Buffer.alloc(32, 5).toString('base64')}`,
};

export const STRONG_PASSWORD = 'Quartz#Lantern58';

/** A settable clock for the session policy and the lockout. */
export interface TestClock {
  now: () => Date;
  advanceMinutes(minutes: number): void;
  advanceSeconds(seconds: number): void;
}

export function createClock(): TestClock {
  let nowMs = Date.now();
  return {
    now: () => new Date(nowMs),
    advanceMinutes(minutes) {
      nowMs += minutes * 60_000;
    },
    advanceSeconds(seconds) {
      nowMs += seconds * 1000;
    },
  };
}

export interface SecurityApp {
  app: FastifyInstance;
  database: DatabaseHandle;
  clock: TestClock;
  capture: PiiCapture;
  /**
   * Logs in; for an account enrolled with `enrolTotp` and no code given, moves the test clock to
   * the next 30-second step and sends that step's code (each code is accepted once).
   */
  login(loginName: string, password?: string, totpCode?: string): Promise<LightMyRequestResponse>;
  /** Enrols a TOTP secret for the account directly in the database; returns the secret. */
  enrolTotp(loginName: string): Promise<string>;
  close(): Promise<void>;
}

/** An app over a fresh database with the demo regions, in demo or production mode, with a test clock. */
export async function createSecurityApp(options: {
  isDemoMode: boolean;
  env?: Record<string, string>;
  /** The business clock (notices, dates); the system's by default. */
  appClock?: Clock;
}): Promise<SecurityApp> {
  const database = await createTestDatabase({ seeded: true });
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    SKILLFUND_DATA_DIR: 'memory://',
    SKILLFUND_DEMO: options.isDemoMode ? 'true' : 'false',
    ...(options.isDemoMode ? {} : TEST_KEYS),
    ...options.env,
  });
  const clock = createClock();
  const capture = createPiiCapture({ keepLogLines: true });
  const app = await buildApp(
    {
      config,
      database,
      ...(options.appClock && { clock: options.appClock }),
      sessionPolicy: { idleTimeoutMinutes: 30, absoluteTimeoutMinutes: 12 * 60, now: clock.now },
    },
    capture.buildOptions,
  );
  const secrets = new Map<string, string>();
  return {
    app,
    database,
    clock,
    capture,
    login: (loginName, password = STRONG_PASSWORD, totpCode) => {
      const secret = secrets.get(loginName);
      let code = totpCode;
      if (code === undefined && secret !== undefined) {
        clock.advanceSeconds(30);
        code = totpCodeAt(secret, clock.now().getTime());
      }
      return app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { loginName, password, ...(code !== undefined && { totpCode: code }) },
      });
    },
    async enrolTotp(loginName) {
      const secret = generateTotpSecret();
      const user = await database.db
        .selectFrom('app_user')
        .select('id')
        .where('login_name', '=', loginName)
        .executeTakeFirstOrThrow();
      await database.db
        .updateTable('app_user')
        .set({
          // Bound to the user's row, as enrolment writes it (associated data, issue 18).
          totp_secret: encryptField(config.dataKeyring, 'app_user.totp_secret', secret, String(user.id)),
          totp_enrolled_at: new Date(),
        })
        .where('login_name', '=', loginName)
        .execute();
      secrets.set(loginName, secret);
      return secret;
    },
    async close() {
      capture.flush();
      await app.close();
      await database.close();
    },
  };
}

export interface SeedUser {
  loginName: string;
  role: Role;
  regionCode: string;
  organisationId?: number;
  personId?: number;
  mustChangePassword?: boolean;
}

/** Creates users with STRONG_PASSWORD; returns their ids by login name. */
export async function seedUsers(
  database: DatabaseHandle,
  users: readonly SeedUser[],
): Promise<Record<string, number>> {
  const ids: Record<string, number> = {};
  for (const user of users) {
    ids[user.loginName] = await createUser(database.db, SYSTEM_CONTEXT, {
      displayName: user.loginName,
      password: STRONG_PASSWORD,
      ...user,
    });
  }
  return ids;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
