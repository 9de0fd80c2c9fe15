import type { FormInstance } from 'antd';
import { fieldErrors } from './api.ts';

/**
 * Shows an API error's details beside the form fields they name. Returns true when some detail
 * matched no field (or none matched at all), so the caller also shows a general message.
 */
export function showFieldErrors<Values>(
  form: FormInstance<Values>,
  error: unknown,
  knownFields: ReadonlyArray<ReadonlyArray<string | number>>,
): boolean {
  const { fields, unmatched } = fieldErrors(error, knownFields);
  // antd types field names per form; the names here come from the same forms' field lists.
  form.setFields(fields as Parameters<FormInstance<Values>['setFields']>[0]);
  return fields.length === 0 || unmatched.length > 0;
}
