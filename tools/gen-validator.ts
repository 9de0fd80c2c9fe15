// `npm run gen:validator`: writes the ahead-of-time evaluate request validator (see
// src/policy/evaluate.validator.source.ts).
import fs from 'node:fs';
import path from 'node:path';
import {
  GENERATED_VALIDATOR_FILE,
  generateValidatorSource,
} from '../src/policy/evaluate.validator.source.ts';

const target = path.join(import.meta.dirname, '..', 'src', 'policy', GENERATED_VALIDATOR_FILE);
fs.writeFileSync(target, generateValidatorSource());
process.stdout.write(`gen:validator: wrote ${path.relative(process.cwd(), target)}\n`);
