import { describe, expect, it } from 'vitest';
import type { EvaluateResponse } from '../policy/evaluate.types.ts';
import { entitlementsOf, type UsageSubject } from './claim.usage.ts';

const eligible = { eligible: true } as EvaluateResponse;

const subject = (overrides: Partial<UsageSubject>): UsageSubject => ({
  subsidyKind: 'training',
  personId: 7,
  personProvinceCode: '430000',
  applicationDate: '2021-06-01',
  certificateId: 31,
  occupationCode: '4-03-02-01',
  level: 'level_5',
  periodStart: '2021-05-03',
  periodEnd: '2021-05-20',
  ...overrides,
});

describe('the entitlements a line reserves', () => {
  it('a training line with its class’s certificate reserves the person’s occupation and level, which the certificate implies', () => {
    expect(entitlementsOf(subject({}), eligible).map((usage) => [usage.kind, usage.usageKey])).toEqual([
      ['occupation_level', '7:4-03-02-01:level_5'],
    ]);
  });

  it('a training line without an occupation and level reserves its certificate itself', () => {
    expect(
      entitlementsOf(subject({ occupationCode: null, level: null }), eligible).map((usage) => usage.usageKey),
    ).toEqual(['31:training']);
  });

  it('a certificate subsidy reserves its certificate under its own key', () => {
    expect(
      entitlementsOf(subject({ subsidyKind: 'certificate' }), eligible).map((usage) => [
        usage.kind,
        usage.usageKey,
      ]),
    ).toEqual([['certificate', '31:certificate']]);
  });

  it('an ineligible line reserves nothing', () => {
    expect(entitlementsOf(subject({}), { eligible: false } as EvaluateResponse)).toEqual([]);
  });
});
