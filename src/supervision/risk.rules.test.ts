import { describe, expect, it } from 'vitest';
import { idNumberCheckCharacter } from '../registry/identifiers.ts';
import { parseReferenceCsv } from './reference-list.service.ts';
import { BLOCK_THRESHOLD, distanceKm, RULE_CODES, RULES, sharedPhoneScore } from './risk.rules.ts';

describe('risk rules', () => {
  it('documents every rule with a label, a basis and a score', () => {
    for (const code of RULE_CODES) {
      expect(RULES[code].code).toBe(code);
      expect(RULES[code].label.length).toBeGreaterThan(4);
      expect(RULES[code].baseScore).toBeGreaterThan(0);
    }
  });

  it('measures Hengyang to Beijing at about 1,490 km, so a one-hour hop is impossible travel', () => {
    const km = distanceKm({ lat: 26.9, lng: 112.6 }, { lat: 39.9042, lng: 116.4074 });
    expect(km).toBeGreaterThan(1450);
    expect(km).toBeLessThan(1530);
    expect(distanceKm({ lat: 26.9, lng: 112.6 }, { lat: 26.9, lng: 112.6 })).toBe(0);
  });

  it('a phone shared by three trainees is shown, by four or more it blocks', () => {
    expect(sharedPhoneScore(3)).toBeLessThan(BLOCK_THRESHOLD);
    expect(sharedPhoneScore(4)).toBe(BLOCK_THRESHOLD);
    expect(sharedPhoneScore(20)).toBe(95);
  });
});

describe('data-comparison lists', () => {
  it('refuses a whole file naming every bad line', () => {
    expect(() =>
      parseReferenceCsv('id_number,valid_from\n430421198808080210,2020-01-01\n123,2020-13\n'),
    ).toThrow(/无效的行/);
  });

  it('keeps only the blind index of each ID number', () => {
    const idNumber = `43042119880808021${idNumberCheckCharacter('43042119880808021')}`;
    const [entry] = parseReferenceCsv(
      `id_number,valid_from,organisation_name,is_full_time\n${idNumber},2019-09-01,衡阳师范学院,否\n`,
    );
    expect(entry).toMatchObject({
      valid_from: '2019-09-01',
      organisation_name: '衡阳师范学院',
      is_full_time: false,
    });
    expect(JSON.stringify(entry)).not.toContain(idNumber);
  });
});
