import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { DEMO_PASSWORD } from '../../src/demo/demo.service.ts';
import type { Clock } from '../../src/shared/clock.ts';
import { loadConfig } from '../../src/shared/config.ts';
import { createTestDatabase } from './database.ts';
import { createPiiCapture } from './pii-capture.ts';
import { createResponseCheck } from './response-check.ts';

export interface TestApp {
  app: FastifyInstance;
  database: DatabaseHandle;
  /** Logs in a demo account and returns its Authorization header. */
  loginAs(loginName: string): Promise<{ authorization: string }>;
  close(): Promise<void>;
}

/** A built app over a fresh, migrated database with the demo data. */
export async function createTestApp(
  options: {
    seed?: boolean;
    clock?: Clock;
    onQuery?: (sqlText: string) => void;
    env?: Record<string, string>;
  } = {},
): Promise<TestApp> {
  // The demo data comes with the database: a copy of the suite's seeded template.
  const database = await createTestDatabase({ seeded: options.seed !== false, onQuery: options.onQuery });
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    SKILLFUND_DATA_DIR: 'memory://',
    SKILLFUND_UPLOAD_DIR: '/tmp/skillfund-test-uploads',
    ...options.env,
  });
  // Every test app's logs and non-privileged responses are scanned for unmasked personal data.
  const capture = createPiiCapture();
  // Every answer is checked against the response schema its route declares.
  const responses = createResponseCheck();
  const app = await buildApp(
    { config, database, ...(options.clock ? { clock: options.clock } : {}) },
    { ...capture.buildOptions, ...responses.buildOptions },
  );
  return {
    app,
    database,
    async loginAs(loginName: string) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { loginName, password: DEMO_PASSWORD },
      });
      if (response.statusCode !== 200) throw new Error(`login ${loginName} failed: ${response.body}`);
      return { authorization: `Bearer ${response.json().token}` };
    },
    async close() {
      capture.flush();
      await app.close();
      await database.close();
      if (responses.mismatches.length > 0) {
        throw new Error(
          `answers that do not fit their route's response schema:\n${[...new Set(responses.mismatches)].join('\n')}`,
        );
      }
    },
  };
}
