import fs from 'node:fs/promises';
import type { Command } from 'commander';
import { SYSTEM_CONTEXT } from '../auth/audit.service.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrator.ts';
import { shiftedClock, systemClock } from '../shared/clock.ts';
import type { Config } from '../shared/config.ts';
import { setDataKeyring } from '../shared/data-keyring.ts';
import { recomputeRatings } from './rating.service.ts';
import { importReferenceList, LIST_SOURCES, type ListSource } from './reference-list.service.ts';
import { runSweep } from './risk.service.ts';

async function withMigratedDatabase<T>(
  loadConfig: () => Config,
  work: (database: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  // Phone fingerprints and list matching use the personal-data keys.
  if (config.dataKeyring) setDataKeyring(config.dataKeyring);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(database);
    return await work(database);
  } finally {
    await database.close();
  }
}

/**
 * `skillfund supervision sweep [--province 430000]` (the scheduled risk sweep),
 * `skillfund supervision import-list <file.csv> --source pension --title … --as-of … --region …`
 * and `skillfund supervision ratings --year 2021 [--region 430000]`.
 */
/** The business now of a command: SKILLFUND_CLOCK_START's shifted clock, else real time. */
function businessNow(clockStart: string | undefined): Date {
  return (clockStart ? shiftedClock(clockStart) : systemClock).now();
}

export function registerSupervisionCommands(program: Command, loadConfig: () => Config): void {
  const supervision = program.command('supervision').description('监管 risk screening, lists and ratings');
  supervision
    .command('sweep')
    .description('run every risk rule over all data (or one province) and block risky claims')
    .option('--province <code>', 'GB/T 2260 province code, e.g. 430000')
    .action(async (options: { province?: string }) => {
      const result = await withMigratedDatabase(loadConfig, (database) =>
        database.db.transaction().execute((trx) =>
          runSweep(trx, SYSTEM_CONTEXT, {
            provinceCode: options.province ?? null,
            // The business clock of this installation (SKILLFUND_CLOCK_START), else real time.
            now: businessNow(loadConfig().clockStart),
          }),
        ),
      );
      for (const [rule, counts] of Object.entries(result.byRule))
        process.stdout.write(
          `${rule.padEnd(30)} ${String(counts.found).padStart(7)} (${counts.created} new) ${counts.durationMs} ms\n`,
        );
      process.stdout.write(
        `alerts ${result.found} (${result.created} new), claims newly blocked ${result.claimsNewlyBlocked}, ${result.durationMs} ms\n`,
      );
    });
  supervision
    .command('import-list')
    .argument('<file>', 'CSV with a header: id_number, valid_from, valid_to, organisation_credit_code, ...')
    .requiredOption('--source <source>', LIST_SOURCES.join(' | '))
    .requiredOption('--title <title>', 'title of the list')
    .requiredOption('--as-of <date>', 'date the list was extracted (YYYY-MM-DD)')
    .requiredOption('--region <code>', 'province (or region) the list belongs to')
    .description('import a data-comparison list (大数据比对)')
    .action(
      async (file: string, options: { source: string; title: string; asOf: string; region: string }) => {
        if (!(LIST_SOURCES as readonly string[]).includes(options.source))
          throw new Error(`--source must be one of ${LIST_SOURCES.join(', ')}`);
        const csv = await fs.readFile(file, 'utf8');
        const list = await withMigratedDatabase(loadConfig, (database) =>
          database.db.transaction().execute((trx) =>
            importReferenceList(trx, SYSTEM_CONTEXT, {
              source: options.source as ListSource,
              title: options.title,
              asOf: options.asOf,
              regionCode: options.region,
              csv,
            }),
          ),
        );
        process.stdout.write(`list ${list.id}: ${list.rowCount} rows\n`);
      },
    );
  supervision
    .command('ratings')
    .requiredOption('--year <year>', 'rating year')
    .option('--region <code>', 'region subtree (default: everything)')
    .description('recompute institution credit ratings for a year')
    .action(async (options: { year: string; region?: string }) => {
      const result = await withMigratedDatabase(loadConfig, (database) =>
        database.db.transaction().execute((trx) =>
          recomputeRatings(trx, SYSTEM_CONTEXT, {
            year: Number(options.year),
            ...(options.region ? { regionCode: options.region } : {}),
          }),
        ),
      );
      for (const rating of result.ratings)
        process.stdout.write(`${rating.institutionId} ${rating.grade} ${rating.score.toFixed(2)}\n`);
      process.stdout.write(`rated ${result.ratings.length}, bases revoked ${result.revokedBases.length}\n`);
    });
}
