import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED_VALIDATOR_FILE, generateValidatorSource } from './evaluate.validator.source.ts';

describe('the ahead-of-time evaluate request validator', () => {
  it('matches evaluateRequestSchema (run `npm run gen:validator` after changing the schema)', () => {
    const checkedIn = fs.readFileSync(path.join(import.meta.dirname, GENERATED_VALIDATOR_FILE), 'utf8');
    expect(checkedIn).toBe(generateValidatorSource());
  });
});
