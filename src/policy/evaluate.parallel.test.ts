import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ArrayRun, PARALLEL_MIN_BYTES, runJson, splitArrayBytes } from './evaluate.parallel.ts';
import { evaluate } from './evaluate.ts';
import type { EvaluateRequest } from './evaluate.types.ts';
import { generateWorkload } from './workload.ts';

/** Each run's elements, or undefined when a run does not parse or is empty (as the threads check). */
function parsedRuns(input: Buffer, runs: readonly ArrayRun[]): unknown[][] | undefined {
  const parsed: unknown[][] = [];
  for (const [index, run] of runs.entries()) {
    let items: unknown;
    try {
      items = JSON.parse(runJson(input, run, index === runs.length - 1));
    } catch {
      return undefined;
    }
    if (!Array.isArray(items) || items.length === 0) return undefined;
    parsed.push(items);
  }
  return parsed;
}

describe('cutting the bytes of a JSON array without parsing it', () => {
  it('cuts at top-level commas only: commas, brackets, quotes, backslashes and multi-byte characters inside strings are text', () => {
    const items = [
      { a: 'x,y', b: [1, 2, { c: '],}' }] },
      'quote " and \\ backslash \\" ,[{',
      [[], {}, 'a\\\\'],
      '\\',
      42,
      null,
      { 'k,"]': '\u2028中文,' },
      '职业技能，提升",行动',
    ];
    const input = Buffer.from(` \n${JSON.stringify(items, null, 2)}\r\n`);
    expect(splitArrayBytes(input, 1)).toBeUndefined();
    for (let parts = 2; parts <= 9; parts += 1) {
      const runs = splitArrayBytes(input, parts)!;
      expect(runs.length).toBeGreaterThanOrEqual(2);
      expect(runs.length).toBeLessThanOrEqual(parts);
      expect(runs[0]!.start).toBe(0);
      expect(runs.at(-1)!.end).toBe(input.length);
      for (let index = 1; index < runs.length; index += 1)
        expect(runs[index]!.start).toBe(runs[index - 1]!.end + 1);
      const parsed = parsedRuns(input, runs)!;
      expect(parsed.flat(1)).toEqual(items);
      expect(runs.map((run) => run.first)).toEqual(
        parsed.map((_, index) => parsed.slice(0, index).reduce((sum, part) => sum + part.length, 0)),
      );
    }
  });

  it('cuts a big array into runs of about equal size', () => {
    const input = Buffer.from(JSON.stringify(generateWorkload(3_000)));
    const runs = splitArrayBytes(input, 3)!;
    expect(runs).toHaveLength(3);
    for (const run of runs) expect(Math.abs(run.end - run.start - input.length / 3)).toBeLessThan(1_000);
  });

  it('cuts a text only where every run parses exactly when the whole text does', () => {
    const texts = [
      '[1,2,3,4]',
      '{"a":1,"b":2}',
      '"[1,2]"',
      '[1,2',
      '[1,2] x',
      '[1,2]]',
      '[1,"2]',
      '[1,,2,3]',
      '[,1,2]',
      '[1,2,]',
      '\uFEFF[1,2]',
      '',
      '[[1,2],[3,4]]',
      '[{"a":"},{"},{"b":"\\"},3]',
      '[1,2,3,"\\"]',
      '[1,2,3,"\\",]',
      '[1 2,3]',
    ];
    for (const text of texts) {
      let whole: unknown;
      try {
        whole = JSON.parse(text);
      } catch {
        whole = undefined;
      }
      for (let parts = 2; parts <= 4; parts += 1) {
        const input = Buffer.from(text);
        const runs = splitArrayBytes(input, parts);
        if (runs === undefined) continue; // declined: one thread parses it
        const parsed = parsedRuns(input, runs);
        expect(parsed?.flat(1), `${text} in ${parts}`).toEqual(whole);
      }
    }
  });

  it('reads a missing element as not parsing, wherever the cut falls', () => {
    for (const text of ['[1,,2,3]', '[1,2,,3]', '[11,,2]', '[1,22,,]'])
      for (let parts = 2; parts <= 4; parts += 1) {
        const input = Buffer.from(text);
        expect(parsedRuns(input, splitArrayBytes(input, parts)!), `${text} in ${parts}`).toBeUndefined();
      }
  });
});

describe('skillfund evaluate on a big array, in worker threads', () => {
  const BIN = path.resolve('bin/skillfund.js');
  // Requests of the mixed workload are about 340 bytes each: this many make an input above the minimum.
  const COUNT = Math.ceil(PARALLEL_MIN_BYTES / 300);
  let cwd = '';
  let requests: EvaluateRequest[] = [];
  beforeAll(() => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'skillfund-evaluate-parallel-'));
    requests = generateWorkload(COUNT) as EvaluateRequest[];
  });
  afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

  function run(args: string[], input: string, env: Record<string, string> = {}) {
    return spawnSync(process.execPath, [BIN, 'evaluate', ...args], {
      cwd,
      input,
      maxBuffer: 1 << 30,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
    });
  }

  it('writes byte for byte what one thread writes (JSON.stringify of the answers), and says it used threads', () => {
    const input = JSON.stringify(requests);
    const parallel = run(['--threads', '2'], input);
    expect(parallel.status, parallel.stderr.toString()).toBe(0);
    expect(parallel.stderr.toString()).toContain('并行 threads = 2');
    const single = run(['--threads', '1'], input);
    expect(single.status).toBe(0);
    expect(single.stderr.toString()).not.toContain('并行');
    expect(parallel.stdout.length).toBe(single.stdout.length);
    expect(parallel.stdout.equals(single.stdout)).toBe(true);
    const expected = `${JSON.stringify(requests.map((request) => evaluate(request)))}\n`;
    expect(parallel.stdout.toString('utf8') === expected).toBe(true);
    expect(fs.readdirSync(cwd)).toEqual([]); // no ./data
  });

  it('starts the workers before reading a file on stdin, and writes the same bytes', () => {
    const file = path.join(os.tmpdir(), `skillfund-evaluate-parallel-${process.pid}.json`);
    fs.writeFileSync(file, JSON.stringify(requests));
    try {
      const fromFile = (threads: string) => {
        const input = fs.openSync(file, 'r');
        try {
          return spawnSync(process.execPath, [BIN, 'evaluate', '--threads', threads], {
            cwd,
            stdio: [input, 'pipe', 'pipe'],
            maxBuffer: 1 << 30,
            env: { PATH: process.env.PATH ?? '', HOME: cwd },
          });
        } finally {
          fs.closeSync(input);
        }
      };
      const parallel = fromFile('3');
      expect(parallel.status, parallel.stderr.toString()).toBe(0);
      expect(parallel.stderr.toString()).toContain('并行 threads = 3');
      expect(parallel.stdout.equals(fromFile('1').stdout)).toBe(true);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('answers an invalid request in the middle as one thread does: same error naming each field, exit 2, nothing on stdout', () => {
    const broken = requests.map((request) => ({ ...request })) as Record<string, unknown>[];
    broken[Math.floor(COUNT / 2)]!.date = '2020-02-30';
    broken[COUNT - 2]!.region = 5;
    const input = JSON.stringify(broken, null, 1);
    const parallel = run(['--threads', '3'], input);
    const single = run(['--threads', '1'], input);
    expect(parallel.status).toBe(2);
    expect(single.status).toBe(2);
    expect(parallel.stdout.length).toBe(0);
    expect(parallel.stderr.toString()).toBe(single.stderr.toString());
    const fields = JSON.parse(parallel.stderr.toString()).error.details.map(
      (d: { field: string }) => d.field,
    );
    expect(fields).toEqual([`[${Math.floor(COUNT / 2)}].date`, `[${COUNT - 2}].region`]);
  });

  it('answers text that does not parse inside one slice as one thread does', () => {
    const text = JSON.stringify(requests);
    const middle = text.indexOf('"region"', Math.floor(text.length / 2));
    const input = `${text.slice(0, middle)}region${text.slice(middle + '"region"'.length)}`;
    const parallel = run(['--threads', '2'], input);
    const single = run(['--threads', '1'], input);
    expect(parallel.status).toBe(2);
    expect(parallel.stdout.length).toBe(0);
    expect(parallel.stderr.toString()).toBe(single.stderr.toString());
    expect(parallel.stderr.toString()).toContain('标准输入不是有效的数据格式');
  });

  it('answers with --threads auto the same bytes, in threads or on one when the machine is busy', () => {
    const input = JSON.stringify(requests);
    const auto = run([], input);
    expect(auto.status, auto.stderr.toString()).toBe(0);
    expect(auto.stdout.equals(run(['--threads', '1'], input).stdout)).toBe(true);
  });

  it('with --published loads the published versions once the input is valid, and answers the same bytes', () => {
    const input = JSON.stringify(requests);
    const env = { SKILLFUND_DATA_DIR: 'memory://' };
    const parallel = run(['--published', '--threads', '2'], input, env);
    expect(parallel.status, parallel.stderr.toString()).toBe(0);
    expect(parallel.stderr.toString()).toMatch(/parameters = published（数据库中已发布的参数版本 0 个/);
    const single = run(['--published', '--threads', '1'], input, env);
    expect(parallel.stdout.equals(single.stdout)).toBe(true);
  });

  it('refuses a --threads that is not auto or 1–16', () => {
    const result = run(['--threads', '0'], '[]');
    expect(result.status).toBe(2);
    expect(JSON.parse(result.stderr.toString()).error.details).toEqual([
      { field: '--threads', message: '取值无效' },
    ]);
  });
});
