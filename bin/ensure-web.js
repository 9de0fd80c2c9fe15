#!/usr/bin/env node
// Builds the web application (vite build → web/dist) when web/dist is missing or older than
// its sources, so `npm start` always serves the current UI. A failed build never stops the
// server: it then serves the previous build, or a page saying how to build.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const web = path.join(root, 'web');
const builtIndex = path.join(web, 'dist', 'index.html');

/** Newest modification time under a file or directory (0 when it does not exist). */
function newestMtime(target) {
  let stat;
  try {
    stat = fs.statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target))
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

const sources = ['src', 'index.html', 'vite.config.ts', 'tsconfig.json'].map((name) => path.join(web, name));
const sourceTime = Math.max(...sources.map(newestMtime));
const builtTime = newestMtime(builtIndex);

if (builtTime > 0 && builtTime >= sourceTime) process.exit(0);

const viteBin = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
if (!fs.existsSync(viteBin)) {
  process.stderr.write(
    '网页端未构建且未安装 vite（npm install 含 devDependencies 后重试）；服务将照常启动。\n',
  );
  process.exit(0);
}
process.stdout.write(
  builtTime === 0
    ? '正在构建网页端 building the web app…\n'
    : '网页端源码已更新，正在重新构建 rebuilding the web app…\n',
);
const started = Date.now();
const result = spawnSync(process.execPath, [viteBin, 'build', web, '--logLevel', 'warn'], {
  cwd: root,
  stdio: 'inherit',
});
if (result.status === 0) {
  process.stdout.write(`网页端构建完成 web app built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
} else {
  process.stderr.write(
    '网页端构建失败 web build failed; the server starts with the previous build (if any).\n',
  );
}
