import type { Command } from 'commander';
import type { ConfigLoader } from './command.types.ts';

/** `serve`, `db migrate` and `seed --demo`; their modules load when the command runs. */
export function registerCoreCommands(program: Command, loadConfig: ConfigLoader): void {
  program
    .command('serve')
    .description('启动 HTTP 服务 start the HTTP server (PORT, HOST, DATABASE_URL, SKILLFUND_DATA_DIR)')
    .option('--seed-if-empty', 'seed the demo data when the database is empty (demo mode only)', false)
    .option(
      '--demo-clock <date>',
      'demo mode without SKILLFUND_CLOCK_START: run the business clock from this date (YYYY-MM-DD)',
    )
    .action(async (options: { seedIfEmpty: boolean; demoClock?: string }) => {
      if (options.demoClock !== undefined && !isCalendarDate(options.demoClock)) {
        process.stderr.write(`--demo-clock: "${options.demoClock}" is not a date (YYYY-MM-DD)\n`);
        process.exit(1);
      }
      const config = loadConfig();
      const { startServer } = await import('../api/server.ts');
      await startServer(config, {
        seedIfEmpty: options.seedIfEmpty,
        ...(options.demoClock !== undefined && { demoClockStart: options.demoClock }),
      });
    });

  const db = program.command('db').description('数据库维护 database maintenance');
  db.command('migrate')
    .description('apply pending migrations (all in one transaction)')
    .action(async () => {
      const config = loadConfig();
      const { openDatabase } = await import('../db/database.ts');
      const { migrate } = await import('../db/migrator.ts');
      // As the schema owner when DATABASE_MIGRATION_URL is set (the application's role owns nothing).
      const database = await openDatabase({
        databaseUrl: config.databaseMigrationUrl ?? config.databaseUrl,
        dataDir: config.dataDir,
      });
      try {
        const result = await migrate(database);
        process.stdout.write(
          `migrations applied: ${result.applied.length} (${result.applied.join(', ') || 'none pending'})\n`,
        );
      } finally {
        await database.close();
      }
    });

  db.command('grant-app-role')
    .description(
      'grant the application role what it needs and no more (run as the owner: DATABASE_MIGRATION_URL)',
    )
    .argument('<role>', 'the PostgreSQL role DATABASE_URL connects as')
    .action(async (role: string) => {
      const config = loadConfig();
      const ownerUrl = config.databaseMigrationUrl ?? config.databaseUrl;
      if (!ownerUrl)
        throw new Error('grant-app-role is for PostgreSQL (DATABASE_MIGRATION_URL or DATABASE_URL)');
      const { openDatabase } = await import('../db/database.ts');
      const { appRoleGrants } = await import('../db/app-role.ts');
      const { sql } = await import('kysely');
      const database = await openDatabase({ databaseUrl: ownerUrl });
      try {
        for (const statement of appRoleGrants(role)) await sql.raw(statement).execute(database.db);
        process.stdout.write(`granted ${role}: read and write the programme tables, append-only audit_log\n`);
      } finally {
        await database.close();
      }
    });

  program
    .command('seed')
    .description('载入演示数据 load demo data')
    .requiredOption('--demo', 'load the demo jurisdictions and accounts')
    .option(
      '--living',
      'then play the living demo (a year of 2021 through the API) unless it was played',
      false,
    )
    .action(async (options: { living: boolean }) => {
      const config = loadConfig();
      if (!config.isDemoMode)
        throw new Error('seed --demo is refused outside demo mode (SKILLFUND_DEMO=false)');
      const { openDatabase } = await import('../db/database.ts');
      const { migrate } = await import('../db/migrator.ts');
      const { DEMO_PASSWORD, seedDemo } = await import('../demo/demo.service.ts');
      const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        await migrate(database);
        // Under the living demo the demo funds are dated in its year (2021), not the machine's.
        const { LIVING_DEMO_LEDGER_DATE } = await import('../demo/living-demo.ts');
        const result = await seedDemo(
          database.db,
          options.living ? { ledgerValueDate: LIVING_DEMO_LEDGER_DATE } : {},
        );
        process.stdout.write(
          `demo data: ${result.regions} regions, ${result.users} new accounts (password ${DEMO_PASSWORD})\n`,
        );
        if (options.living) {
          const { isLivingDemoPlayed } = await import('../demo/demo.service.ts');
          const { playLivingDemo } = await import('../api/server.ts');
          if (await isLivingDemoPlayed(database.db)) process.stdout.write('living demo: already played\n');
          else await playLivingDemo(config, database, (line) => process.stdout.write(`${line}\n`));
        }
      } finally {
        await database.close();
      }
    });
}

/** True for an existing calendar date written YYYY-MM-DD. */
function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const instant = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(instant.getTime()) && instant.toISOString().startsWith(value);
}
