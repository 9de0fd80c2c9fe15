import { openDatabase } from '../db/database.ts';
import { loadConfig } from '../shared/config.ts';
import { buildApp } from './app.ts';

/**
 * The OpenAPI document the server publishes at `/api/docs/json`, built from the routes without
 * listening on a port (an in-memory database that is never migrated: building the routes reads
 * nothing). The linter (`npm run lint:openapi`) and the web client's generator
 * (`npm run gen:client`) read it from here.
 */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const database = await openDatabase({ dataDir: 'memory://' });
  try {
    const config = loadConfig({ LOG_LEVEL: 'silent', SKILLFUND_DATA_DIR: 'memory://' });
    const app = await buildApp({ config, database });
    try {
      await app.ready();
      return app.swagger() as unknown as Record<string, unknown>;
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
  }
}

/** Where the web client's generated types live (`npm run gen:client`), from the repository root. */
export const CLIENT_TYPES_FILE = 'web/src/api/openapi.d.ts';
