import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { WorkerAnswer, WorkerValidated } from './evaluate.worker.ts';
import type { ParameterOverride } from './parameter.types.ts';

// `skillfund evaluate` on a big array: the main thread finds the array's top-level elements in
// the raw text (one pass, no parse), hands k contiguous slices of it to k worker threads, each of
// which parses, validates, decides and encodes its slice with ResponseJsonWriter, and writes the
// slices' bytes in order: the same bytes, the same errors and exit codes as one thread.
// Loaded only when an input is big enough (see PARALLEL_MIN_REQUESTS), never for --help.

/** Inputs shorter than this (UTF-16 code units) are not even scanned: one thread answers them. */
export const PARALLEL_MIN_TEXT_LENGTH = 1_000_000;
/**
 * Arrays of fewer requests are answered on one thread: each worker pays its own start (loading
 * the policy engine, ≈ 0.1–0.2 s of CPU) and its own warm-up, which a few thousand requests do
 * not repay.
 */
export const PARALLEL_MIN_REQUESTS = 5_000;
/** At most this many workers (the output is written by the main thread, in order). */
export const PARALLEL_MAX_THREADS = 4;

/**
 * How many threads `--threads auto` uses: the available parallelism, 2 to 4, when the machine has
 * cores to spare; 1 when it is busy (a 1-minute load average at or above the number of cores).
 * Measured at a load of 30 on 2 cores, threads add ≈ 0.9 s of CPU to 100,000 requests and the
 * process does not get more of the machine for them: 9.2 s against 6.5 s of wall time.
 */
export function autoThreadCount(): number {
  const cores = os.availableParallelism();
  if (os.loadavg()[0]! >= cores) return 1;
  return Math.max(2, Math.min(cores, PARALLEL_MAX_THREADS));
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const isJsonSpace = (code: number) => code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;

/**
 * The positions of the top-level commas of a JSON array written in `text` and of its brackets,
 * found by one pass that honours strings and their escapes; undefined when the text is not
 * shaped like one array (then the one-thread path parses it and reports what is wrong). Slices
 * between these commas that each parse as JSON make the whole text parse (see splitArrayText).
 */
export function scanArrayText(text: string): { open: number; close: number; commas: number[] } | undefined {
  let index = 0;
  while (index < text.length && isJsonSpace(text.charCodeAt(index))) index += 1;
  if (text.charCodeAt(index) !== 0x5b) return undefined; // [
  const open = index;
  const commas: number[] = [];
  let depth = 1;
  let close = -1;
  for (index += 1; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      // To the closing quote: the next quote not escaped by an odd run of backslashes.
      for (;;) {
        const quote = text.indexOf('"', index + 1);
        if (quote === -1) return undefined;
        let before = quote - 1;
        while (text.charCodeAt(before) === BACKSLASH) before -= 1;
        index = quote;
        if ((quote - 1 - before) % 2 === 0) break;
      }
    } else if (code === 0x7b || code === 0x5b)
      depth += 1; // { [
    else if (code === 0x7d || code === 0x5d) {
      // } ]
      depth -= 1;
      if (depth === 0) {
        close = index;
        break;
      }
    } else if (code === COMMA && depth === 1) commas.push(index);
  }
  if (close === -1) return undefined;
  for (index = close + 1; index < text.length; index += 1)
    if (!isJsonSpace(text.charCodeAt(index))) return undefined;
  return { open, close, commas };
}

/**
 * The text of `parts` contiguous runs of the array's elements (as even in number as can be),
 * each without its brackets, with the index of its first element; undefined as scanArrayText.
 */
export function splitArrayText(
  text: string,
  parts: number,
): { slices: { text: string; first: number }[]; count: number } | undefined {
  const scanned = scanArrayText(text);
  if (!scanned) return undefined;
  const count = scanned.commas.length + 1;
  const slices: { text: string; first: number }[] = [];
  let start = scanned.open + 1;
  let first = 0;
  for (let part = 1; part <= parts; part += 1) {
    const next = part === parts ? count : Math.floor((count * part) / parts);
    if (next === first) continue;
    const end = next === count ? scanned.close : scanned.commas[next - 1]!;
    slices.push({ text: text.slice(start, end), first });
    start = end + 1;
    first = next;
  }
  return { slices, count };
}

/** The worker's module beside this one: compiled JS in dist/, or the sources through tsx. */
function startWorker(data: { text: string; first: number }): Worker {
  const compiled = !import.meta.url.endsWith('.ts');
  if (compiled) return new Worker(new URL('./evaluate.worker.js', import.meta.url), { workerData: data });
  // Running the TypeScript sources (a stale build, or tests): the worker registers tsx first.
  const api = import.meta.resolve('tsx/esm/api');
  const target = new URL('./evaluate.worker.ts', import.meta.url).href;
  return new Worker(
    `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(target)}); })`,
    { eval: true, workerData: data },
  );
}

/** What the workers found before deciding: a text that does not parse, bad fields, or all well. */
export type ParallelCheck =
  | { kind: 'not-json' }
  | { kind: 'invalid'; details: { field: string; message: string }[] }
  | { kind: 'valid' };

/**
 * Starts one worker per slice; `check` resolves once every worker has parsed and validated its
 * slice. Then either `decide` (with the parameter overrides) writes the answer through `write`,
 * in order, or `stop` ends the workers.
 */
export function startParallelEvaluation(slices: { text: string; first: number }[]): {
  check: Promise<ParallelCheck>;
  decide: (overrides: readonly ParameterOverride[], write: (bytes: Buffer) => Promise<void>) => Promise<void>;
  stop: () => Promise<void>;
} {
  const workers = slices.map((slice) => startWorker(slice));
  /** Each worker's messages after its check, queued until the main thread writes its slice. */
  const queues = workers.map(() => [] as WorkerAnswer[]);
  const wakers: (() => void)[] = workers.map(() => () => {});
  const failures: Error[] = [];
  const checks = workers.map(
    (worker, index) =>
      new Promise<WorkerValidated>((resolve, reject) => {
        worker.once('message', (message: WorkerValidated) => {
          resolve(message);
          worker.on('message', (answer: WorkerAnswer) => {
            queues[index]!.push(answer);
            wakers[index]!();
          });
        });
        worker.on('error', (error) => {
          failures.push(error);
          reject(error);
          wakers[index]!();
        });
      }),
  );
  const stop = async () => {
    await Promise.all(workers.map((worker) => worker.terminate()));
  };
  const check = Promise.all(checks).then((results): ParallelCheck => {
    if (results.some((result) => result.kind === 'not-json')) return { kind: 'not-json' };
    const details = results.flatMap((result) => (result.kind === 'invalid' ? result.details : []));
    return details.length > 0 ? { kind: 'invalid', details } : { kind: 'valid' };
  });
  const decide = async (
    overrides: readonly ParameterOverride[],
    write: (bytes: Buffer) => Promise<void>,
  ): Promise<void> => {
    for (const worker of workers) worker.postMessage({ overrides });
    await write(Buffer.from('['));
    for (let index = 0; index < workers.length; index += 1) {
      if (index > 0) await write(Buffer.from(','));
      const queue = queues[index]!;
      for (;;) {
        if (failures.length > 0) throw failures[0];
        const answer = queue.shift();
        if (answer === undefined) {
          await new Promise<void>((resolve) => {
            wakers[index] = resolve;
          });
          continue;
        }
        if (answer.kind === 'done') break;
        await write(Buffer.from(answer.bytes, 0, answer.length));
      }
    }
    await write(Buffer.from(']\n'));
    await stop();
  };
  return { check, decide, stop };
}
