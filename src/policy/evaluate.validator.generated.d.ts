// Types of the generated validator (evaluate.validator.generated.js, `npm run gen:validator`).
import type { ErrorObject } from 'ajv';

interface GeneratedValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

declare const validate: GeneratedValidator;
export default validate;
