import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * One process per embedded (PGlite) data directory (issue 18, finding 8). PGlite is PostgreSQL in
 * one process without a postmaster: two processes opening the same directory each believe they own
 * it, and their writes overwrite each other (acknowledged writes lost, duplicate keys, a broken
 * audit chain, a directory that no longer starts). So whoever opens the directory — the server or
 * a CLI command — first creates `<dataDir>.lock` exclusively, with its pid; a second process finds
 * it and is refused with a message naming the holder. A lock left by a process that died (kill -9,
 * power loss) is recovered: its pid no longer runs.
 *
 * The lock lives beside the directory, not in it, so a backup of the directory never carries it.
 * A running server also writes into it the address and a one-time secret of its control route, so
 * that `skillfund backup` on the same machine (same OS user: the file is 0600) goes through it.
 */

/** What the lock file holds. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** What holds it, e.g. `skillfund serve`. */
  purpose: string;
  startedAt: string;
  /** Tells this holding apart from an earlier one by the same pid. */
  token: string;
  /** Set by a listening server: where `skillfund backup` asks it for a consistent copy. */
  control?: { url: string; secret: string };
}

/** The directory is held by another live process; the message names it. */
export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `嵌入式数据库目录 ${dataDir} 正被进程 ${holder.pid}（${holder.purpose}，${holder.startedAt} 起）占用：` +
        `同一数据目录同一时间只允许一个进程打开。请先停止该进程再执行（服务器运行时的备份请用 skillfund backup），` +
        `或改用 PostgreSQL（DATABASE_URL）。` +
        `data dir ${dataDir} is in use by pid ${holder.pid} (${holder.purpose}); one process per embedded data dir`,
    );
  }
}

export interface DataDirLock {
  readonly path: string;
  readonly holder: LockHolder;
  /** Records the control address and secret of the listening server in the lock (for `skillfund backup`). */
  publishControl(url: string, secret: string): void;
  release(): void;
}

/** Lock files this process holds: a second open in the same process is refused too. */
const heldHere = new Set<string>();

export function lockPathOf(dataDir: string): string {
  return `${path.resolve(dataDir)}.lock`;
}

/** The holder recorded in the lock file, or undefined when there is none (or it is unreadable). */
export function readLockHolder(dataDir: string): LockHolder | undefined {
  try {
    return JSON.parse(fs.readFileSync(lockPathOf(dataDir), 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

/**
 * True when the holder's process still runs. A holder on another host cannot be checked and
 * counts as alive; our own pid in a lock we do not hold is a previous incarnation (a container
 * restarted with the same pid), so it counts as dead.
 */
export function isHolderAlive(holder: LockHolder): boolean {
  if (holder.hostname !== os.hostname()) return true;
  if (holder.pid === process.pid) return heldHere.has(holder.token);
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The holder of the directory if a live process holds it, else undefined. */
export function liveLockHolder(dataDir: string): LockHolder | undefined {
  const holder = readLockHolder(dataDir);
  return holder && isHolderAlive(holder) ? holder : undefined;
}

function writeExclusive(lockPath: string, holder: LockHolder): boolean {
  try {
    fs.writeFileSync(lockPath, JSON.stringify(holder), { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Moves a dead holder's lock out of the way. The rename is atomic, so of several processes
 * recovering the same stale lock one gets it; one that finds it took a fresh lock instead puts it
 * back and tries again.
 */
function recoverStale(lockPath: string, stale: LockHolder): void {
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  let moved: LockHolder | undefined;
  try {
    moved = JSON.parse(fs.readFileSync(aside, 'utf8')) as LockHolder;
  } catch {
    moved = undefined;
  }
  if (moved && moved.token !== stale.token) {
    try {
      fs.linkSync(aside, lockPath);
    } catch {
      // Someone else locked meanwhile; their lock stands.
    }
  }
  fs.rmSync(aside, { force: true });
}

/**
 * Takes the directory for this process, or throws DataDirLockedError naming the live holder.
 * The lock is released by `release()` and, as a last resort, when the process exits.
 */
export function acquireDataDirLock(dataDir: string, purpose: string): DataDirLock {
  const lockPath = lockPathOf(dataDir);
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  const holder: LockHolder = {
    pid: process.pid,
    hostname: os.hostname(),
    purpose,
    startedAt: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  for (let attempt = 0; attempt < 5; attempt += 1) {
    if (writeExclusive(lockPath, holder)) return heldLock(lockPath, holder);
    const current = readLockHolder(dataDir);
    if (current && isHolderAlive(current)) throw new DataDirLockedError(path.resolve(dataDir), current);
    // A dead holder's lock, or one being written this instant (unreadable): recover and retry.
    if (current) recoverStale(lockPath, current);
  }
  const current = readLockHolder(dataDir);
  throw new DataDirLockedError(
    path.resolve(dataDir),
    current ?? { pid: 0, hostname: os.hostname(), purpose: 'unknown', startedAt: 'unknown', token: '' },
  );
}

function heldLock(lockPath: string, holder: LockHolder): DataDirLock {
  let isHeld = true;
  heldHere.add(holder.token);
  const isOurs = () => {
    try {
      const current = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as LockHolder;
      return current.token === holder.token;
    } catch {
      return false;
    }
  };
  const release = () => {
    if (!isHeld) return;
    isHeld = false;
    heldHere.delete(holder.token);
    process.off('exit', release);
    if (isOurs()) fs.rmSync(lockPath, { force: true });
  };
  process.on('exit', release);
  return {
    path: lockPath,
    holder,
    publishControl(url, secret) {
      const published: LockHolder = { ...holder, control: { url, secret } };
      // Written beside and renamed over: a reader never sees half a file.
      const temporary = `${lockPath}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, JSON.stringify(published), { mode: 0o600 });
      fs.renameSync(temporary, lockPath);
    },
    release,
  };
}
