import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isEveryEntryAtTop } from './catalog.service.ts';
import { creditCodeProblem, idNumberCheckCharacter, idNumberProblem, parseIdNumber } from './identifiers.ts';

describe('GB 11643 ID numbers', () => {
  it('accepts the standard example with an X check digit and derives sex and birth date', () => {
    expect(idNumberProblem('11010519491231002X')).toBeNull();
    expect(parseIdNumber('11010519491231002x')).toMatchObject({
      sex: 'female',
      birthDate: '1949-12-31',
      idNumber: '11010519491231002X',
    });
  });
  it('refuses every wrong check character and impossible dates', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[1-6]\d{5}19[5-9]\d(0[1-9]|1[0-2])(0[1-9]|1\d|2[0-8])\d{3}$/),
        (first17) => {
          const right = idNumberCheckCharacter(first17);
          expect(idNumberProblem(`${first17}${right}`)).toBeNull();
          for (const wrong of '0123456789X'.replace(right, ''))
            expect(idNumberProblem(`${first17}${wrong}`)).not.toBeNull();
        },
      ),
    );
    expect(idNumberProblem('430421199002300015')).toContain('出生日期');
  });
});

describe('GB 32100 unified social credit codes', () => {
  it('accepts a published example and refuses a changed check character or forbidden letters', () => {
    expect(creditCodeProblem('91350100M000100Y43')).toBeNull();
    expect(creditCodeProblem('91350100M000100Y44')).toContain('校验位');
    expect(creditCodeProblem('91350100M000100I43')).not.toBeNull();
  });
});

describe('Shanxi top-amount rule (晋人社厅函〔2021〕600号)', () => {
  it('is broken only when every entry sits at its level maximum', () => {
    expect(
      isEveryEntryAtTop([
        { level: 'primary', standardAmountFen: 100 },
        { level: 'primary', standardAmountFen: 100 },
      ]),
    ).toBe(true);
    expect(
      isEveryEntryAtTop([
        { level: 'primary', standardAmountFen: 100 },
        { level: 'primary', standardAmountFen: 90 },
      ]),
    ).toBe(false);
  });
});
