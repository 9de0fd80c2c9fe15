import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARALLEL_MIN_REQUESTS, scanArrayText, splitArrayText } from './evaluate.parallel.ts';
import { evaluate } from './evaluate.ts';
import type { EvaluateRequest } from './evaluate.types.ts';
import { generateWorkload } from './workload.ts';

describe('splitting the text of a JSON array without parsing it', () => {
  it('cuts at top-level commas only: commas, brackets, quotes and backslashes inside strings are text', () => {
    const items = [
      { a: 'x,y', b: [1, 2, { c: '],}' }] },
      'quote " and \\ backslash \\" ,[{',
      [[], {}, 'a\\\\'],
      '\\',
      42,
      null,
      { 'k,"]': '\u2028中文,' },
    ];
    const text = ` \n${JSON.stringify(items, null, 2)}\r\n`;
    expect(scanArrayText(text)?.commas).toHaveLength(items.length - 1);
    for (let parts = 1; parts <= 9; parts += 1) {
      const split = splitArrayText(text, parts)!;
      expect(split.count).toBe(items.length);
      expect(split.slices).toHaveLength(Math.min(parts, items.length));
      const parsed = split.slices.map((slice) => JSON.parse(`[${slice.text}]`) as unknown[]);
      expect(parsed.flat(1)).toEqual(items);
      expect(split.slices.map((slice) => slice.first)).toEqual(
        parsed.map((_, index) => parsed.slice(0, index).reduce((sum, part) => sum + part.length, 0)),
      );
    }
  });

  it('declines what is not one array, so the one-thread path reports it', () => {
    for (const text of ['{"a":1}', '"[1,2]"', '[1,2', '[1,2] x', '[1,"2]', '\uFEFF[1,2]', ''])
      expect(scanArrayText(text), text).toBeUndefined();
  });

  it('leaves a missing element to the parse of its slice: an empty slice parses to no element', () => {
    const split = splitArrayText('[1,,2,3]', 3)!;
    expect(split.slices.map((slice) => slice.text)).toEqual(['1', '', '2,3']);
  });
});

describe('skillfund evaluate on a big array, in worker threads', () => {
  const BIN = path.resolve('bin/skillfund.js');
  const COUNT = PARALLEL_MIN_REQUESTS + 500;
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
    const input = JSON.stringify(requests.slice(0, PARALLEL_MIN_REQUESTS));
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
