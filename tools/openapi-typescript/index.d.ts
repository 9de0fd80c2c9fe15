/** The text of web/src/api/openapi.d.ts for an OpenAPI document. */
export function clientTypesOf(document: Record<string, unknown>): Promise<string>;
