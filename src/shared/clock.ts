/**
 * The platform's notion of "now". Business rules (class approval before its start, the public
 * notice, application dates) read it instead of the system clock, so tests can walk through a
 * five-working-day notice and a training environment can run on the programme's own dates
 * (the five documents' policies ended on 2021-12-31).
 */
export interface Clock {
  now(): Date;
  /** Today's date in China time, `YYYY-MM-DD`. */
  today(): string;
}

const CHINA_OFFSET_MS = 8 * 3600_000;

/** The calendar date of an instant in China time. */
export function chinaDateOf(instant: Date): string {
  return new Date(instant.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

export const systemClock: Clock = {
  now: () => new Date(),
  today: () => chinaDateOf(new Date()),
};

/** A clock that starts at 09:00 China time on `startDate` and then runs at normal speed. */
export function shiftedClock(startDate: string): Clock {
  const offsetMs = Date.parse(`${startDate}T09:00:00+08:00`) - Date.now();
  const now = () => new Date(Date.now() + offsetMs);
  return { now, today: () => chinaDateOf(now()) };
}

/** A clock that stands still until moved; for tests. */
export class ManualClock implements Clock {
  #instant: Date;
  constructor(start: string | Date) {
    this.#instant = typeof start === 'string' ? new Date(start) : start;
  }
  now(): Date {
    return new Date(this.#instant);
  }
  today(): string {
    return chinaDateOf(this.#instant);
  }
  set(instant: string | Date): void {
    this.#instant = typeof instant === 'string' ? new Date(instant) : instant;
  }
  advanceDays(days: number): void {
    this.#instant = new Date(this.#instant.getTime() + days * 86_400_000);
  }
}

/**
 * The training clock of demo mode: like `shiftedClock` it runs at normal speed from 09:00 China
 * time on `startDate`, and an administrator may move it forward (never back), so a visitor plays
 * a class from filing to payment without restarting the server.
 */
export class DemoClock implements Clock {
  #offsetMs: number;
  constructor(startDate: string) {
    this.#offsetMs = Date.parse(`${startDate}T09:00:00+08:00`) - Date.now();
  }
  now(): Date {
    return new Date(Date.now() + this.#offsetMs);
  }
  today(): string {
    return chinaDateOf(this.now());
  }
  /** Moves the clock to 09:00 China time on `date`; the caller checks that it is a later day. */
  moveTo(date: string): void {
    this.#offsetMs = Date.parse(`${date}T09:00:00+08:00`) - Date.now();
  }
}

/** A clock an administrator may move (demo mode's training clock, or a test's manual clock). */
export function isMovableClock(clock: Clock): clock is DemoClock {
  return clock instanceof DemoClock;
}
