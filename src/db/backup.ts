import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { acquireDataDirLock, type DataDirLock, liveLockHolder } from './data-dir-lock.ts';
import { openDatabase } from './database.ts';

/** The control header a running server expects (src/api/control.routes.ts). */
const CONTROL_SECRET_HEADER = 'x-skillfund-control';

/** Where a backup came from: the running server (consistent while it serves) or the directory. */
export interface BackupResult {
  file: string;
  bytes: number;
  via: 'server' | 'data-dir';
}

/**
 * Writes a consistent copy of the embedded database (gzipped tar of its data dir, PGlite's
 * `dumpDataDir`) to `file`. While a server holds the directory the copy is asked from it (between
 * transactions, after a checkpoint); otherwise the directory is opened (and locked) here.
 * Another live holder without a server (a running CLI command) is refused, naming its pid.
 */
export async function backupDataDir(dataDir: string, file: string): Promise<BackupResult> {
  const holder = liveLockHolder(dataDir);
  let dump: Buffer;
  let via: BackupResult['via'];
  if (holder?.control) {
    const response = await fetch(`${holder.control.url}/api/internal/backup`, {
      headers: { [CONTROL_SECRET_HEADER]: holder.control.secret },
    });
    if (!response.ok) {
      throw new Error(
        `the server (pid ${holder.pid}) refused the backup: ${response.status} ${await response.text()}`,
      );
    }
    dump = Buffer.from(await response.arrayBuffer());
    via = 'server';
  } else {
    const database = await openDatabase({ dataDir, purpose: 'skillfund backup' });
    try {
      dump = Buffer.from(await (await database.dumpDataDir!('gzip')).arrayBuffer());
    } finally {
      await database.close();
    }
    via = 'data-dir';
  }
  const temporary = `${file}.partial`;
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(temporary, dump, { mode: 0o600 });
  fs.renameSync(temporary, file);
  return { file: path.resolve(file), bytes: dump.length, via };
}

export interface RestoreResult {
  dataDir: string;
  /** Where the directory that was replaced now lies (undefined when there was none). */
  previousDataDir: string | undefined;
  migrations: number;
}

/**
 * Replaces the embedded database with a backup of `backupDataDir`. Refused while any process
 * holds the directory (the lock names it). The backup is unpacked into a fresh directory beside
 * it and opened once (PostgreSQL replays its WAL there, as after a crash) before the swap; the
 * old directory is kept beside, renamed, for the operator to remove.
 */
export async function restoreDataDir(dataDir: string, file: string): Promise<RestoreResult> {
  const target = path.resolve(dataDir);
  const lock: DataDirLock = acquireDataDirLock(target, 'skillfund restore');
  try {
    const archive = fs.readFileSync(file);
    const staging = `${target}.restoring-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    const pglite = new PGlite(staging, { loadDataDir: new Blob([archive]) });
    let migrations: number;
    try {
      await pglite.waitReady;
      const result = await pglite.query<{ count: number }>(
        'select count(*)::int as count from schema_migrations',
      );
      migrations = result.rows[0]?.count ?? 0;
    } finally {
      await pglite.close();
    }
    const previous = fs.existsSync(target)
      ? `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`
      : undefined;
    if (previous) fs.renameSync(target, previous);
    fs.renameSync(staging, target);
    return { dataDir: target, previousDataDir: previous, migrations };
  } finally {
    lock.release();
  }
}
