/**
 * Names for the API's answers, all taken from the generated openapi.d.ts (never written by hand):
 * `Answer<'/api/claims/{id}', 'get'>` is the success body of that operation, `QueryOf<…>` its
 * query parameters, `BodyOf<…>` its JSON request body.
 */
import type { paths } from './openapi.d.ts';

type JsonContent<Response> = Response extends { content: { 'application/json': infer Body } } ? Body : never;
type SuccessStatus = 200 | 201 | 202 | 204 | '2XX';

/** The JSON success body of an operation. */
export type Answer<Path extends keyof paths, Method extends keyof paths[Path]> = paths[Path][Method] extends {
  responses: infer Responses;
}
  ? JsonContent<Responses[Extract<keyof Responses, SuccessStatus>]>
  : never;

/** The query parameters of an operation. */
export type QueryOf<
  Path extends keyof paths,
  Method extends keyof paths[Path],
> = paths[Path][Method] extends {
  parameters: { query?: infer Query };
}
  ? NonNullable<Query>
  : never;

/** The JSON request body of an operation. */
export type BodyOf<Path extends keyof paths, Method extends keyof paths[Path]> = paths[Path][Method] extends {
  requestBody?: infer Body;
}
  ? JsonContent<NonNullable<Body>>
  : never;

/** One page of a list: `{ items, total, page, pageSize }`. */
export interface Page<Item> {
  items: Item[];
  total: number;
  page: number;
  pageSize: number;
}

export type ClaimSummary = Answer<'/api/claims', 'get'>['items'][number];
export type ClaimDetail = Answer<'/api/claims/{id}', 'get'>;
export type ClaimLine = ClaimDetail['lines'][number];
export type EngineDecision = ClaimLine['decision'];
/** One item of a claim's materials checklist (申报材料清单), with what has been uploaded to it. */
export type MaterialItem = Answer<'/api/claims/{id}/materials', 'get'>['items'][number];

/** A real-name person with their groups; ID number and phone masked unless the role may unmask. */
export type Person = Answer<'/api/persons/{id}', 'get'>;

/** A special-account ledger account with its posted totals. */
export type LedgerAccount = Answer<'/api/ledger/accounts', 'get'>['items'][number];

/** A training class without its sessions, as listed. */
export type ClassSummary = Answer<'/api/classes', 'get'>['items'][number];
/** A training class with its sessions (课程表). */
export type TrainingClass = Answer<'/api/classes/{id}', 'get'>;
