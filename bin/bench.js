#!/usr/bin/env node
// `npm run bench -- <name>`: runs one benchmark (or `all`) through tsx; see docs/performance.md.
// Each benchmark prints its figures on its last line and appends a JSON line to bench/results/.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const tiny = process.env.BENCH_TINY === '1';

/** name → [file, environment added for it, environment added at the tiny (CI) size]. */
const BENCHMARKS = {
  evaluate: ['bench/evaluate.ts', {}, { BENCH_N: '20000' }],
  ledger: ['bench/ledger.ts', {}, { BENCH_SINGLE: '100', BENCH_BATCHES: '5' }],
  claims: ['bench/claims.ts', {}, { BENCH_TRAINEES: '10', BENCH_ROUNDS: '1' }],
  adjudicate: ['bench/adjudicate.ts', { NODE_OPTIONS: '--max-old-space-size=768' }, {}],
  'adjudicate-embedded': ['bench/adjudicate.ts', { BENCH_DATABASE: 'pglite' }, {}],
  api: ['bench/api.ts', {}, {}],
  report: ['bench/report.ts', {}, { BENCH_LINES: '2000' }],
  sweep: ['bench/sweep.ts', {}, {}],
  cli: ['bench/cli.ts', {}, {}],
  'living-demo': ['bench/living-demo.ts', {}, {}],
};

function run(name) {
  const entry = BENCHMARKS[name];
  if (!entry) {
    process.stderr.write(`unknown benchmark "${name}"; one of: ${Object.keys(BENCHMARKS).join(', ')}, all\n`);
    return 2;
  }
  const [file, env, tinyEnv] = entry;
  if (!fs.existsSync(path.join(root, file))) {
    process.stderr.write(
      `bench ${name}: ${file} does not exist yet (being written, see docs/performance.md); skipped\n`,
    );
    return name === 'report' || name === 'sweep' ? 0 : 1;
  }
  process.stderr.write(`== bench ${name}${tiny ? ' (tiny)' : ''}\n`);
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(root, file), ...process.argv.slice(3)],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...env, ...(tiny ? tinyEnv : {}) },
    },
  );
  if (result.status !== 0)
    process.stderr.write(`bench ${name} failed (exit ${result.status ?? result.signal})\n`);
  return result.status ?? 1;
}

const name = process.argv[2];
if (!name) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(BENCHMARKS).join('|')}|all>\n`);
  process.exit(2);
}
if (name === 'all') {
  let failed = 0;
  for (const each of Object.keys(BENCHMARKS)) if (run(each) !== 0) failed += 1;
  process.exit(failed === 0 ? 0 : 1);
}
process.exit(run(name));
