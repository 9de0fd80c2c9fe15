import type { Command } from 'commander';
import { SYSTEM_CONTEXT } from '../auth/audit.service.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrator.ts';
import type { Config } from '../shared/config.ts';
import { validateEvaluateRequest } from './evaluate.schema.ts';
import { evaluate } from './evaluate.ts';
import type { EvaluateRequest } from './evaluate.types.ts';
import {
  listParameterVersions,
  loadPublishedOverrides,
  publishParameterVersion,
} from './parameter.service.ts';
import type { ParameterOverride, ParameterValue } from './parameter.types.ts';
import type { ParameterChangeInput } from './parameter.validation.ts';
import { simulate } from './simulate.ts';

/** What a CLI run prints and how it exits; pure so it is tested without a process. */
export interface CliOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

function invalid(message: string, details: { field: string; message: string }[]): CliOutcome {
  return {
    exitCode: 2,
    stdout: '',
    stderr: `${JSON.stringify({ error: { code: 'INVALID_REQUEST', message, details } })}\n`,
  };
}

/** Parses stdin as one request or an array of requests; every element must be valid. */
export function parseRequests(text: string): { requests: EvaluateRequest[]; isArray: boolean } | CliOutcome {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    return invalid('stdin is not valid JSON', [{ field: '(root)', message: 'must be JSON' }]);
  }
  const isArray = Array.isArray(input);
  const items: unknown[] = isArray ? (input as unknown[]) : [input];
  const requests: EvaluateRequest[] = [];
  const details: { field: string; message: string }[] = [];
  items.forEach((item, index) => {
    const result = validateEvaluateRequest(item);
    if (result.ok) requests.push(result.value);
    else
      for (const detail of result.details)
        details.push({ ...detail, field: isArray ? `[${index}].${detail.field}` : detail.field });
  });
  if (details.length > 0) return invalid('请求不符合 evaluate v1 契约', details);
  return { requests, isArray };
}

/**
 * `skillfund evaluate`: one request or an array on stdin → the response(s) on stdout; exit 0
 * when every request is valid (eligible or not), 2 with an INVALID_REQUEST error on stderr.
 */
export function runEvaluateCli(text: string, overrides: readonly ParameterOverride[] = []): CliOutcome {
  const parsed = parseRequests(text);
  if ('exitCode' in parsed) return parsed;
  const responses = parsed.requests.map((request) => evaluate(request, { overrides }));
  return {
    exitCode: 0,
    stdout: `${JSON.stringify(parsed.isArray ? responses : responses[0], null, 2)}\n`,
    stderr: '',
  };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function emit(outcome: CliOutcome): void {
  if (outcome.stdout) process.stdout.write(outcome.stdout);
  if (outcome.stderr) process.stderr.write(outcome.stderr);
  process.exitCode = outcome.exitCode;
}

async function withMigratedDatabase<T>(
  config: Config,
  work: (database: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>,
): Promise<T> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(database);
    return await work(database);
  } finally {
    await database.close();
  }
}

/** Parses a CLI value: JSON when it parses (numbers, lists, booleans), text otherwise. */
function parseValue(text: string): ParameterValue {
  try {
    return JSON.parse(text) as ParameterValue;
  } catch {
    return text;
  }
}

/** `skillfund evaluate` and `skillfund policy parameters|publish|simulate`. */
export function registerPolicyCommands(program: Command, loadConfig: () => Config): void {
  program
    .command('evaluate')
    .description('evaluate subsidy request(s) read as JSON from stdin (v1 contract)')
    .option('--shipped-only', 'ignore parameter versions published in the database', false)
    .action(async (options: { shippedOnly: boolean }) => {
      const text = await readStdin();
      const parsed = parseRequests(text);
      if ('exitCode' in parsed) return emit(parsed);
      const overrides = options.shippedOnly
        ? []
        : await withMigratedDatabase(loadConfig(), (database) => loadPublishedOverrides(database.db));
      emit(runEvaluateCli(text, overrides));
    });
  registerParameterCommands(program, loadConfig);
}

/** `skillfund policy parameters|publish|simulate`. */
function registerParameterCommands(program: Command, loadConfig: () => Config): void {
  const policy = program.command('policy').description('政策参数 policy packs and parameter versions');
  policy
    .command('parameters')
    .argument('<packId>', 'e.g. cn-500000-2021')
    .option('--key <key>', 'one parameter, e.g. day-rates.ceilingFen')
    .description('list shipped and published versions of the parameters of a pack')
    .action(async (packId: string, options: { key?: string }) => {
      const histories = await withMigratedDatabase(loadConfig(), (database) =>
        listParameterVersions(database.db, { packId, ...(options.key ? { key: options.key } : {}) }),
      );
      process.stdout.write(`${JSON.stringify(histories, null, 2)}\n`);
    });
  policy
    .command('publish')
    .requiredOption('--pack <packId>')
    .requiredOption('--key <key>')
    .requiredOption('--from <date>', 'effective date YYYY-MM-DD')
    .requiredOption('--value <json>', 'the value, e.g. 16000 or ["poor_labor"]')
    .requiredOption('--doc <document>', 'document number of the decision')
    .requiredOption('--article <article>', 'article of the decision')
    .option('--note <text>')
    .description('publish a new parameter value from an effective date (audited)')
    .action(
      async (options: {
        pack: string;
        key: string;
        from: string;
        value: string;
        doc: string;
        article: string;
        note?: string;
      }) => {
        const input = {
          packId: options.pack,
          key: options.key,
          effectiveFrom: options.from,
          value: parseValue(options.value),
          citation: { doc: options.doc, article: options.article },
          ...(options.note ? { note: options.note } : {}),
        };
        const row = await withMigratedDatabase(loadConfig(), (database) =>
          database.db
            .transaction()
            .execute((transaction) => publishParameterVersion(transaction, SYSTEM_CONTEXT, input)),
        );
        process.stdout.write(`${JSON.stringify(row, null, 2)}\n`);
      },
    );
  policy
    .command('simulate')
    .requiredOption(
      '--change <json>',
      'a proposed change {packId,key,effectiveFrom,value,citation} or an array of them',
    )
    .description(
      'requests on stdin: report total and per-line differences under the change (changes nothing)',
    )
    .action(async (options: { change: string }) => {
      const parsed = parseRequests(await readStdin());
      if ('exitCode' in parsed) return emit(parsed);
      const raw = parseValue(options.change) as unknown;
      const changes = (Array.isArray(raw) ? raw : [raw]) as ParameterChangeInput[];
      const baseline = await withMigratedDatabase(loadConfig(), (database) =>
        loadPublishedOverrides(database.db),
      );
      const outcome = simulate(parsed.requests, changes, baseline);
      if (!outcome.ok) return emit(invalid('proposed change is invalid', outcome.problems));
      process.stdout.write(`${JSON.stringify(outcome.result, null, 2)}\n`);
    });
}
