import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateEvaluateRequest } from './evaluate.schema.ts';
import { evaluate } from './evaluate.ts';
import { evaluateNdjsonLine, NdjsonEvaluator, runEvaluateCli } from './policy.cli.ts';
import { ResponseJsonWriter } from './response-json.ts';
import { generateWorkload } from './workload.ts';

const request = {
  region: '430400',
  date: '2020-10-01',
  subsidy: 'living_allowance',
  person: { groups: ['poor_labor'] },
  training: { filed: true, offlineDays: 10 },
};

describe('skillfund evaluate', () => {
  it('prints one response for one request and exits 0', () => {
    const outcome = runEvaluateCli(JSON.stringify(request));
    expect(outcome.exitCode).toBe(0);
    expect(JSON.parse(outcome.stdout)).toMatchObject({ eligible: true, amountFen: 20000 });
  });

  it('prints an array for an array, denials included, and exits 0', () => {
    const outcome = runEvaluateCli(JSON.stringify([request, { ...request, date: '2022-01-01' }]));
    expect(outcome.exitCode).toBe(0);
    expect(JSON.parse(outcome.stdout).map((response: { eligible: boolean }) => response.eligible)).toEqual([
      true,
      false,
    ]);
  });

  it('exits 2 with an INVALID_REQUEST error naming each bad field, and no stack trace', () => {
    const outcome = runEvaluateCli(
      JSON.stringify([request, { ...request, date: '2020-02-30', person: { groups: ['x'] } }]),
    );
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stdout).toBe('');
    const error = JSON.parse(outcome.stderr).error;
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.details.map((detail: { field: string }) => detail.field)).toEqual([
      '[1].date',
      '[1].person.groups[0]',
    ]);
    expect(outcome.stderr).not.toMatch(/at .*\.ts:/);
  });

  it('exits 2 on text that is not JSON', () => {
    expect(runEvaluateCli('{not json').exitCode).toBe(2);
  });
});

describe('skillfund evaluate output', () => {
  it('prints compact JSON by default and indented JSON with --pretty, the same value', () => {
    const compact = runEvaluateCli(JSON.stringify([request, request])).stdout;
    const pretty = runEvaluateCli(JSON.stringify([request, request]), [], { pretty: true }).stdout;
    expect(compact.trimEnd()).not.toContain('\n');
    expect(pretty).toContain('\n  {');
    expect(JSON.parse(compact)).toEqual(JSON.parse(pretty));
  });

  it('answers an NDJSON line with its response, or an error naming the line and field', () => {
    const good = evaluateNdjsonLine(JSON.stringify(request), 1, []);
    expect(good.ok).toBe(true);
    expect(JSON.parse(good.output)).toMatchObject({ eligible: true, amountFen: 20000 });
    const bad = evaluateNdjsonLine(JSON.stringify({ ...request, date: '2020-02-30' }), 2, []);
    expect(bad.ok).toBe(false);
    expect(JSON.parse(bad.output)).toMatchObject({
      line: 2,
      error: { code: 'INVALID_REQUEST', details: [{ field: 'date' }] },
    });
    expect(evaluateNdjsonLine('{nope', 3, []).ok).toBe(false);
  });
});

describe('skillfund evaluate --ndjson output', () => {
  /** What the NDJSON path wrote before the bytes writer: JSON.stringify of each line's answer. */
  function stringified(lines: string[]): string {
    return lines
      .map((line, index) => {
        if (line.trim() === '') return undefined;
        let input: unknown;
        try {
          input = JSON.parse(line);
        } catch {
          return JSON.stringify({
            line: index + 1,
            error: {
              code: 'INVALID_REQUEST',
              message: '该行不是有效的数据格式',
              details: [{ field: '(root)', message: '该行无法解析' }],
            },
          });
        }
        const valid = validateEvaluateRequest(input);
        return JSON.stringify(
          valid.ok
            ? evaluate(valid.value)
            : {
                line: index + 1,
                error: {
                  code: 'INVALID_REQUEST',
                  message: '请求不符合补贴测算接口（第1版）的规定',
                  details: valid.details,
                },
              },
        );
      })
      .filter((line) => line !== undefined)
      .map((line) => `${line}\n`)
      .join('');
  }

  function written(text: string, pieceLength: number): { bytes: string; invalid: number } {
    const chunks: Buffer[] = [];
    const evaluator = new NdjsonEvaluator(new ResponseJsonWriter((bytes) => chunks.push(bytes), 4096));
    for (let start = 0; start < text.length; start += pieceLength)
      evaluator.push(text.slice(start, start + pieceLength));
    const invalid = evaluator.end();
    return { bytes: Buffer.concat(chunks).toString('utf8'), invalid };
  }

  it('writes the bytes JSON.stringify writes, line by line, for a mixed workload with bad and blank lines', () => {
    const lines = generateWorkload(2_000).map((item) => JSON.stringify(item));
    // Requests no pack decides, invalid requests, lines that are not JSON, blank lines, and text
    // with quotes, backslashes and non-ASCII characters in what is echoed back.
    lines.splice(10, 0, JSON.stringify({ ...request, region: '110101' }));
    lines.splice(20, 0, JSON.stringify({ ...request, date: '2015-01-01' }));
    lines.splice(30, 0, JSON.stringify({ ...request, date: '2020-02-30', person: { groups: ['x"\\号'] } }));
    lines.splice(40, 0, '{nope');
    lines.splice(50, 0, '');
    lines.splice(60, 0, '   ');
    lines.splice(70, 0, '[1,2]');
    const expected = stringified(lines);
    for (const pieceLength of [7, 4096, 1 << 20]) {
      const result = written(lines.join('\n'), pieceLength);
      expect(result.bytes).toBe(expected);
      expect(result.invalid).toBe(3);
    }
    // \r\n line breaks answer the same lines.
    expect(written(`${lines.join('\r\n')}\r\n`, 13).bytes).toBe(expected);
  });
});

describe('skillfund evaluate as a process', () => {
  const BIN = path.resolve('bin/skillfund.js');
  let cwd = '';
  beforeEach(() => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'skillfund-evaluate-'));
  });
  afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

  function run(args: string[], input: string, env: Record<string, string> = {}) {
    // No DATABASE_URL and no SKILLFUND_DATA_DIR: the embedded database would live in ./data.
    return spawnSync(process.execPath, [BIN, 'evaluate', ...args], {
      cwd,
      input,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
    });
  }

  it('evaluates one request on the shipped parameters, says so, and creates no database', () => {
    const result = run([], JSON.stringify(request));
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ eligible: true, amountFen: 20000 });
    expect(result.stderr).toContain('parameters = shipped');
    expect(fs.readdirSync(cwd)).toEqual([]); // no ./data
  });

  it('streams NDJSON: one answer per line, an invalid line answered in place and exit 2', () => {
    const input = `${JSON.stringify(request)}\n${JSON.stringify({ ...request, date: 'x' })}\n${JSON.stringify(request)}\n`;
    const result = run(['--ndjson'], input);
    expect(result.status).toBe(2);
    const lines = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ eligible: true });
    expect(lines[1]).toMatchObject({ line: 2, error: { code: 'INVALID_REQUEST' } });
    expect(lines[2]).toMatchObject({ eligible: true });
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  it('with --published reads the published versions from the database and says so', () => {
    const result = run(['--published'], JSON.stringify(request), { SKILLFUND_DATA_DIR: 'memory://' });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ eligible: true, amountFen: 20000 });
    expect(result.stderr).toMatch(/parameters = published（数据库中已发布的参数版本 0 个/);
  });
});
