#!/usr/bin/env node
// `npm run build` (also run by `npm install` as `prepare`, and by CI): compiles src/ (tests aside)
// with tsc into dist/, copies the files the code reads at run time (migrations, parameter files,
// the password list) beside it, and stamps dist/.built. `--if-stale` builds only when src/
// changed since the last build. Without TypeScript installed (a production install) it keeps
// the existing dist/; bin/skillfund.js then runs whatever is current (see there).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BUILD_STAMP, DIST_DIR, isBuildCurrent, ROOT, SOURCE_DIR } from './build-state.js';

if (process.argv.includes('--if-stale') && isBuildCurrent()) process.exit(0);

const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
if (!fs.existsSync(tsc)) {
  process.stderr.write('build: TypeScript is not installed (devDependencies); dist/ left as it is\n');
  process.exit(0);
}

const started = Date.now();
fs.rmSync(DIST_DIR, { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], {
  cwd: ROOT,
  stdio: 'inherit',
});
if (result.status !== 0) {
  process.stderr.write(`build: tsc failed (exit ${result.status ?? result.signal}); dist/ is not stamped\n`);
  process.exit(1);
}

/** Copies every file under src/ that is not TypeScript (and not a test fixture) into dist/. */
function copyAssets(directory) {
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) copyAssets(full);
    else if (!entry.name.endsWith('.ts')) {
      const target = path.join(DIST_DIR, path.relative(SOURCE_DIR, full));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(full, target);
    }
  }
}
copyAssets(SOURCE_DIR);
fs.writeFileSync(BUILD_STAMP, `${new Date().toISOString()}\n`);
process.stdout.write(`build: dist/ compiled in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
