import { afterEach, describe, expect, it } from 'vitest';
import { businessNow, setBusinessNow, today } from '../../web/src/format.ts';

describe("the pages' business clock (GET /api/clock)", () => {
  afterEach(() => setBusinessNow(new Date().toISOString()));

  it("moves the pages' today to the server's business date, and keeps it running", () => {
    setBusinessNow('2021-05-06T01:00:00Z'); // 09:00 China time
    expect(today()).toBe('2021-05-06');
    const drift = Math.abs(businessNow().getTime() - Date.parse('2021-05-06T01:00:00Z'));
    expect(drift).toBeLessThan(5_000);
  });

  it('dates days in China time: 23:30 UTC is already the next day', () => {
    setBusinessNow('2021-05-06T23:30:00Z');
    expect(today()).toBe('2021-05-07');
  });

  it('ignores an unparsable answer and keeps the last business time', () => {
    setBusinessNow('2021-05-06T01:00:00Z');
    setBusinessNow('not a date');
    expect(today()).toBe('2021-05-06');
  });
});
