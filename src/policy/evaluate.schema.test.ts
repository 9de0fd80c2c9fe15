import { describe, expect, it } from 'vitest';
import { validateEvaluateRequest } from './evaluate.schema.ts';

const valid = { region: '430400', date: '2021-06-15', subsidy: 'training' };

function fieldsOf(input: unknown): string[] {
  const result = validateEvaluateRequest(input);
  return result.ok ? [] : result.details.map((detail) => detail.field);
}

describe('validateEvaluateRequest', () => {
  it('accepts the minimal request and the example of the contract', () => {
    expect(validateEvaluateRequest(valid).ok).toBe(true);
    const example = {
      ...valid,
      mode: 'full',
      person: {
        groups: ['registered_unemployed'],
        graduationDate: '2020-07-01',
        receivesPension: false,
        relativeOfGroups: [],
      },
      employment: {
        employerSize: 'small',
        employerFlags: ['difficult'],
        contractMonths: 12,
        start: '2021-02-01',
        end: '2021-08-15',
      },
      training: {
        filed: true,
        occupationCode: '6-18-01-01',
        newOccupation: false,
        inCatalog: true,
        level: 'intermediate',
        start: '2021-05-10',
        end: '2021-05-21',
        offlineDays: 10,
        onlineDays: 2,
        classHours: 0,
        months: 4,
        dailyRateFen: 15000,
        onlineDailyRateFen: 6000,
        catalogStandardFen: 100000,
        projectBased: false,
      },
      certificate: { type: 'skill_level', level: 'intermediate', number: 'S000123', firstIssue: true },
      history: [
        {
          date: '2021-03-02',
          subsidy: 'training',
          occupationCode: '4-07-05-01',
          level: 'primary',
          certificateNumber: 'X1',
          start: '2021-02-01',
          end: '2021-02-20',
        },
      ],
    };
    expect(validateEvaluateRequest(example)).toEqual({ ok: true, value: example });
  });

  it('names every bad field with a JSON-path-like name', () => {
    const fields = fieldsOf({
      region: '43040',
      date: '2021-02-30',
      subsidy: 'free_money',
      person: { groups: ['veteran', 'martian'] },
      training: { start: '2021/05/01', offlineDays: -1, dailyRateFen: 150.5 },
      history: [{ date: '2021-01-01' }],
      surprise: true,
    });
    expect(fields).toEqual(
      expect.arrayContaining([
        'region',
        'date',
        'subsidy',
        'person.groups[1]',
        'training.start',
        'training.offlineDays',
        'training.dailyRateFen',
        'history[0].subsidy',
        'surprise',
      ]),
    );
  });

  it('refuses calendar dates that do not exist and accepts 29 February of a leap year', () => {
    expect(fieldsOf({ ...valid, date: '2021-02-29' })).toEqual(['date']);
    expect(fieldsOf({ ...valid, date: '2021-13-01' })).toEqual(['date']);
    expect(validateEvaluateRequest({ ...valid, date: '2020-02-29' }).ok).toBe(true);
  });

  it('refuses an end before its start', () => {
    expect(fieldsOf({ ...valid, training: { start: '2021-05-10', end: '2021-05-01' } })).toEqual([
      'training.end',
    ]);
  });

  it('refuses money beyond 100 million yuan, which keeps every product a safe integer', () => {
    expect(fieldsOf({ ...valid, training: { catalogStandardFen: 2 ** 60 } })).toEqual([
      'training.catalogStandardFen',
    ]);
  });

  it('reports missing required fields and non-objects', () => {
    expect(fieldsOf({})).toEqual(['region', 'date', 'subsidy']);
    expect(fieldsOf(null)).toEqual(['(root)']);
    expect(fieldsOf([valid])).toEqual(['(root)']);
  });
});
