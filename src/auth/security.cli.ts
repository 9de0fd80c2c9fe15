import type { Command } from 'commander';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrator.ts';
import type { Config } from '../shared/config.ts';
import { setDataKeyring } from '../shared/data-keyring.ts';
import type { AuditContext } from './audit.service.ts';
import { countPendingRewrap, rewrapPersonalData } from './rewrap.service.ts';

const CLI_CONTEXT: AuditContext = { actor: null, ip: 'cli', requestId: null };

const write = (line: string) => process.stdout.write(`${line}\n`);

/** `skillfund security rewrap` and `skillfund security rewrap --check`. */
export function registerSecurityCommands(program: Command, loadConfig: () => Config): void {
  const security = program.command('security').description('安全维护 security maintenance');
  security
    .command('rewrap')
    .description(
      '用当前密钥重新加密个人信息，并加密迁移前遗留的明文 encrypt legacy plaintext and re-encrypt ciphertexts of retired keys under SKILLFUND_DATA_KEY',
    )
    .option('--check', 'only count what is pending; exit 1 when anything is', false)
    .option('--batch-size <rows>', 'rows per transaction', '500')
    .action(async (options: { check: boolean; batchSize: string }) => {
      const config = loadConfig();
      const batchSize = Number(options.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1)
        throw new Error('--batch-size must be a positive integer');
      setDataKeyring(config.dataKeyring);
      const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        await migrate(database);
        if (options.check) {
          const pending = await countPendingRewrap(database.db, config.dataKeyring);
          for (const item of pending) write(`${item.table}.${item.column}: ${item.pending} pending`);
          const total = pending.reduce((sum, item) => sum + item.pending, 0);
          if (total > 0)
            throw new Error(
              `${total} values still to encrypt or rewrap under key "${config.dataKeyring.current.id}"`,
            );
          write(`every value is encrypted under key "${config.dataKeyring.current.id}"`);
          return;
        }
        const counts = await rewrapPersonalData(database.db, CLI_CONTEXT, config.dataKeyring, { batchSize });
        for (const item of counts)
          write(`${item.table}.${item.column}: ${item.encrypted} encrypted, ${item.rewrapped} rewrapped`);
        write(`done: every value is encrypted under key "${config.dataKeyring.current.id}"`);
      } finally {
        await database.close();
      }
    });
}
