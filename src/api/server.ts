import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { DatabaseHandle } from '../db/database.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrator.ts';
import { DEMO_PASSWORD, isEmpty, seedDemo, trainingClockStart } from '../demo/demo.service.ts';
import { LIVING_DEMO_LEDGER_DATE, seedLivingDemo } from '../demo/living-demo.ts';
import { DemoClock, ManualClock, shiftedClock } from '../shared/clock.ts';
import type { Config } from '../shared/config.ts';
import { buildApp } from './app.ts';
import { registerControlRoutes } from './control.routes.ts';

export interface ServeOptions {
  /** Seed the demo data when the embedded database is empty (what `npm start` does). */
  seedIfEmpty: boolean;
  /**
   * In demo mode, and unless SKILLFUND_CLOCK_START is set, run the business clock from this date
   * (`npm start` passes 2021-05-06: the five documents apply to 2019–2021, so on today's date every
   * claim of the demo would be refused as POLICY_NOT_IN_FORCE).
   */
  demoClockStart?: string;
}

/**
 * The living demo (src/demo/living-demo.ts): a year of 2021 played through the API of an app
 * built for the purpose on a manual business clock, then closed; the server is built afterwards.
 */
export async function playLivingDemo(config: Config, database: DatabaseHandle, log: (line: string) => void) {
  const startedAt = Date.now();
  const clock = new ManualClock('2021-01-04T00:00:00Z');
  const seeding = await buildApp({ config: { ...config, logLevel: 'silent' }, database, clock });
  try {
    const summary = await seedLivingDemo(seeding, clock);
    log(
      `演示数据 living demo: ${summary.classes} classes, ${summary.claims} claims, ${summary.persons} trainees through ${summary.requests} API calls up to ${summary.today} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
    );
  } catch (error) {
    throw new Error(
      `the living demo could not be seeded (delete the data directory ${config.dataDir} and start again): ${(error as Error).message}`,
    );
  } finally {
    await seeding.close();
  }
}

/** Opens the database, migrates it, optionally seeds it, and starts listening. */
export async function startServer(config: Config, options: ServeOptions): Promise<FastifyInstance> {
  let migration: Awaited<ReturnType<typeof migrate>>;
  if (config.databaseMigrationUrl && config.databaseUrl) {
    // Migrations as the schema owner; the application then connects as a role that owns nothing.
    const owner = await openDatabase({ databaseUrl: config.databaseMigrationUrl, poolSize: 1 });
    try {
      migration = await migrate(owner);
    } finally {
      await owner.close();
    }
  }
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  migration ??= await migrate(database);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(
    `数据库 database: ${database.kind}${database.kind === 'pglite' ? ` (${config.dataDir})` : ''}; migrations applied: ${migration.applied.length}`,
  );
  if (options.seedIfEmpty && config.isDemoMode && (await isEmpty(database.db))) {
    const seeded = await seedDemo(database.db, { ledgerValueDate: LIVING_DEMO_LEDGER_DATE });
    log(
      `演示数据 demo data seeded: ${seeded.regions} regions, ${seeded.users} accounts (password ${DEMO_PASSWORD})`,
    );
    await playLivingDemo(config, database, log);
  }
  // A training clock an administrator moved forward resumes from there after a restart.
  const clockStart =
    config.clockStart ??
    (config.isDemoMode && options.demoClockStart
      ? await trainingClockStart(database.db, options.demoClockStart)
      : undefined);
  // In demo mode the clock is the training clock an administrator moves forward (POST /api/demo/clock).
  const clock = clockStart
    ? config.isDemoMode
      ? new DemoClock(clockStart)
      : shiftedClock(clockStart)
    : undefined;
  const app = await buildApp({ config, database, ...(clock ? { clock } : {}) });
  if (clock) log(`业务日期 business date: ${clock.today()} (shifted clock; SKILLFUND_CLOCK_START sets it)`);
  const controlSecret = randomBytes(32).toString('base64url');
  if (database.dataDirLock) registerControlRoutes(app, database, controlSecret);
  app.addHook('onClose', async () => database.close());
  const shutdown = () => {
    void app.close().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const controlHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  database.dataDirLock?.publishControl(
    `http://${controlHost.includes(':') ? `[${controlHost}]` : controlHost}:${port}`,
    controlSecret,
  );
  log(
    `SkillFund 已启动 listening on http://${config.host}:${port}  (API docs: http://${config.host}:${port}/api/docs)`,
  );
  return app;
}
