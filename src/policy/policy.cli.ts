import fs from 'node:fs';
import type { Command } from 'commander';
import type { DatabaseHandle } from '../db/database.ts';
import type { Config } from '../shared/config.ts';
import { isValidEvaluateRequest, validateEvaluateRequest } from './evaluate.schema.ts';
import { decide, evaluate } from './evaluate.ts';
import type { EvaluateRequest, Level } from './evaluate.types.ts';
import type { ParameterOverride, ParameterValue } from './parameter.types.ts';
import type { ParameterChangeInput } from './parameter.validation.ts';
import { ResponseJsonWriter } from './response-json.ts';

// The database, the parameter service and the simulator are imported inside the commands that
// need them: `skillfund evaluate` on the shipped parameters loads none of them and opens no database.

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
    return invalid('标准输入不是有效的数据格式', [{ field: '(root)', message: '无法解析' }]);
  }
  const isArray = Array.isArray(input);
  const items: unknown[] = isArray ? (input as unknown[]) : [input];
  // The common case, every request valid, allocates nothing: the parsed array is the answer.
  let allValid = true;
  for (let index = 0; index < items.length && allValid; index += 1)
    allValid = isValidEvaluateRequest(items[index]);
  if (allValid) return { requests: items as EvaluateRequest[], isArray };
  const details: { field: string; message: string }[] = [];
  items.forEach((item, index) => {
    const result = validateEvaluateRequest(item);
    if (!result.ok)
      for (const detail of result.details)
        details.push({ ...detail, field: isArray ? `[${index}].${detail.field}` : detail.field });
  });
  return invalid('请求不符合补贴测算接口（第1版）的规定', details);
}

/** How `skillfund evaluate` prints: compact JSON by default, indented for people with `--pretty`. */
export interface EvaluateOutputOptions {
  pretty?: boolean;
}

/** The response(s) to already parsed and validated requests, as printed on stdout. */
export function evaluateParsed(
  parsed: { requests: EvaluateRequest[]; isArray: boolean },
  overrides: readonly ParameterOverride[],
  options: EvaluateOutputOptions = {},
): CliOutcome {
  const responses = parsed.requests.map((request) => evaluate(request, { overrides }));
  const body = parsed.isArray ? responses : responses[0];
  return {
    exitCode: 0,
    stdout: `${options.pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body)}\n`,
    stderr: '',
  };
}

/**
 * `skillfund evaluate`: one request or an array on stdin → the response(s) on stdout; exit 0
 * when every request is valid (eligible or not), 2 with an INVALID_REQUEST error on stderr.
 * The text is parsed once.
 */
export function runEvaluateCli(
  text: string,
  overrides: readonly ParameterOverride[] = [],
  options: EvaluateOutputOptions = {},
): CliOutcome {
  const parsed = parseRequests(text);
  if ('exitCode' in parsed) return parsed;
  return evaluateParsed(parsed, overrides, options);
}

const LINE_NOT_JSON = {
  code: 'INVALID_REQUEST',
  message: '该行不是有效的数据格式',
  details: [{ field: '(root)', message: '该行无法解析' }],
};

/**
 * The answer to one line of `skillfund evaluate --ndjson`: the decision for a valid request, or,
 * for a line that is not one, `{"line":n,"error":{...}}` in its place (so output line n answers
 * input line n). The decision is handed over as it is (ResponseJsonWriter#decided writes it).
 */
function answerNdjsonLine(
  line: string,
  lineNumber: number,
  options: { overrides: readonly ParameterOverride[] },
): { ok: true; decided: ReturnType<typeof decide> } | { ok: false; error: object } {
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch {
    return { ok: false, error: { line: lineNumber, error: LINE_NOT_JSON } };
  }
  // A valid request (the common case) is checked without building a result.
  if (isValidEvaluateRequest(input)) return { ok: true, decided: decide(input as EvaluateRequest, options) };
  const result = validateEvaluateRequest(input);
  if (result.ok) return { ok: true, decided: decide(result.value, options) };
  return {
    ok: false,
    error: {
      line: lineNumber,
      error: {
        code: 'INVALID_REQUEST',
        message: '请求不符合补贴测算接口（第1版）的规定',
        details: result.details,
      },
    },
  };
}

/** One line of `skillfund evaluate --ndjson` as text (the line's answer; see answerNdjsonLine). */
export function evaluateNdjsonLine(
  line: string,
  lineNumber: number,
  overrides: readonly ParameterOverride[],
): { ok: boolean; output: string } {
  const answer = answerNdjsonLine(line, lineNumber, { overrides });
  const chunks: Buffer[] = [];
  const writer = new ResponseJsonWriter((bytes) => chunks.push(bytes));
  if (answer.ok) writer.decided(answer.decided);
  else writer.json(answer.error);
  writer.end();
  return { ok: answer.ok, output: Buffer.concat(chunks).toString('utf8') };
}

/**
 * NDJSON in, NDJSON out, compact, through ResponseJsonWriter (the same bytes as
 * `JSON.stringify` of each answer, one per line): lines are fed as they come (`push` takes text
 * that may end mid-line), each non-blank line is answered in order; line breaks are `\n`, `\r\n`
 * or `\r`, as readline counts them. `end` answers a last line without a break and returns how
 * many lines were invalid.
 */
export class NdjsonEvaluator {
  private rest = '';
  private lineNumber = 0;
  private invalid = 0;
  private readonly options: { overrides: readonly ParameterOverride[] };

  constructor(
    private readonly writer: ResponseJsonWriter,
    overrides: readonly ParameterOverride[] = [],
  ) {
    this.options = { overrides };
  }

  push(text: string): void {
    const input = this.rest === '' ? text : this.rest + text;
    let start = 0;
    for (;;) {
      const newline = input.indexOf('\n', start);
      if (newline === -1) break;
      const end = newline > start && input.charCodeAt(newline - 1) === 0x0d ? newline - 1 : newline;
      this.line(input.slice(start, end));
      start = newline + 1;
    }
    this.rest = input.slice(start);
    // A text ending in \r may be followed by \n in the next piece: keep it until then.
  }

  end(): number {
    if (this.rest !== '') this.line(this.rest.endsWith('\r') ? this.rest.slice(0, -1) : this.rest);
    this.rest = '';
    this.writer.end();
    return this.invalid;
  }

  private line(text: string): void {
    // A lone \r is a line break too (readline's rule); it is rare, so it is looked for only here.
    if (text.includes('\r')) {
      for (const part of text.split('\r')) this.answer(part);
      return;
    }
    this.answer(text);
  }

  private answer(text: string): void {
    this.lineNumber += 1;
    if (text.trim() === '') return;
    const answer = answerNdjsonLine(text, this.lineNumber, this.options);
    if (answer.ok) this.writer.decided(answer.decided);
    else {
      this.invalid += 1;
      this.writer.json(answer.error);
    }
    this.writer.raw('\n');
  }
}

/** Writes bytes to stdout, waiting when the pipe is full. */
async function writeBytes(bytes: Buffer): Promise<void> {
  if (!process.stdout.write(bytes)) await new Promise((resolve) => process.stdout.once('drain', resolve));
}

/**
 * The compact answers to requests, `opening` and then the answers separated by commas, written
 * in chunks of about 1 MB as they are evaluated: encoded by ResponseJsonWriter without building a
 * 100 MB string (and its UTF-8 copy) for a big batch.
 */
async function writeAnswers(
  requests: readonly EvaluateRequest[],
  overrides: readonly ParameterOverride[],
  opening: string,
): Promise<void> {
  const ready: Buffer[] = [];
  const writer = new ResponseJsonWriter((bytes) => ready.push(bytes));
  const drain = async () => {
    for (const bytes of ready.splice(0)) await writeBytes(bytes);
  };
  const options = { overrides };
  writer.raw(opening);
  for (let index = 0; index < requests.length; index += 1) {
    if (index > 0) writer.raw(',');
    writer.decided(decide(requests[index]!, options));
    if (ready.length > 0) await drain();
  }
  writer.end();
  await drain();
}

/** The compact answer to parsed requests: the same bytes as evaluateParsed, written in chunks. */
async function writeResponses(
  parsed: { requests: EvaluateRequest[]; isArray: boolean },
  overrides: readonly ParameterOverride[],
): Promise<void> {
  if (!parsed.isArray) {
    const chunks: Buffer[] = [];
    const writer = new ResponseJsonWriter((bytes) => chunks.push(bytes));
    writer.decided(decide(parsed.requests[0]!, { overrides }));
    writer.raw('\n');
    writer.end();
    for (const bytes of chunks) await writeBytes(bytes);
    return;
  }
  await writeAnswers(parsed.requests, overrides, '[');
  await writeBytes(CLOSE);
}

/** Streams NDJSON from stdin to stdout, one response per request line; exit 2 if any line was invalid. */
async function streamNdjson(overrides: readonly ParameterOverride[]): Promise<void> {
  const ready: Buffer[] = [];
  const evaluator = new NdjsonEvaluator(new ResponseJsonWriter((bytes) => ready.push(bytes)), overrides);
  const drain = async () => {
    for (const bytes of ready.splice(0)) await writeBytes(bytes);
  };
  if (fs.fstatSync(0).isFile()) {
    // A file on stdin (`< requests.ndjson`) is read in one piece, answered a slice at a time.
    const text = fs.readFileSync(0).toString('utf8');
    for (let start = 0; start < text.length; start += 1 << 20) {
      evaluator.push(text.slice(start, start + (1 << 20)));
      if (ready.length > 0) await drain();
    }
  } else {
    process.stdin.setEncoding('utf8');
    for await (const chunk of process.stdin) {
      evaluator.push(chunk as string);
      if (ready.length > 0) await drain();
    }
  }
  const invalid = evaluator.end();
  await drain();
  if (invalid > 0) process.exitCode = 2;
}

async function readStdin(): Promise<string> {
  // A file on stdin (`< requests.json`) is read in one piece: no stream, no chunks to join.
  if (fs.fstatSync(0).isFile()) return fs.readFileSync(0).toString('utf8');
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
  work: (database: DatabaseHandle) => Promise<T>,
): Promise<T> {
  const { openDatabase } = await import('../db/database.ts');
  const { migrate } = await import('../db/migrator.ts');
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

/** Published parameter versions from the configured database (migrated first), over the shipped ones. */
async function publishedOverrides(loadConfig: () => Config): Promise<ParameterOverride[]> {
  const { loadPublishedOverrides } = await import('./parameter.service.ts');
  return withMigratedDatabase(loadConfig(), (database) => loadPublishedOverrides(database.db));
}

/** `skillfund evaluate` and `skillfund policy parameters|publish|simulate`. */
export function registerPolicyCommands(program: Command, loadConfig: () => Config): void {
  program
    .command('evaluate')
    .description('evaluate subsidy request(s) read as JSON from stdin (v1 contract)')
    .option(
      '--published',
      'use the parameter versions published in the database (opens and migrates it); default: as shipped',
      false,
    )
    .option(
      '--shipped-only',
      'the parameters shipped with the code (the default; kept for old scripts)',
      false,
    )
    .option('--pretty', 'indent the JSON for people (default: compact)', false)
    .option('--ndjson', 'stream: one request per stdin line → one response per stdout line', false)
    .option(
      '--threads <n>',
      `threads for a big array (at least ${PARALLEL_MIN_TEXT}): auto = the available cores, 2 to 4, or 1 when the load average is at or above them; 1 = one thread`,
      'auto',
    )
    .action(
      async (options: {
        published: boolean;
        shippedOnly: boolean;
        pretty: boolean;
        ndjson: boolean;
        threads: string;
      }) => {
        const usePublished = options.published && !options.shippedOnly;
        const threads = parseThreads(options.threads);
        if (threads === undefined)
          return emit(
            invalid('线程数应为 1 至 16 之间的整数（缺省时自动）', [
              { field: '--threads', message: '取值无效' },
            ]),
          );
        if (options.ndjson) {
          const overrides = usePublished ? await publishedOverrides(loadConfig) : [];
          announceParameters(overrides, usePublished);
          return streamNdjson(overrides);
        }
        let text: string;
        if (threads !== 1 && !options.pretty) {
          const outcome = await evaluateInParallel(
            threads,
            () => (usePublished ? publishedOverrides(loadConfig) : Promise.resolve([])),
            (overrides) => announceParameters(overrides, usePublished),
          );
          if (outcome.answered) return;
          text = outcome.text;
        } else text = await readStdin();
        const parsed = parseRequests(text);
        if ('exitCode' in parsed) return emit(parsed);
        const overrides = usePublished ? await publishedOverrides(loadConfig) : [];
        announceParameters(overrides, usePublished);
        if (options.pretty) return emit(evaluateParsed(parsed, overrides, { pretty: true }));
        await writeResponses(parsed, overrides);
      },
    );
  registerParameterCommands(program, loadConfig);
}

/** Mirrors PARALLEL_MIN_BYTES for the help text (the parallel module loads only when used). */
const PARALLEL_MIN_TEXT = '1 MB';

/** `--threads`: 'auto' → 0, or 1–16; undefined when it is neither. */
function parseThreads(text: string): number | undefined {
  if (text === 'auto') return 0;
  if (!/^[0-9]+$/.test(text)) return undefined;
  const count = Number(text);
  return count >= 1 && count <= 16 ? count : undefined;
}

/**
 * A big array answered on several threads (evaluate.parallel.ts): `{ answered: false, text }`
 * when one thread is to answer (one thread chosen, the input small or not one array: the text
 * read is handed back), `{ answered: true }` when answered or refused exactly as one thread would
 * (same stdout, stderr and exit code).
 */
async function evaluateInParallel(
  threads: number,
  loadOverrides: () => Promise<ParameterOverride[]>,
  announce: (overrides: readonly ParameterOverride[]) => void,
): Promise<{ answered: true } | { answered: false; text: string }> {
  const parallel = await import('./evaluate.parallel.ts');
  const count = threads === 0 ? parallel.autoThreadCount() : threads;
  if (count === 1) return { answered: false, text: await readStdin() };
  // A big file on stdin: the workers start now and load the engine while the input is read.
  const stat = fs.fstatSync(0);
  let pool =
    stat.isFile() && stat.size >= parallel.PARALLEL_MIN_BYTES
      ? new parallel.WorkerPool(count - 1)
      : undefined;
  const input = await parallel.readStdinShared();
  const runs =
    input.length >= parallel.PARALLEL_MIN_BYTES ? parallel.splitArrayBytes(input, count) : undefined;
  if (!runs) {
    if (pool) await pool.stop();
    return { answered: false, text: input.toString('utf8') };
  }
  pool ??= new parallel.WorkerPool(count - 1);
  const workers = pool.give(input, runs.slice(1), runs.length - 2);
  try {
    const own = parallel.parseRun(input, runs[0]!, false);
    const checks = await Promise.all(workers.map((worker) => worker.check));
    const checked = parallel.joinChecks([own.kind === 'parsed' ? { kind: 'valid' } : own, ...checks]);
    if (own.kind !== 'parsed' || checked.kind !== 'valid') {
      emit(
        checked.kind === 'not-json'
          ? invalid('标准输入不是有效的数据格式', [{ field: '(root)', message: '无法解析' }])
          : invalid(
              '请求不符合补贴测算接口（第1版）的规定',
              checked.kind === 'invalid' ? checked.details : [],
            ),
      );
      return { answered: true };
    }
    const overrides = await loadOverrides();
    announce(overrides);
    process.stderr.write(`evaluate: 并行 threads = ${runs.length}（--threads 1 单线程）\n`);
    // Every worker goes on now; this thread answers the first run meanwhile, then writes theirs.
    const answers = workers.map((worker) => worker.answers(overrides));
    await writeAnswers(own.requests, overrides, '[');
    for (const worker of answers) {
      await writeBytes(COMMA);
      for await (const bytes of worker) await writeBytes(bytes);
    }
    await writeBytes(CLOSE);
    return { answered: true };
  } finally {
    await pool.stop();
  }
}

const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']\n');

/** Says on stderr which parameter set answered (stdout stays pure JSON). */
function announceParameters(overrides: readonly ParameterOverride[], published: boolean): void {
  process.stderr.write(
    published
      ? `evaluate: 参数 parameters = published（数据库中已发布的参数版本 ${overrides.length} 个，叠加于随代码发布的参数 over the shipped ones）\n`
      : 'evaluate: 参数 parameters = shipped（随代码发布的参数；--published 使用数据库中已发布的版本）\n',
  );
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
      const { listParameterVersions } = await import('./parameter.service.ts');
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
        const { SYSTEM_CONTEXT } = await import('../auth/audit.service.ts');
        const { publishParameterVersion } = await import('./parameter.service.ts');
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
      const baseline = await publishedOverrides(loadConfig);
      const { simulate } = await import('./simulate.ts');
      const outcome = simulate(parsed.requests, changes, baseline);
      if (!outcome.ok) return emit(invalid('proposed change is invalid', outcome.problems));
      process.stdout.write(`${JSON.stringify(outcome.result, null, 2)}\n`);
    });
  policy
    .command('simulate-claims')
    .requiredOption('--region <code>', 'region subtree whose stored claims are re-decided, e.g. 430400')
    .requiredOption('--from <date>', 'first application date YYYY-MM-DD')
    .requiredOption('--to <date>', 'last application date YYYY-MM-DD')
    .option(
      '--change <json>',
      'a proposed parameter change {packId,key,effectiveFrom,value,citation} or an array',
    )
    .option(
      '--catalog <occupation:level:fen...>',
      'a proposed catalog standard, e.g. 4-10-01-01:primary:130000 (repeatable)',
    )
    .description('re-decide the stored claim lines of a region and period under the change (changes nothing)')
    .action(
      async (options: { region: string; from: string; to: string; change?: string; catalog?: string[] }) => {
        const raw = options.change === undefined ? [] : (parseValue(options.change) as unknown);
        const changes = (Array.isArray(raw) ? raw : [raw]) as ParameterChangeInput[];
        const catalogChanges = (options.catalog ?? []).map((text) => {
          const [occupationCode, level, standardFen] = text.split(':');
          return { occupationCode: occupationCode!, level: level as Level, standardFen: Number(standardFen) };
        });
        if (changes.length === 0 && catalogChanges.length === 0)
          return emit(
            invalid('请至少提出一项参数调整或目录标准调整', [{ field: '--change', message: '缺少调整' }]),
          );
        const { proposedOverrides } = await import('./simulate.ts');
        const { loadPublishedOverrides } = await import('./parameter.service.ts');
        const { simulateStoredClaims } = await import('../claims/claim.simulation.ts');
        const result = await withMigratedDatabase(loadConfig(), async (database) => {
          const baseline = await loadPublishedOverrides(database.db);
          const checked = proposedOverrides(changes, baseline);
          if (!checked.ok) return checked;
          return simulateStoredClaims(
            database.db,
            {
              regionCode: options.region,
              from: options.from,
              to: options.to,
              baseline,
              proposed: checked.overrides,
              catalogChanges,
            },
            (processed, total) =>
              process.stderr.write(`simulate-claims: 已核定 ${processed}/${total} 条明细\n`),
          );
        });
        if ('ok' in result) return emit(invalid('参数值不符合政策文件的规定', result.problems));
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      },
    );
}
