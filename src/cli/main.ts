import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig } from '../shared/config.ts';
import { registerCommands } from './commands.ts';

/** Prints one line and exits: configuration and usage errors never show a stack trace. */
function fail(message: string, exitCode: number): never {
  process.stderr.write(`skillfund: ${message}\n`);
  process.exit(exitCode);
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command('skillfund')
    .description('SkillFund 技能提升行动专账资金与补贴性培训管理平台')
    .showHelpAfterError()
    .exitOverride();
  await registerCommands(program, argv.slice(2), () => {
    try {
      return loadConfig();
    } catch (error) {
      if (error instanceof ConfigError) fail(`configuration error: ${error.message}`, 1);
      throw error;
    }
  });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    if (error instanceof ConfigError) fail(`configuration error: ${error.message}`, 1);
    fail((error as Error).message, 1);
  }
}
