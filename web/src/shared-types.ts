/** Shapes of the API answers the workbench reads (see /api/docs/json). */

// Generated from the OpenAPI document (api/types.ts); re-exported for the pages not moved yet.
export type {
  ClaimDetail,
  ClaimLine,
  ClaimSummary,
  ClassSummary,
  MaterialItem,
  Person,
  TrainingClass,
} from './api/types.ts';
