import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { Config } from '../shared/config.ts';
import { COMMANDS, commandWord, registerCommands } from './commands.ts';

const noConfig = (): Config => {
  throw new Error('no command runs in this test');
};

/** Relative files `file` imports statically (`import type` and `import()` load nothing up front). */
function staticImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'(\.[^']+)'/gms))
    found.push(path.resolve(path.dirname(file), match[1]!));
  for (const match of text.matchAll(/^export\s+(?!type\s)[^;]*?from\s+'(\.[^']+)'/gms))
    found.push(path.resolve(path.dirname(file), match[1]!));
  return found;
}

describe('the lazy command registry', () => {
  it('lists every top-level command the modules register, with the description they give it', async () => {
    const registered = new Map<string, string>();
    const modules = new Set(await Promise.all(COMMANDS.map((command) => command.load())));
    for (const register of modules) {
      const program = new Command('skillfund');
      register(program, noConfig);
      for (const command of program.commands) registered.set(command.name(), command.description());
    }
    const listed = new Map(COMMANDS.map((command) => [command.name, command.description]));
    expect(Object.fromEntries(listed)).toEqual(Object.fromEntries(registered));
    expect(listed.size).toBe(COMMANDS.length); // no name listed twice
  });

  it('loads only the named command module; help alone loads none', async () => {
    const program = new Command('skillfund');
    await registerCommands(program, ['ledger', 'verify'], noConfig);
    expect(program.commands.map((command) => command.name())).toEqual(['ledger']);
    expect(program.commands[0]!.commands.length).toBeGreaterThan(0);

    const help = new Command('skillfund');
    await registerCommands(help, ['--help'], noConfig);
    expect(help.commands.map((command) => command.name())).toEqual(COMMANDS.map((command) => command.name));
    expect(help.commands.every((command) => command.commands.length === 0)).toBe(true);
  });

  it('finds the command word past options and after help', () => {
    expect(commandWord(['--help'])).toBeUndefined();
    expect(commandWord(['help', 'ledger'])).toBe('ledger');
    expect(commandWord(['evaluate', '--pretty'])).toBe('evaluate');
  });

  it('the CLI entry imports no command module up front (they load when their command runs)', () => {
    const seen = new Set<string>();
    const queue = [path.resolve('src/cli/main.ts')];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      queue.push(...staticImports(file));
    }
    const loaded = [...seen].map((file) => path.relative(path.resolve('src'), file)).sort();
    expect(loaded).toEqual([
      'cli/commands.ts',
      'cli/main.ts',
      'shared/audit-key.ts',
      'shared/config-error.ts',
      'shared/config.ts',
      'shared/crypto.ts',
      'shared/vocabulary.ts',
    ]);
  });
});
