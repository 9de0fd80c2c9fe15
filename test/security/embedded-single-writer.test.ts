import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/demo.service.ts';

/**
 * Issue 18, finding 8, with real processes on one embedded data dir: while a server holds it, a
 * second server and a CLI command that writes are refused naming the server's pid; `skillfund
 * backup` goes through the server; after kill -9 nothing acknowledged is lost, the stale lock is
 * recovered, and `skillfund restore` brings back exactly the backed-up state.
 */

const BIN = path.resolve('bin/skillfund.js');
const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skillfund-single-writer-'));
const dataDir = path.join(tempDir, 'data');
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  fs.rmSync(tempDir, { recursive: true, force: true });
});

function environment(port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SKILLFUND_DATA_DIR: dataDir,
    SKILLFUND_DEMO: 'true',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
  };
  delete env.DATABASE_URL; // the embedded database, also during a PostgreSQL run of the suite
  return env;
}

/** Runs one CLI command to its end, with `input` on its stdin. */
function run(args: string[], input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: environment(0) });
    child.stdin.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `skillfund serve` and resolves once it listens (or rejects with its output if it exits). */
function serve(port: number): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [BIN, 'serve'], { env: environment(port) });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('已启动')) resolve({ child, output: () => output });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
}

async function auditEntries(): Promise<number> {
  const verify = await run(['audit', 'verify']);
  expect(verify.code, verify.stderr).toBe(0);
  return Number(/intact: (\d+) entries/.exec(verify.stdout)?.[1]);
}

describe('one process per embedded data dir; backup and restore', () => {
  it('refuses a second writer naming the holder, backs up through the server, survives kill -9, restores', async () => {
    const seeded = await run(['seed', '--demo']);
    expect(seeded.code, seeded.stderr).toBe(0);
    const entriesAtBackup = await auditEntries();

    const port = await freePort();
    const server = await serve(port);
    const pid = server.child.pid!;

    // A second server on the same dir is refused, naming the first one's pid.
    const second = await run(['serve']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`pid ${pid}`);
    // So is a CLI command that writes (it would have written beside the server).
    const cliWrite = await run(['seed', '--demo']);
    expect(cliWrite.code).toBe(1);
    expect(cliWrite.stderr).toContain(`pid ${pid}`);
    // `skillfund user create` beside the server (the finding: an account the server never saw).
    const userCreate = await run(
      [
        'user',
        'create',
        '--login',
        'beside_server',
        '--name',
        '旁路账号',
        '--role',
        'auditor',
        '--region',
        '430400',
      ],
      'Quartz#Lantern58\n',
    );
    expect(userCreate.code).toBe(1);
    expect(userCreate.stderr).toContain(`pid ${pid}`);
    expect(userCreate.stdout).not.toContain('created');

    // The backup goes through the running server: consistent, and the server keeps serving.
    const backupFile = path.join(tempDir, 'backup.tar.gz');
    const backup = await run(['backup', '--out', backupFile]);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toContain('taken by the running server');
    expect(fs.statSync(backupFile).size).toBeGreaterThan(0);

    // An acknowledged write after the backup (a login is audited), then kill -9.
    const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ loginName: 'hy_county', password: DEMO_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const exited = new Promise((resolve) => server.child.once('exit', resolve));
    server.child.kill('SIGKILL');
    await exited;
    expect(fs.existsSync(`${dataDir}.lock`)).toBe(true); // left behind by the killed server

    // The stale lock is recovered; nothing acknowledged was lost (backup + its audit entry + login).
    const afterKill = await auditEntries();
    expect(afterKill).toBeGreaterThanOrEqual(entriesAtBackup + 2);

    const restored = await run(['restore', backupFile]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain('before-restore');
    expect(await auditEntries()).toBe(entriesAtBackup);
    // The account refused beside the server does not exist: creating it now succeeds.
    const created = await run(
      [
        'user',
        'create',
        '--login',
        'beside_server',
        '--name',
        '旁路账号',
        '--role',
        'auditor',
        '--region',
        '430400',
      ],
      'Quartz#Lantern58\n',
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('beside_server created');
  });
});
