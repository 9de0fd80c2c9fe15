import { describe, expect, it } from 'vitest';
import { evaluate, evaluateBatch } from './evaluate.ts';
import type { EvaluateRequest } from './evaluate.types.ts';
import { regionAncestors, resolvePack } from './packs/index.ts';
import { ParameterTimeline } from './parameter.loader.ts';
import { isHighSkillBaseOnTarget } from './rules/chongqing.ts';
import { isCatalogNotAllAtTopAmount } from './rules/shanxi.ts';

const hengyangFree: EvaluateRequest = {
  region: '430421',
  date: '2020-09-10',
  subsidy: 'training',
  person: { groups: ['registered_unemployed'] },
  training: {
    filed: true,
    occupationCode: '4-10-01-01',
    inCatalog: true,
    level: 'primary',
    catalogStandardFen: 120000,
  },
  certificate: { type: 'skill_level', number: 'X' },
};

describe('region resolution walks up GB/T 2260', () => {
  it.each([
    ['430421', 'cn-430400-2019'],
    ['430400', 'cn-430400-2019'],
    ['320102', 'cn-320000-2019'],
    ['320100', 'cn-320000-2019'],
    ['500101', 'cn-500000-2021'],
    ['360702', 'cn-360000-2021'],
    ['140105', 'cn-140000-2021'],
  ])('%s → %s', (region, packId) => {
    expect(resolvePack(region)?.id).toBe(packId);
  });

  it('lists county, city and province', () => {
    expect(regionAncestors('430421')).toEqual(['430421', '430400', '430000']);
    expect(regionAncestors('430000')).toEqual(['430000']);
  });

  it('denies a region without a pack with POLICY_NOT_IN_FORCE, not an error', () => {
    const response = evaluate({ ...hengyangFree, region: '430100' });
    expect(response).toMatchObject({
      policy: null,
      eligible: false,
      amountFen: 0,
      denials: [{ code: 'POLICY_NOT_IN_FORCE' }],
    });
  });

  it('denies a subsidy kind the document does not cover', () => {
    const response = evaluate({ ...hengyangFree, subsidy: 'directed_training' });
    expect(response.denials).toMatchObject([{ code: 'POLICY_NOT_IN_FORCE' }]);
  });
});

describe('traceability', () => {
  it('records the id and effective date of every parameter used', () => {
    const response = evaluate(hengyangFree);
    expect(response.eligible).toBe(true);
    expect(response.parameterVersions).toContainEqual({
      id: 'cn-430400-2019/limits.annualTrainingCount',
      effectiveFrom: '2019-08-30',
      source: 'pack',
    });
    expect(response.parameterVersions).toContainEqual(
      expect.objectContaining({ id: 'cn-430400-2019/filing.classFilingRequired' }),
    );
  });

  it('uses a published version on and after its effective date only', () => {
    const overrides = [
      {
        packId: 'cn-430400-2019',
        key: 'living-allowance.dailyAmountFen',
        effectiveFrom: '2021-01-01',
        value: 2500,
        citation: { doc: '衡人社发〔2020〕99号', article: '二' },
      },
    ];
    const request: EvaluateRequest = {
      region: '430400',
      date: '2020-12-31',
      subsidy: 'living_allowance',
      person: { groups: ['poor_labor'] },
      training: { filed: true, offlineDays: 10 },
    };
    expect(evaluate(request, { overrides }).amountFen).toBe(20000);
    const after = evaluate({ ...request, date: '2021-01-01' }, { overrides });
    expect(after.amountFen).toBe(25000);
    expect(after.parameterVersions).toContainEqual({
      id: 'cn-430400-2019/living-allowance.dailyAmountFen',
      effectiveFrom: '2021-01-01',
      source: 'published',
    });
  });

  it('pays Jiangsu 以工代训 once the city publishes its monthly amount', () => {
    const request: EvaluateRequest = {
      region: '320300',
      date: '2021-06-01',
      subsidy: 'on_the_job_training',
      person: { groups: ['poor_labor'], receivesPension: false },
      employment: { employerFlags: ['cooperative'], start: '2020-10-01', end: '2021-05-31' },
    };
    const overrides = [
      {
        packId: 'cn-320000-2019',
        key: 'on-the-job-training.monthlyAmountFen',
        effectiveFrom: '2020-01-01',
        value: 50000,
        citation: { doc: '徐人社发〔2020〕1号', article: '三' },
      },
    ];
    const response = evaluate(request, { overrides });
    // Eight whole months, at most six paid.
    expect(response).toMatchObject({
      eligible: true,
      amountFen: 300000,
      payee: 'enterprise',
      countsTowardAnnualLimit: false,
    });
  });
});

describe('modes and edge rules', () => {
  it('refuses an advance where the document provides none', () => {
    const response = evaluate({ ...hengyangFree, mode: 'advance' });
    expect(response.denials).toMatchObject([{ code: 'POLICY_NOT_IN_FORCE' }]);
  });

  it('refuses an advance of a kind the document does not advance, instead of paying in full', () => {
    const response = evaluate({
      region: '320100',
      date: '2020-10-01',
      subsidy: 'living_allowance',
      mode: 'advance',
      person: { groups: ['poor_labor'], receivesPension: false },
      training: { filed: true, offlineDays: 10 },
    });
    expect(response.denials.map((denial) => denial.code)).toContain('ADVANCE_NOT_ALLOWED');
    expect(response.amountFen).toBe(0);
  });

  it('settles the Chongqing transition by a start before 2021-03-01 when the approval date is missing', () => {
    const response = evaluate({
      region: '500101',
      date: '2021-06-15',
      subsidy: 'training',
      person: { groups: ['registered_unemployed'] },
      training: {
        filed: true,
        occupationCode: '6-18-01-01',
        level: 'primary',
        start: '2021-02-20',
        end: '2021-03-05',
        offlineDays: 10,
        dailyRateFen: 15000,
        catalogStandardFen: 200000,
      },
    });
    expect(response.denials).toMatchObject([{ code: 'OTHER_POLICY_APPLIES' }]);
  });

  it('evaluates a batch in order', () => {
    const responses = evaluateBatch([hengyangFree, { ...hengyangFree, date: '2022-01-01' }]);
    expect(responses.map((response) => response.eligible)).toEqual([true, false]);
  });
});

describe('catalog rule: not every entry at the top amount (晋人社厅函〔2021〕600号 一)', () => {
  const entry = (standardFen: number) => ({ occupationCode: '4-10-01-01', level: 'primary', standardFen });
  it('refuses a catalog with every entry at the top', () => {
    expect(isCatalogNotAllAtTopAmount([entry(100000), entry(100000)])).toBe(false);
    expect(isCatalogNotAllAtTopAmount([entry(80000), entry(80000)], 80000)).toBe(false);
  });
  it('accepts a catalog with at least one lower entry', () => {
    expect(isCatalogNotAllAtTopAmount([entry(100000), entry(90000)])).toBe(true);
    expect(isCatalogNotAllAtTopAmount([entry(100000)])).toBe(true);
  });
});

describe('Chongqing high-skill training bases (渝人社发〔2021〕12号 六)', () => {
  const parameters = new ParameterTimeline(resolvePack('500000')!.parameters).at('2021-06-01');
  it('keeps a national base that reaches 600 advanced trainees a year', () => {
    expect(isHighSkillBaseOnTarget(parameters, { baseLevel: 'national', advancedTraineesPerYear: 600 })).toBe(
      true,
    );
    expect(isHighSkillBaseOnTarget(parameters, { baseLevel: 'national', advancedTraineesPerYear: 599 })).toBe(
      false,
    );
  });
  it('keeps a municipal base that reaches 300', () => {
    expect(
      isHighSkillBaseOnTarget(parameters, { baseLevel: 'municipal', advancedTraineesPerYear: 300 }),
    ).toBe(true);
    expect(
      isHighSkillBaseOnTarget(parameters, { baseLevel: 'municipal', advancedTraineesPerYear: 299 }),
    ).toBe(false);
  });
});
