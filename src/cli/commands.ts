import type { Command } from 'commander';
import { startServer } from '../api/server.ts';
import { registerAuthCommands } from '../auth/auth.cli.ts';
import { registerSecurityCommands } from '../auth/security.cli.ts';
import { registerBenchCommands } from '../bench/bench.cli.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrator.ts';
import { DEMO_PASSWORD, seedDemo } from '../demo/demo.service.ts';
import { registerLedgerCommands } from '../ledger/ledger.cli.ts';
import { registerPolicyCommands } from '../policy/policy.cli.ts';
import { registerRegistryCommands } from '../registry/registry.cli.ts';
import { registerReportCommands } from '../reports/report.cli.ts';
import type { Config } from '../shared/config.ts';
import { registerSupervisionCommands } from '../supervision/supervision.cli.ts';

export type ConfigLoader = () => Config;

/** Opens the configured database, runs `work`, and always closes it. */
export async function withDatabase<T>(
  config: Config,
  work: (database: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>,
): Promise<T> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

/** Adds every subcommand. Domains add theirs here, one register function each. */
export function registerCommands(program: Command, loadConfig: ConfigLoader): void {
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
      await startServer(loadConfig(), {
        seedIfEmpty: options.seedIfEmpty,
        ...(options.demoClock !== undefined && { demoClockStart: options.demoClock }),
      });
    });

  const db = program.command('db').description('数据库维护 database maintenance');
  db.command('migrate')
    .description('apply pending migrations (all in one transaction)')
    .action(async () => {
      const result = await withDatabase(loadConfig(), async (database) => migrate(database));
      process.stdout.write(
        `migrations applied: ${result.applied.length} (${result.applied.join(', ') || 'none pending'})\n`,
      );
    });

  program
    .command('seed')
    .description('载入演示数据 load demo data')
    .requiredOption('--demo', 'load the demo jurisdictions and accounts')
    .action(async () => {
      const config = loadConfig();
      if (!config.isDemoMode)
        throw new Error('seed --demo is refused outside demo mode (SKILLFUND_DEMO=false)');
      const result = await withDatabase(config, async (database) => {
        await migrate(database);
        return seedDemo(database.db);
      });
      process.stdout.write(
        `demo data: ${result.regions} regions, ${result.users} new accounts (password ${DEMO_PASSWORD})\n`,
      );
    });
  registerAuthCommands(program, loadConfig);
  registerSecurityCommands(program, loadConfig);
  registerRegistryCommands(program, loadConfig);
  registerLedgerCommands(program, loadConfig);
  registerPolicyCommands(program, loadConfig);
  registerReportCommands(program, loadConfig);
  registerBenchCommands(program, loadConfig);
  registerSupervisionCommands(program, loadConfig);
}

/** True for an existing calendar date written YYYY-MM-DD. */
function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const instant = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(instant.getTime()) && instant.toISOString().startsWith(value);
}
