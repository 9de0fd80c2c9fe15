import { describe, expect, it } from 'vitest';
import { runEvaluateCli } from './policy.cli.ts';

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
