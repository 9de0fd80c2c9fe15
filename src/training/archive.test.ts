import { describe, expect, it } from 'vitest';
import { parameterInForce } from '../policy/parameter.query.ts';
import { creditedOnlineHours } from './archive.service.ts';
import { classHoursBetween } from './class.service.ts';

describe('training credits', () => {
  it('counts online hours up to the share of the credited total the pack sets, all without one', () => {
    expect(creditedOnlineHours(30, 70, 100)).toBe(30);
    expect(creditedOnlineHours(30, 70, 10)).toBe(10);
    expect(creditedOnlineHours(undefined, 10, 40)).toBe(40);
  });
  it("asks Chongqing's pack for the share (渝人社发〔2021〕12号 二: 30 %), from the date it is in force", () => {
    const share = parameterInForce('500101', '2021-06-01', 'online.maxSharePercent');
    expect(share).toMatchObject({ value: 30, citation: { doc: '渝人社发〔2021〕12号' }, source: 'pack' });
    expect(parameterInForce('430421', '2021-06-01', 'online.maxSharePercent')).toBeUndefined();
    const published = parameterInForce('500000', '2021-08-01', 'online.maxSharePercent', [
      {
        packId: 'cn-500000-2021',
        key: 'online.maxSharePercent',
        effectiveFrom: '2021-07-01',
        value: 20,
        citation: { doc: '渝人社发〔2021〕12号', article: '二' },
      },
    ]);
    expect(published).toMatchObject({ value: 20, source: 'published' });
  });
  it('counts whole 45-minute class hours', () => {
    expect(classHoursBetween(new Date('2026-01-01T08:00:00Z'), new Date('2026-01-01T12:00:00Z'))).toBe(5);
    expect(classHoursBetween(new Date('2026-01-01T08:00:00Z'), new Date('2026-01-01T08:44:00Z'))).toBe(0);
  });
});
