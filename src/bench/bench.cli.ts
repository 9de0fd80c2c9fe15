import type { Command } from 'commander';
import type { Config } from '../shared/config.ts';
import { openBulkTarget } from './bulk.ts';
import { generateProvinceYear } from './generator.ts';

/** `skillfund bench generate`: loads a generated province-year into the configured database. */
export function registerBenchCommands(program: Command, loadConfig: () => Config): void {
  const bench = program.command('bench').description('性能基准数据 benchmark data (docs/performance.md)');
  bench
    .command('generate')
    .description('生成并载入一个地区一年的培训、补贴数据 generate a province-year (deterministic for a seed)')
    .requiredOption('--region <code>', 'GB/T 2260 code of a province (320000) or city (430400)')
    .requiredOption('--people <n>', 'subsidised person-times (enrolments in completed classes)')
    .option('--seed <n>', 'random seed', '42')
    .option('--year <yyyy>', 'programme year', '2021')
    .option('--sample-every <n>', 'one class in N gets session-level attendance rows', '50')
    .action(
      async (options: {
        region: string;
        people: string;
        seed: string;
        year: string;
        sampleEvery: string;
      }) => {
        const config = loadConfig();
        const target = await openBulkTarget({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
        try {
          const summary = await generateProvinceYear(target, {
            region: options.region,
            people: Number(options.people),
            seed: Number(options.seed),
            year: Number(options.year),
            sampleEvery: Number(options.sampleEvery),
          });
          process.stdout.write(`${JSON.stringify({ ...summary, users: undefined })}\n`);
        } finally {
          await target.close();
        }
      },
    );
}
