/** Money is integer fen on the wire; people read 元 with two decimals. */
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined || Number.isNaN(fen)) return '—';
  const sign = fen < 0 ? '-' : '';
  const absolute = Math.abs(Math.trunc(fen));
  const whole = Math.floor(absolute / 100).toLocaleString('zh-CN');
  const cents = String(absolute % 100).padStart(2, '0');
  return `${sign}${whole}.${cents} 元`;
}

/** `2026-03-01T02:00:00.000Z` → `2026-03-01 10:00` (China time, what officers read). */
export function dateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const instant = new Date(value);
  if (Number.isNaN(instant.getTime())) return value;
  return new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

export function date(value: string | null | undefined): string {
  if (!value) return '—';
  return value.length > 10 ? dateTime(value).slice(0, 10) : value;
}

/** Server's business time minus this browser's clock (GET /api/clock; a training environment runs on 2021 dates). */
let businessOffsetMs = 0;

/** Adopts the server's business time (its `now`), so that default dates in forms are business dates. */
export function setBusinessNow(serverNow: string): void {
  const instant = Date.parse(serverNow);
  if (!Number.isNaN(instant)) businessOffsetMs = instant - Date.now();
}

/** Now on the server's business clock. */
export function businessNow(): Date {
  return new Date(Date.now() + businessOffsetMs);
}

/** Today in China time on the business clock, YYYY-MM-DD. */
export function today(): string {
  return new Date(businessNow().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/**
 * The last line of defence against showing an ID number in full. The API masks for roles
 * without person.unmask; this never un-masks, it only checks (used by the browser tests too).
 */
export const FULL_ID_NUMBER =
  /\b[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]\b/;
