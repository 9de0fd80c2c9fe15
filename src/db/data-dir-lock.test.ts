import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError, lockPathOf, readLockHolder } from './data-dir-lock.ts';
import { openDatabase } from './database.ts';

/** Issue 18, finding 8: one process per embedded data dir. The process-level proof is in test/security/embedded-single-writer.test.ts. */

const directories: string[] = [];
function tempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skillfund-lock-'));
  directories.push(dir);
  return path.join(dir, 'data');
}
afterEach(() => {
  for (const dir of directories.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

describe('the data-dir lock', () => {
  it('refuses a second holder, naming the live holder’s pid, and frees the dir on release', () => {
    const dataDir = tempDataDir();
    fs.writeFileSync(
      lockPathOf(dataDir),
      JSON.stringify({
        pid: process.ppid,
        hostname: os.hostname(),
        purpose: 'skillfund serve',
        startedAt: '2026-12-05T00:00:00Z',
        token: 'other',
      }),
    );
    expect(() => acquireDataDirLock(dataDir, 'test')).toThrow(DataDirLockedError);
    expect(() => acquireDataDirLock(dataDir, 'test')).toThrow(`pid ${process.ppid}`);
    fs.rmSync(lockPathOf(dataDir));
    const lock = acquireDataDirLock(dataDir, 'test');
    expect(readLockHolder(dataDir)?.pid).toBe(process.pid);
    expect(() => acquireDataDirLock(dataDir, 'second open in the same process')).toThrow(
      `pid ${process.pid}`,
    );
    lock.release();
    expect(fs.existsSync(lockPathOf(dataDir))).toBe(false);
    acquireDataDirLock(dataDir, 'again').release();
  });

  it('recovers the stale lock of a process that died (kill -9)', () => {
    const dataDir = tempDataDir();
    const pid = deadPid();
    fs.writeFileSync(
      lockPathOf(dataDir),
      JSON.stringify({
        pid,
        hostname: os.hostname(),
        purpose: 'skillfund serve',
        startedAt: 'x',
        token: 'dead',
      }),
    );
    const lock = acquireDataDirLock(dataDir, 'test');
    expect(readLockHolder(dataDir)).toMatchObject({ pid: process.pid, purpose: 'test' });
    lock.release();
  });

  it('is taken by openDatabase on a data dir and released by close; memory databases take none', async () => {
    const dataDir = tempDataDir();
    const database = await openDatabase({ dataDir, purpose: 'first' });
    try {
      expect(database.dataDirLock?.holder.purpose).toBe('first');
      await expect(openDatabase({ dataDir, purpose: 'second' })).rejects.toThrow(DataDirLockedError);
    } finally {
      await database.close();
    }
    expect(fs.existsSync(lockPathOf(dataDir))).toBe(false);
    const memory = await openDatabase({});
    expect(memory.dataDirLock).toBeUndefined();
    await memory.close();
  });
});
