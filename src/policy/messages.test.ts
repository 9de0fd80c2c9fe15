import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateEvaluateRequest } from './evaluate.schema.ts';
import { evaluate } from './evaluate.ts';
import type { EvaluateRequest, EvaluateResponse } from './evaluate.types.ts';

/**
 * Every message of the evaluate API a person reads — denial messages, warnings, the basis of
 * each line, and the 400 details — is Chinese, with fields named in Chinese. Codes (`code`,
 * `item`, `field`) stay for machines and are not scanned. Values the request itself carried
 * (certificate numbers such as "HY-0001") may appear and are removed before the scan.
 */
const CASES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cases');
const LATIN = /[A-Za-z]/;

function caseRequests(): EvaluateRequest[] {
  const requests: EvaluateRequest[] = [];
  for (const pack of fs.readdirSync(CASES_DIR)) {
    for (const file of fs.readdirSync(path.join(CASES_DIR, pack))) {
      const content = JSON.parse(fs.readFileSync(path.join(CASES_DIR, pack, file), 'utf8'));
      requests.push(content.request as EvaluateRequest);
    }
  }
  return requests;
}

/** The request with one field (one or two levels deep) removed: each rule then asks for it. */
function withEachFieldRemoved(request: EvaluateRequest): EvaluateRequest[] {
  const variants: EvaluateRequest[] = [];
  for (const [key, value] of Object.entries(request)) {
    if (['region', 'date', 'subsidy'].includes(key)) continue;
    const { [key]: _removed, ...rest } = request as unknown as Record<string, unknown>;
    variants.push(rest as unknown as EvaluateRequest);
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const inner of Object.keys(value)) {
        const { [inner]: _innerRemoved, ...innerRest } = value as Record<string, unknown>;
        variants.push({ ...request, [key]: innerRest } as EvaluateRequest);
      }
    }
  }
  return variants;
}

function requestValues(request: EvaluateRequest): string[] {
  const values: string[] = [];
  const collect = (value: unknown) => {
    if (typeof value === 'string') values.push(value);
    else if (value && typeof value === 'object') for (const inner of Object.values(value)) collect(inner);
  };
  collect(request);
  return values.filter((value) => LATIN.test(value)).sort((a, b) => b.length - a.length);
}

function textsOf(response: EvaluateResponse): string[] {
  return [
    ...response.denials.map((denial) => denial.message),
    ...response.warnings,
    ...response.lines.map((line) => line.basis),
  ];
}

function englishIn(text: string, allowed: readonly string[]): boolean {
  let stripped = text;
  for (const value of allowed) stripped = stripped.split(value).join('');
  return LATIN.test(stripped);
}

describe('no English in the messages of the evaluate API', () => {
  it('denials, warnings and line bases of every case and of every case missing a field', () => {
    const offending: string[] = [];
    let scanned = 0;
    for (const request of caseRequests()) {
      for (const variant of [request, ...withEachFieldRemoved(request)]) {
        const validation = validateEvaluateRequest(variant);
        if (!validation.ok) continue;
        for (const text of textsOf(evaluate(validation.value))) {
          scanned += 1;
          if (englishIn(text, requestValues(variant))) offending.push(text);
        }
      }
    }
    expect(scanned).toBeGreaterThan(500);
    expect([...new Set(offending)]).toEqual([]);
  });

  it('names a missing fact in Chinese and says where to find it', () => {
    const response = evaluate({
      region: '500101',
      date: '2021-06-15',
      subsidy: 'training',
      person: { groups: ['registered_unemployed'] },
      training: { filed: true, start: '2021-03-15', end: '2021-03-26', offlineDays: 10 },
    });
    expect(response.outcome).toBe('missing_input');
    expect(response.denials[0]).toMatchObject({ code: 'MISSING_INPUT', field: 'training.approvedOn' });
    expect(response.denials[0]!.message).toContain('开班审核通过日期');
    expect(response.denials[0]!.message).toContain('培训机构');
  });

  it('details of an invalid request', () => {
    const invalid: unknown[] = [
      [],
      { region: '430400', date: '2021-02-30', subsidy: 'training' },
      { region: '430400', date: '2021-02-01', subsidy: 'lunch' },
      { region: '430400', date: '2021-02-01', subsidy: 'training', extra: 1 },
      { region: '430400', date: '2021-02-01' },
      { region: '430400', date: '2021-02-01', subsidy: 'training', training: { offlineDays: -1 } },
      { region: '430400', date: '2021-02-01', subsidy: 'training', training: { offlineDays: 'ten' } },
      {
        region: '430400',
        date: '2021-02-01',
        subsidy: 'training',
        training: { start: '2021-02-01', end: '2021-01-01' },
      },
      { region: 'x', date: '2021-02-01', subsidy: 'training', person: { groups: ['nobody'] } },
    ];
    for (const body of invalid) {
      const result = validateEvaluateRequest(body);
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      for (const detail of result.details) expect(detail.message, JSON.stringify(detail)).not.toMatch(LATIN);
    }
  });
});
