import type { Command } from 'commander';
import { SYSTEM_CONTEXT } from '../auth/audit.service.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrator.ts';
import type { Config } from '../shared/config.ts';
import { trialBalance } from './ledger-report.service.ts';
import { sealUnsealedRows } from './seal.service.ts';
import { formatVerification, verifyLedger } from './verify.service.ts';

/**
 * `skillfund ledger verify` (exit 0 only when every invariant holds, otherwise prints what
 * failed and exits 2), `skillfund ledger seal` (seals rows written before the keyed seals) and
 * `skillfund ledger trial-balance <regionCode>`.
 */
export function registerLedgerCommands(program: Command, loadConfig: () => Config): void {
  const ledger = program.command('ledger').description('专账 special-account ledger');
  ledger
    .command('verify')
    .description('recompute every balance from the entries and check every ledger invariant')
    .action(async () => {
      const config = loadConfig();
      const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        await migrate(database);
        const result = await verifyLedger(database.db);
        process.stdout.write(formatVerification(result));
        if (!result.isPassed) process.exitCode = 2;
      } finally {
        await database.close();
      }
    });
  ledger
    .command('seal')
    .description(
      'seal the transfers and payment items written before the keyed seals (once, after migrating)',
    )
    .action(async () => {
      const config = loadConfig();
      const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        await migrate(database);
        const counts = await database.db
          .transaction()
          .execute((trx) => sealUnsealedRows(trx, SYSTEM_CONTEXT, config.auditKey));
        process.stdout.write(
          `ledger seal: ${counts.ledger_transfer} transfers, ${counts.payment_item} payment items sealed with audit key "${config.auditKey.id}"\n`,
        );
      } finally {
        await database.close();
      }
    });
  ledger
    .command('trial-balance')
    .argument('<regionCode>', 'GB/T 2260 code of the region subtree')
    .description('print the trial balance of a region subtree (fen)')
    .action(async (regionCode: string) => {
      const config = loadConfig();
      const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        await migrate(database);
        const result = await trialBalance(database.db, { regionCode });
        for (const account of result.accounts) {
          process.stdout.write(
            `${account.regionCode} ${account.kind.padEnd(20)} ${account.normalSide.padEnd(6)} ${String(account.balanceFen).padStart(16)}\n`,
          );
        }
        process.stdout.write(`debits ${result.debitsPostedFen} credits ${result.creditsPostedFen}\n`);
      } finally {
        await database.close();
      }
    });
}
