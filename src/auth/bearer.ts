import type { FastifyRequest } from 'fastify';

/** Reads the bearer token of a request, if any. Tokens never travel in URLs or cookies. */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header?.startsWith('Bearer ')) return null;
  return header.slice('Bearer '.length).trim() || null;
}
