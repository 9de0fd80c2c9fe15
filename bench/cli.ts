/**
 * The CLI's cost, side by side in one run (issue 16): `skillfund --help` against a bare
 * `node -e 0`, and `skillfund evaluate` on the mixed workload of bench/evaluate.ts (100,000
 * requests by default, BENCH_N) against the floor: a script that reads the same file, parses it
 * and prints one small object per request. Also `evaluate --ndjson` on the same requests, one
 * per line, and `evaluate --threads 1` and `--threads 2` (by default, `--threads auto`, a big array is
 * answered by worker threads when the machine has idle cores: wall time falls, CPU time rises). Both ratios are reported: wall (what
 * the person waiting on the command sees) and CPU (what the machine spends). Rounds are interleaved (BENCH_ROUNDS, default 5) so a busy machine weighs on all
 * alike; CPU is user + system time of each child (from /proc/self/stat), the medians are
 * reported with the load average. Builds dist/ first when it is stale: the bin runs dist/.
 * `npm run bench -- cli`; a JSON line is appended to bench/results/cli.jsonl.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateWorkload } from '../src/policy/workload.ts';
import { appendResult, IS_TINY, ROOT_DIR } from './support.ts';

const REQUEST_COUNT = Number(process.env.BENCH_N ?? (IS_TINY ? 2_000 : 100_000));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (IS_TINY ? 1 : 5));
const BIN = path.join(ROOT_DIR, 'bin', 'skillfund.js');
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

const FLOOR_SCRIPT = `
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const requests = JSON.parse(Buffer.concat(chunks).toString('utf8'));
process.stdout.write(JSON.stringify(requests.map((request) => ({ region: request.region, eligible: true, amountFen: 0 }))) + '\\n');
`;

/** CPU seconds (user + system) of every child this process has waited for. */
function childrenCpuSeconds(): number {
  const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // After "pid (comm) ": field 3 is state, so cutime (16) and cstime (17) sit at 13 and 14.
  return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
}

interface Case {
  name: string;
  args: string[];
  input?: string;
}

function measure(item: Case): { cpu: number; wall: number } {
  const input = item.input === undefined ? 'ignore' : fs.openSync(item.input, 'r');
  const output = fs.openSync('/dev/null', 'w');
  const cpuBefore = childrenCpuSeconds();
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, item.args, { stdio: [input, output, 'pipe'], cwd: workDir });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = childrenCpuSeconds() - cpuBefore;
  if (typeof input === 'number') fs.closeSync(input);
  fs.closeSync(output);
  if (result.status !== 0) throw new Error(`${item.name} failed: ${result.stderr?.toString()}`);
  return { cpu, wall };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

execFileSync(process.execPath, [path.join(ROOT_DIR, 'bin', 'build.js'), '--if-stale'], { stdio: 'inherit' });
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skillfund-bench-cli-'));
try {
  const requests = generateWorkload(REQUEST_COUNT);
  const jsonFile = path.join(workDir, 'workload.json');
  const ndjsonFile = path.join(workDir, 'workload.ndjson');
  fs.writeFileSync(jsonFile, JSON.stringify(requests));
  fs.writeFileSync(ndjsonFile, `${requests.map((request) => JSON.stringify(request)).join('\n')}\n`);
  const floorFile = path.join(workDir, 'floor.mjs');
  fs.writeFileSync(floorFile, FLOOR_SCRIPT);

  const cases: Case[] = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'skillfund --help', args: [BIN, '--help'] },
    { name: 'floor (parse and print)', args: [floorFile], input: jsonFile },
    { name: 'skillfund evaluate', args: [BIN, 'evaluate'], input: jsonFile },
    { name: 'skillfund evaluate --threads 1', args: [BIN, 'evaluate', '--threads', '1'], input: jsonFile },
    { name: 'skillfund evaluate --threads 2', args: [BIN, 'evaluate', '--threads', '2'], input: jsonFile },
    { name: 'skillfund evaluate --ndjson', args: [BIN, 'evaluate', '--ndjson'], input: ndjsonFile },
  ];
  const samples = new Map(cases.map((item) => [item.name, [] as { cpu: number; wall: number }[]]));
  const loadBefore = os.loadavg();
  for (let round = 0; round < ROUNDS; round += 1)
    for (const item of cases) samples.get(item.name)!.push(measure(item));
  const loadAfter = os.loadavg();

  const summary = Object.fromEntries(
    cases.map((item) => {
      const runs = samples.get(item.name)!;
      return [
        item.name,
        { cpu: median(runs.map((run) => run.cpu)), wall: median(runs.map((run) => run.wall)) },
      ];
    }),
  );
  const ratio = (a: string, b: string, key: 'cpu' | 'wall') => summary[a]![key] / summary[b]![key];
  const ratios = {
    helpCpuVsNode: ratio('skillfund --help', 'node -e 0', 'cpu'),
    evaluateWallVsFloor: ratio('skillfund evaluate', 'floor (parse and print)', 'wall'),
    evaluateCpuVsFloor: ratio('skillfund evaluate', 'floor (parse and print)', 'cpu'),
    evaluateOneThreadWallVsFloor: ratio('skillfund evaluate --threads 1', 'floor (parse and print)', 'wall'),
    evaluateOneThreadCpuVsFloor: ratio('skillfund evaluate --threads 1', 'floor (parse and print)', 'cpu'),
    evaluateTwoThreadsWallVsFloor: ratio('skillfund evaluate --threads 2', 'floor (parse and print)', 'wall'),
    evaluateTwoThreadsCpuVsFloor: ratio('skillfund evaluate --threads 2', 'floor (parse and print)', 'cpu'),
    ndjsonWallVsFloor: ratio('skillfund evaluate --ndjson', 'floor (parse and print)', 'wall'),
    ndjsonCpuVsFloor: ratio('skillfund evaluate --ndjson', 'floor (parse and print)', 'cpu'),
  };
  const load = { before: loadBefore.map((v) => v.toFixed(2)), after: loadAfter.map((v) => v.toFixed(2)) };
  console.log(
    `requests: ${REQUEST_COUNT}, rounds: ${ROUNDS}, load average before ${load.before.join(' ')}, after ${load.after.join(' ')}`,
  );
  for (const [name, value] of Object.entries(summary))
    console.log(
      `${name.padEnd(30)} cpu ${value.cpu.toFixed(2)} s   wall ${value.wall.toFixed(2)} s (medians)`,
    );
  appendResult('cli', { requests: REQUEST_COUNT, rounds: ROUNDS, summary, ratios, load });
  const pair = (wall: number, cpu: number) => `wall ${wall.toFixed(2)}×, cpu ${cpu.toFixed(2)}×`;
  console.log(
    `cli: --help ${ratios.helpCpuVsNode.toFixed(1)}× node -e 0 (cpu); vs the floor: evaluate ${pair(ratios.evaluateWallVsFloor, ratios.evaluateCpuVsFloor)}; evaluate --threads 1 ${pair(ratios.evaluateOneThreadWallVsFloor, ratios.evaluateOneThreadCpuVsFloor)}; evaluate --threads 2 ${pair(ratios.evaluateTwoThreadsWallVsFloor, ratios.evaluateTwoThreadsCpuVsFloor)}; --ndjson ${pair(ratios.ndjsonWallVsFloor, ratios.ndjsonCpuVsFloor)}`,
  );
} finally {
  fs.rmSync(workDir, { recursive: true, force: true });
}
