import type { Command } from 'commander';
import type { ConfigLoader } from './command.types.ts';

function embeddedDataDir(loadConfig: ConfigLoader, command: string): string {
  const config = loadConfig();
  if (config.databaseUrl) {
    throw new Error(
      `${command} is for the embedded database; on PostgreSQL use pg_dump / pg_basebackup with WAL archiving (docs/scaling.md)`,
    );
  }
  if (config.dataDir.startsWith('memory://')) throw new Error(`${command}: the database is in memory`);
  return config.dataDir;
}

/** `skillfund backup` and `skillfund restore` for the embedded (PGlite) database. */
export function registerBackupCommands(program: Command, loadConfig: ConfigLoader): void {
  program
    .command('backup')
    .description('备份嵌入式数据库（服务器运行时经由服务器，数据一致）back up the embedded database')
    .requiredOption('--out <file>', 'the backup file to write (gzipped tar of the data dir)')
    .action(async (options: { out: string }) => {
      const dataDir = embeddedDataDir(loadConfig, 'backup');
      const { backupDataDir } = await import('../db/backup.ts');
      const result = await backupDataDir(dataDir, options.out);
      process.stdout.write(
        `backup written: ${result.file} (${result.bytes} bytes, ${result.via === 'server' ? 'taken by the running server' : 'from the data dir'})\n`,
      );
    });

  program
    .command('restore')
    .description('从备份恢复嵌入式数据库（须先停止服务器）restore the embedded database from a backup')
    .argument('<file>', 'a file written by skillfund backup')
    .action(async (file: string) => {
      const dataDir = embeddedDataDir(loadConfig, 'restore');
      const { restoreDataDir } = await import('../db/backup.ts');
      const result = await restoreDataDir(dataDir, file);
      process.stdout.write(
        `restored ${result.dataDir} (${result.migrations} migrations recorded)${result.previousDataDir ? `; the replaced data dir was kept as ${result.previousDataDir}` : ''}\n`,
      );
    });
}
