import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { SYSTEM_CONTEXT } from '../auth/audit.service.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrator.ts';
import { systemClock } from '../shared/clock.ts';
import type { Config } from '../shared/config.ts';
import { reportCsv, reportTitle, reportWorkbook } from './report.export.ts';
import { quarterPeriod } from './report.period.ts';
import { buildReport, compareWithLedger } from './report.service.ts';
import { rebuildReportFacts } from './report-facts.service.ts';

const yuan = (fen: number) => (fen / 100).toFixed(2);

/**
 * `skillfund report quarterly --region 430421 --year 2021 --quarter 2 [--xlsx file] [--csv file]`:
 * prints the quarterly report's headline figures and the 账表核对, and writes the exports.
 * Exit code 3 when the report does not agree with the ledger.
 * `skillfund report rebuild-facts --province 430000`: recomputes the report facts from the
 * payments and says how many rows differed from the stored ones (exit code 3 when any did).
 */
export function registerReportCommands(program: Command, loadConfig: () => Config): void {
  const report = program.command('report').description('统计报表 statistical reports');
  report
    .command('quarterly')
    .description('build the quarterly report (季报) of a region subtree')
    .requiredOption('--region <code>', 'GB/T 2260 code of the region')
    .requiredOption('--year <year>', 'calendar year', (value) => Number.parseInt(value, 10))
    .requiredOption('--quarter <quarter>', '1–4', (value) => Number.parseInt(value, 10))
    .option('--xlsx <file>', 'write the official-table workbook here')
    .option('--csv <file>', 'write the cell-by-cell CSV here')
    .option('--preparer <name>', '填报人 printed on the workbook', 'skillfund CLI')
    .action(
      async (options: {
        region: string;
        year: number;
        quarter: number;
        xlsx?: string;
        csv?: string;
        preparer: string;
      }) => {
        const config = loadConfig();
        const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
        try {
          await migrate(database);
          const period = quarterPeriod(options.year, options.quarter);
          const built = await buildReport(database.db, { regionCode: options.region, period });
          const comparison = await compareWithLedger(database.db, built);
          const out = (line: string) => process.stdout.write(`${line}\n`);
          out(reportTitle(built));
          out(
            `培训人次 ${built.totals.personTimes}  人数 ${built.totals.persons}  高级工及以上 ${built.advanced.personTimes}`,
          );
          for (const row of built.trainingTypes) out(`  ${row.label}: ${row.personTimes}`);
          out(
            `支付 ${yuan(built.totals.paidFen)} 元  退回 ${yuan(built.totals.returnedFen)} 元  净支付 ${yuan(built.totals.netFen)} 元`,
          );
          out(`账表核对：${comparison.isBalanced ? '相符' : '不符'}`);
          for (const row of comparison.rows)
            out(
              `  ${row.account.padEnd(20)} 报表 ${yuan(row.reportFen)}  专账 ${yuan(row.ledgerFen)}  差额 ${yuan(row.differenceFen)}`,
            );
          const meta = { preparer: options.preparer, preparedOn: systemClock.today(), version: null };
          if (options.xlsx) {
            await writeFile(options.xlsx, await reportWorkbook(built, comparison, meta));
            out(`xlsx: ${options.xlsx}`);
          }
          if (options.csv) {
            await writeFile(options.csv, reportCsv(built, comparison));
            out(`csv: ${options.csv}`);
          }
          if (!comparison.isBalanced) process.exitCode = 3;
        } finally {
          await database.close();
        }
      },
    );
  report
    .command('rebuild-facts')
    .description('recompute the report facts of a province from its payments; prints how many rows differed')
    .requiredOption('--province <code>', 'GB/T 2260 province code, e.g. 430000')
    .action(async (options: { province: string }) => {
      if (!/^\d{2}0000$/.test(options.province)) {
        process.stderr.write(`--province must be a province code such as 430000, not ${options.province}\n`);
        process.exitCode = 2;
        return;
      }
      const config = loadConfig();
      const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        await migrate(database);
        const result = await database.db
          .transaction()
          .execute((trx) => rebuildReportFacts(trx, SYSTEM_CONTEXT, options.province));
        process.stdout.write(
          `${result.provinceCode}: ${result.before} facts before, ${result.after} after; ${result.removed} removed, ${result.added} added\n`,
        );
        if (result.removed > 0 || result.added > 0) process.exitCode = 3;
      } finally {
        await database.close();
      }
    });
}
