// Whether dist/ (the compiled server and CLI, see bin/build.js) is current with src/.
// Kept tiny and dependency-free: bin/skillfund.js asks it on every run.
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const SOURCE_DIR = path.join(ROOT, 'src');
export const DIST_DIR = path.join(ROOT, 'dist');
/** Written last by a successful build; its time is the build's. */
export const BUILD_STAMP = path.join(DIST_DIR, '.built');

/** Newest modification time of the files a build reads (tests aside), 0 when there are none. */
export function newestSourceTime(directory = SOURCE_DIR) {
  let newest = 0;
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceTime(full));
    else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return Math.max(newest, fs.statSync(directory).mtimeMs);
}

/** True when dist/ was built after the last change to src/ (a file edited, added or removed). */
export function isBuildCurrent() {
  let built;
  try {
    built = fs.statSync(BUILD_STAMP).mtimeMs;
  } catch {
    return false;
  }
  return built >= newestSourceTime();
}
