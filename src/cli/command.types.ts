import type { Command } from 'commander';
import type { Config } from '../shared/config.ts';

// The contract between the command registry (commands.ts) and the command modules: a leaf module,
// so a command module names the loader's type without importing the registry that loads it.

/** Reads the configuration when a command needs it (not before: `--help` reads none). */
export type ConfigLoader = () => Config;
/** What a command module exports: adds its command(s), in full, to the program. */
export type RegisterCommands = (program: Command, loadConfig: ConfigLoader) => void;
