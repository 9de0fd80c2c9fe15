import fs from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { isValidEvaluateRequest, validateEvaluateRequest } from './evaluate.schema.ts';
import type { EvaluateRequest } from './evaluate.types.ts';
import type { ParameterOverride } from './parameter.types.ts';

// `skillfund evaluate` on a big array, on k threads: this (main) thread and k − 1 workers.
// The workers are started before stdin is read (for a file on stdin), so loading the policy
// engine in them overlaps the read. The input is read once into shared memory; the main thread
// scans its bytes from the start only as far as the last cut (strings and their escapes
// honoured, nothing parsed), cuts the array at top-level commas into k runs of about equal
// size and hands each worker the offsets of its run (no copy of the text, no structured clone of
// objects). Every thread decodes, parses and validates its own run; once all are valid, the main
// thread decides and writes its own run's answers while the workers encode theirs into
// transferred buffers, which the main thread writes after its own, in order: the same bytes,
// errors and exit codes as one thread. Loaded only for `--threads` other than 1, never for --help.

/** Inputs shorter than this (bytes) are answered on one thread: a worker's start does not pay. */
export const PARALLEL_MIN_BYTES = 1_000_000;
/** At most this many threads in all (the main thread writes the output, in order). */
export const PARALLEL_MAX_THREADS = 4;

/**
 * How many threads `--threads auto` uses: the available parallelism, 2 to 4, when the machine has
 * cores to spare; 1 when it is busy (a 1-minute load average at or above the number of cores:
 * another thread then only competes with the other work for the same cores and adds the CPU of
 * its own start and warm-up).
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

/** One run of the array's elements: bytes [start, end) of the input, its first element's index. */
export interface ArrayRun {
  start: number;
  end: number;
  first: number;
}

/**
 * Cuts the UTF-8 text of a JSON array into at most `parts` runs of elements of about equal size,
 * at top-level commas found by one pass from the start that honours strings and their escapes
 * (a multi-byte character never contains an ASCII byte, so bytes are scanned as they are). The
 * pass stops at the last cut. The first run starts at byte 0 (with the opening bracket), the
 * last ends at the end of the input (with the closing bracket and whatever follows); the others
 * hold only elements and commas. Undefined when the text does not start like an array or holds
 * no cut (then one thread parses it and reports what is wrong). If every run parses with the
 * brackets it lacks and holds at least one element, the whole input parses as one array of those
 * elements, in order; if one does not, the whole input does not parse either.
 */
export function splitArrayBytes(bytes: Uint8Array, parts: number): ArrayRun[] | undefined {
  const length = bytes.length;
  let index = 0;
  while (index < length && isJsonSpace(bytes[index]!)) index += 1;
  if (bytes[index] !== 0x5b) return undefined; // [
  index += 1;
  const runs: ArrayRun[] = [];
  let depth = 1;
  let commas = 0;
  let start = 0;
  let first = 0;
  let target = Math.floor(length / parts);
  while (index < length && runs.length < parts - 1) {
    const code = bytes[index++]!;
    if (code === QUOTE) {
      // To the closing quote, stepping over each escaped character.
      for (;;) {
        if (index >= length) return undefined;
        const inner = bytes[index++]!;
        if (inner === QUOTE) break;
        if (inner === BACKSLASH) index += 1;
      }
    } else if (code === 0x7b || code === 0x5b)
      depth += 1; // { [
    else if (code === 0x7d || code === 0x5d) {
      // } ]
      depth -= 1;
      if (depth === 0) break;
    } else if (code === COMMA && depth === 1) {
      commas += 1;
      if (index - 1 >= target) {
        runs.push({ start, end: index - 1, first });
        start = index;
        first = commas;
        target = Math.floor((length * (runs.length + 1)) / parts);
      }
    }
  }
  if (runs.length === 0) return undefined;
  runs.push({ start, end: length, first });
  return runs;
}

/**
 * Stdin read whole into memory the workers share: a file in one piece (its size known up front),
 * a pipe chunk by chunk and then copied once.
 */
export async function readStdinShared(): Promise<Buffer> {
  const stat = fs.fstatSync(0);
  if (stat.isFile()) {
    // One byte more than the file holds, so the read that finds its end needs no bigger buffer.
    let buffer = Buffer.from(new SharedArrayBuffer(Math.max(stat.size + 1, 1 << 16)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        // The file grew while it was read: continue in a bigger shared buffer.
        const bigger = Buffer.from(new SharedArrayBuffer(buffer.length * 2));
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const read = fs.readSync(0, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    return buffer.subarray(0, length);
  }
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
  }
  const buffer = Buffer.from(new SharedArrayBuffer(Math.max(length, 1)));
  let at = 0;
  for (const chunk of chunks) at += chunk.copy(buffer, at);
  return buffer.subarray(0, length);
}

/** The worker's module beside this one: compiled JS in dist/, or the sources through tsx. */
function startWorker(): Worker {
  const compiled = !import.meta.url.endsWith('.ts');
  if (compiled) return new Worker(new URL('./evaluate.worker.js', import.meta.url));
  // Running the TypeScript sources (a stale build, or tests): the worker registers tsx first.
  const api = import.meta.resolve('tsx/esm/api');
  const target = new URL('./evaluate.worker.ts', import.meta.url).href;
  return new Worker(
    `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(target)}); })`,
    { eval: true },
  );
}

/** What a thread found in its run before deciding: text that does not parse, bad fields, or all well. */
export type RunCheck =
  | { kind: 'not-json' }
  | { kind: 'invalid'; details: { field: string; message: string }[] }
  | { kind: 'valid' };

/** What the main thread hands a worker: its run of the shared input. */
export interface WorkerSlice {
  shared: SharedArrayBuffer;
  /** Where the input starts in `shared`. */
  offset: number;
  run: ArrayRun;
  isLast: boolean;
}
/** After its check, a worker sends encoded bytes (the first `length` of a transferred buffer), then `done`. */
export type WorkerAnswer = { kind: 'bytes'; bytes: ArrayBuffer; length: number } | { kind: 'done' };

/** The text of one run with the brackets it lacks: a JSON array of the run's elements when well formed. */
export function runJson(input: Buffer, run: ArrayRun, isLast: boolean): string {
  const text = input.toString('utf8', run.start, run.end);
  if (run.start === 0) return isLast ? text : `${text}]`;
  return isLast ? `[${text}` : `[${text}]`;
}

/**
 * Decodes, parses and validates one run (see splitArrayBytes): its requests when every one is
 * valid, otherwise what is wrong, each bad field named by the element's index in the whole array.
 */
export function parseRun(
  input: Buffer,
  run: ArrayRun,
  isLast: boolean,
): { kind: 'parsed'; requests: EvaluateRequest[] } | RunCheck {
  let items: unknown[];
  try {
    items = JSON.parse(runJson(input, run, isLast));
  } catch {
    return { kind: 'not-json' };
  }
  // An empty run would hide a missing element (`[1,,2]`): the whole text would not parse.
  if (!Array.isArray(items) || items.length === 0) return { kind: 'not-json' };
  let allValid = true;
  for (let index = 0; index < items.length && allValid; index += 1)
    allValid = isValidEvaluateRequest(items[index]);
  if (allValid) return { kind: 'parsed', requests: items as EvaluateRequest[] };
  const details: { field: string; message: string }[] = [];
  items.forEach((item, index) => {
    const result = validateEvaluateRequest(item);
    if (!result.ok)
      for (const detail of result.details)
        details.push({ ...detail, field: `[${run.first + index}].${detail.field}` });
  });
  return { kind: 'invalid', details };
}

/** A worker that answers one run: its check, then its encoded answers in order. */
interface RunWorker {
  check: Promise<RunCheck>;
  /** Sends the go-ahead now; the result yields the run's encoded answers, in order. */
  answers: (overrides: readonly ParameterOverride[]) => AsyncGenerator<Buffer>;
  stop: () => Promise<number>;
}

/**
 * Workers started ahead of their work (they load the policy engine meanwhile); `give` hands each
 * its run of the shared input, `stop` ends them all (the ones given nothing too).
 */
export class WorkerPool {
  private readonly workers: Worker[];

  constructor(count: number) {
    this.workers = Array.from({ length: count }, () => startWorker());
  }

  get size(): number {
    return this.workers.length;
  }

  /** Hands runs[i] to worker i (runs.length ≤ size); the workers without a run are stopped. */
  give(input: Buffer, runs: readonly ArrayRun[], lastRun: number): RunWorker[] {
    const given = this.workers.slice(0, runs.length).map((worker, index) =>
      runWorker(worker, {
        shared: input.buffer as SharedArrayBuffer,
        offset: input.byteOffset,
        run: runs[index]!,
        isLast: index === lastRun,
      }),
    );
    for (const idle of this.workers.slice(runs.length)) void idle.terminate();
    return given;
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

function runWorker(worker: Worker, slice: WorkerSlice): RunWorker {
  const queue: WorkerAnswer[] = [];
  let wake: () => void = () => {};
  let failure: Error | undefined;
  const check = new Promise<RunCheck>((resolve, reject) => {
    worker.once('message', (message: RunCheck) => {
      resolve(message);
      worker.on('message', (answer: WorkerAnswer) => {
        queue.push(answer);
        wake();
      });
    });
    worker.on('error', (error) => {
      failure = error;
      reject(error);
      wake();
    });
  });
  // A rejection is read through `check` or `answers`; this keeps it from being reported unhandled.
  check.catch(() => {});
  worker.postMessage(slice);
  function answers(overrides: readonly ParameterOverride[]): AsyncGenerator<Buffer> {
    worker.postMessage({ overrides });
    return encoded();
  }
  async function* encoded(): AsyncGenerator<Buffer> {
    for (;;) {
      if (failure) throw failure;
      const answer = queue.shift();
      if (answer === undefined) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      if (answer.kind === 'done') return;
      yield Buffer.from(answer.bytes, 0, answer.length);
    }
  }
  return { check, answers, stop: () => worker.terminate() };
}

/** Joins the checks of all runs, in order: the first not-JSON wins, else every bad field. */
export function joinChecks(results: readonly RunCheck[]): RunCheck {
  if (results.some((result) => result.kind === 'not-json')) return { kind: 'not-json' };
  const details = results.flatMap((result) => (result.kind === 'invalid' ? result.details : []));
  return details.length > 0 ? { kind: 'invalid', details } : { kind: 'valid' };
}
