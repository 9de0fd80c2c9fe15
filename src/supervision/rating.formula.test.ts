import { describe, expect, it } from 'vitest';
import { rateInstitution } from './rating.formula.ts';

const base = {
  trainees: 100,
  completed: 95,
  certified: 90,
  employed: 60,
  confirmedCases: 0,
  inspection: 'passed' as const,
  organisationStatus: 'active' as const,
};

describe('institution credit rating', () => {
  it('rates a strong institution with a passed inspection A: 28.5 + 27 + 12 + 20 = 87.5', () => {
    const rating = rateInstitution(base);
    expect(rating.score).toBe(87.5);
    expect(rating.grade).toBe('A');
    expect(rating.explanation.at(-1)).toContain('A 级');
  });

  it('counts a missing inspection as 0.75 and drops to B', () => {
    expect(rateInstitution({ ...base, inspection: null })).toMatchObject({ score: 82.5, grade: 'B' });
  });

  it('one confirmed case costs 25 points and caps the grade at C; two make it D', () => {
    const one = rateInstitution({ ...base, confirmedCases: 1 });
    expect(one.score).toBe(62.5);
    expect(one.grade).toBe('C');
    expect(rateInstitution({ ...base, confirmedCases: 2 }).grade).toBe('D');
  });

  it('caps a suspended institution at C and a blacklisted one at D, and says why', () => {
    expect(rateInstitution({ ...base, organisationStatus: 'suspended' }).grade).toBe('C');
    const blacklisted = rateInstitution({ ...base, organisationStatus: 'blacklisted' });
    expect(blacklisted.grade).toBe('D');
    expect(blacklisted.explanation.at(-1)).toContain('黑名单');
  });

  it('a failed inspection caps at C even with perfect rates', () => {
    const rating = rateInstitution({
      ...base,
      completed: 100,
      certified: 100,
      employed: 100,
      inspection: 'failed',
    });
    expect(rating.score).toBe(80);
    expect(rating.grade).toBe('C');
  });
});
