import { businessToday } from './dates';

// The one clock of business time. "Today" (a business date in Asia/Shanghai)
// comes from here, never from the wall clock in a service, so that the tests
// set the day they run on (and CI can run the whole suite 400 days ahead).
// Security time (session expiry, audit timestamps, payment-notification age)
// stays real time: it guards against the real world, not business rules. TOTP
// reads clock.now(), which is the wall clock in production and a still clock in
// the tests, so a test cannot straddle a 30-second period.

export interface Clock {
  now(): Date;
  /** the business date in Asia/Shanghai, 'YYYY-MM-DD' */
  today(): string;
}

export const systemClock: Clock = {
  now: () => new Date(),
  today: () => businessToday(new Date()),
};

/** A clock that stands still at `at` until set again (tests). */
export function fixedClock(at: string | Date): Clock & { set(at: string | Date): void } {
  let t = new Date(at);
  return {
    now: () => new Date(t),
    today: () => businessToday(t),
    set(next) {
      t = new Date(next);
    },
  };
}
