import type { Command } from 'commander';
import type { ConfigLoader, RegisterCommands } from './command.types.ts';

/**
 * One top-level command: its name and the one-line description `skillfund --help` shows without
 * loading anything, and the module that registers it in full. Several names may share a module.
 */
export interface LazyCommand {
  readonly name: string;
  readonly description: string;
  readonly load: () => Promise<RegisterCommands>;
}

/**
 * Every top-level command. A command's module (and everything it imports) loads only when that
 * command runs or its help is asked for, so `skillfund --help` and `skillfund evaluate` do not
 * pay for the server, the database or exceljs. To add a command: one entry here, pointing at the
 * register function of your `*.cli.ts`; src/cli/commands.test.ts checks that the entries and the
 * modules agree and that nothing here is imported eagerly.
 */
export const COMMANDS: readonly LazyCommand[] = [
  {
    name: 'serve',
    description: '启动 HTTP 服务 start the HTTP server (PORT, HOST, DATABASE_URL, SKILLFUND_DATA_DIR)',
    load: async () => (await import('./core.cli.ts')).registerCoreCommands,
  },
  {
    name: 'db',
    description: '数据库维护 database maintenance',
    load: async () => (await import('./core.cli.ts')).registerCoreCommands,
  },
  {
    name: 'seed',
    description: '载入演示数据 load demo data',
    load: async () => (await import('./core.cli.ts')).registerCoreCommands,
  },
  {
    name: 'backup',
    description: '备份嵌入式数据库（服务器运行时经由服务器，数据一致）back up the embedded database',
    load: async () => (await import('./backup.cli.ts')).registerBackupCommands,
  },
  {
    name: 'restore',
    description: '从备份恢复嵌入式数据库（须先停止服务器）restore the embedded database from a backup',
    load: async () => (await import('./backup.cli.ts')).registerBackupCommands,
  },
  {
    name: 'audit',
    description: '审计日志 audit trail',
    load: async () => (await import('../auth/auth.cli.ts')).registerAuthCommands,
  },
  {
    name: 'user',
    description: '账号维护（服务器端，含管理员账号）user administration',
    load: async () => (await import('../auth/auth.cli.ts')).registerAuthCommands,
  },
  {
    name: 'keys',
    description: '个人信息加密密钥 personal-data keys',
    load: async () => (await import('../auth/auth.cli.ts')).registerAuthCommands,
  },
  {
    name: 'security',
    description: '安全维护 security maintenance',
    load: async () => (await import('../auth/security.cli.ts')).registerSecurityCommands,
  },
  {
    name: 'import',
    description: '导入参考数据和名单 import reference data and rosters',
    load: async () => (await import('../registry/registry.cli.ts')).registerRegistryCommands,
  },
  {
    name: 'ledger',
    description: '专账 special-account ledger',
    load: async () => (await import('../ledger/ledger.cli.ts')).registerLedgerCommands,
  },
  {
    name: 'evaluate',
    description: 'evaluate subsidy request(s) read as JSON from stdin (v1 contract)',
    load: async () => (await import('../policy/policy.cli.ts')).registerPolicyCommands,
  },
  {
    name: 'policy',
    description: '政策参数 policy packs and parameter versions',
    load: async () => (await import('../policy/policy.cli.ts')).registerPolicyCommands,
  },
  {
    name: 'report',
    description: '统计报表 statistical reports',
    load: async () => (await import('../reports/report.cli.ts')).registerReportCommands,
  },
  {
    name: 'bench',
    description: '性能基准数据 benchmark data (docs/performance.md)',
    load: async () => (await import('../bench/bench.cli.ts')).registerBenchCommands,
  },
  {
    name: 'supervision',
    description: '监管 risk screening, lists and ratings',
    load: async () => (await import('../supervision/supervision.cli.ts')).registerSupervisionCommands,
  },
];

/** The command a command line names: the first word that is not an option (`help <name>` too). */
export function commandWord(args: readonly string[]): string | undefined {
  const words = args.filter((arg) => !arg.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/**
 * Adds the command `args` names, in full, from its module; for anything else (no command, an
 * unknown one, `--help`) adds every command by name and description only, loading nothing.
 */
export async function registerCommands(
  program: Command,
  args: readonly string[],
  loadConfig: ConfigLoader,
): Promise<void> {
  const word = commandWord(args);
  const wanted = COMMANDS.find((command) => command.name === word);
  if (wanted) {
    (await wanted.load())(program, loadConfig);
    return;
  }
  for (const command of COMMANDS) program.command(command.name).description(command.description);
}
