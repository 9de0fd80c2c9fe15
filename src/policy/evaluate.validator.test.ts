import fs from 'node:fs';
import path from 'node:path';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { describe, expect, it } from 'vitest';
import {
  GENERATED_VALIDATOR_FILE,
  generateValidatorSource,
  isCalendarDate,
} from './evaluate.validator.source.ts';

describe('the ahead-of-time evaluate request validator', () => {
  it('matches evaluateRequestSchema (run `npm run gen:validator` after changing the schema)', () => {
    const checkedIn = fs.readFileSync(path.join(import.meta.dirname, GENERATED_VALIDATOR_FILE), 'utf8');
    expect(checkedIn).toBe(generateValidatorSource());
  });

  it('decides the date format as ajv-formats does', () => {
    const ajvDate = (fullFormats.date as { validate: (text: string) => boolean }).validate;
    const texts = [
      '',
      '2021-06-15',
      '2021-6-15',
      '2021-06-15 ',
      ' 2021-06-15',
      '2021-06-15\n',
      '２０２１-06-15',
    ];
    for (const year of ['1900', '2000', '2020', '2021', '2100', '0000', '9999', '20a1'])
      for (let month = 0; month <= 13; month += 1)
        for (const day of [0, 1, 28, 29, 30, 31, 32]) {
          const text = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          texts.push(text, text.replace('-', '/'), `${text}x`);
        }
    for (const text of texts) expect(isCalendarDate(text), text).toBe(ajvDate(text));
  });
});
