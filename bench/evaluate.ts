/**
 * Batch evaluation throughput: a deterministic mixed workload over all five policy packs,
 * evaluated in-process on one core without traces. Run with `npx tsx bench/evaluate.ts`.
 * The last line is the one-line summary; a JSON line is appended to bench/results/evaluate.jsonl.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateEvaluateRequest } from '../src/policy/evaluate.schema.ts';
import { evaluate } from '../src/policy/evaluate.ts';
import { generateWorkload } from '../src/policy/workload.ts';

const REQUEST_COUNT = Number(process.env.BENCH_N ?? 500_000);
const ROUNDS = 5;

const requests = generateWorkload(REQUEST_COUNT);
for (const request of requests.slice(0, 1000)) {
  if (!validateEvaluateRequest(request).ok)
    throw new Error('the workload generator produced an invalid request');
}

function runOnce(): { seconds: number; eligible: number; amountFen: number } {
  let eligible = 0;
  let amountFen = 0;
  const started = process.hrtime.bigint();
  for (const request of requests) {
    const response = evaluate(request);
    if (response.eligible) eligible += 1;
    amountFen += response.amountFen;
  }
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, eligible, amountFen };
}

runOnce(); // Warm-up: JIT compilation and parameter tables.
const timings: number[] = [];
let last = runOnce();
for (let round = 0; round < ROUNDS; round += 1) {
  last = runOnce();
  timings.push(last.seconds);
}
timings.sort((a, b) => a - b);
const medianSeconds = timings[Math.floor(timings.length / 2)]!;
const requestsPerSecond = Math.round(REQUEST_COUNT / medianSeconds);

console.log(
  `workload: ${REQUEST_COUNT} requests over 5 packs, ${last.eligible} eligible, total ${last.amountFen} fen`,
);
console.log(`rounds (s): ${timings.map((seconds) => seconds.toFixed(3)).join(' ')}`);
console.log(`per request: ${((medianSeconds / REQUEST_COUNT) * 1e6).toFixed(2)} µs (median round)`);

const resultsFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'evaluate.jsonl');
fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
const result = {
  at: new Date().toISOString(),
  bench: 'evaluate',
  requests: REQUEST_COUNT,
  requestsPerSecond,
  medianSeconds,
  node: process.version,
  cpu: os.cpus()[0]?.model ?? 'unknown',
};
fs.appendFileSync(resultsFile, `${JSON.stringify(result)}\n`);
console.log(`evaluate: ${requestsPerSecond} req/s (n=${REQUEST_COUNT})`);
