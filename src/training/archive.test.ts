import { describe, expect, it } from 'vitest';
import { creditedOnlineHours } from './archive.service.ts';
import { classHoursBetween } from './class.service.ts';

describe('training credits', () => {
  it('counts Chongqing online hours up to 30 % of the credited total (渝人社发〔2021〕12号)', () => {
    expect(creditedOnlineHours('500000', 70, 100)).toBe(30);
    expect(creditedOnlineHours('500000', 70, 10)).toBe(10);
    expect(creditedOnlineHours('430000', 10, 40)).toBe(40);
  });
  it('counts whole 45-minute class hours', () => {
    expect(classHoursBetween(new Date('2026-01-01T08:00:00Z'), new Date('2026-01-01T12:00:00Z'))).toBe(5);
    expect(classHoursBetween(new Date('2026-01-01T08:00:00Z'), new Date('2026-01-01T08:44:00Z'))).toBe(0);
  });
});
