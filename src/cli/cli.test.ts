import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = path.resolve('bin/skillfund.js');

function run(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('skillfund CLI', () => {
  it.each([
    [['serve'], { PORT: 'abc' }, 'PORT'],
    [['db', 'migrate'], { DATABASE_URL: 'definitely not a url' }, 'DATABASE_URL'],
    [['serve', '--demo-clock', '2021-02-30'], {}, '--demo-clock'],
  ])('%j with a bad %j exits 1 with one line naming the variable', (args, env, variable) => {
    const result = run(args, env);
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([[[]], [['serve']], [['db', 'migrate']], [['seed']]])('%j --help describes the command', (args) => {
    const result = run([...args, '--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Usage: skillfund/);
  });

  it('an unknown command fails without a stack trace', () => {
    const result = run(['no-such-command']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/unknown command/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
