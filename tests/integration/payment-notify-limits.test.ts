import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness';

// The public notification route is rate-limited per address (review M3):
// PAYMENT_NOTIFY_RATE_PER_MINUTE, here 3.

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ PAYMENT_NOTIFY_RATE_PER_MINUTE: '3' });
});
afterAll(async () => h.close());

describe('payment notification rate limit', () => {
  it('answers 429 with the error envelope once an address exceeds the limit', async () => {
    const send = (ip: string) => h.app.inject({ method: 'POST', url: '/api/v1/payments/notify/simulated', remoteAddress: ip, headers: { 'content-type': 'application/json' }, payload: '{"out_trade_no":"X"}' });
    const first = [await send('198.51.100.7'), await send('198.51.100.7'), await send('198.51.100.7')];
    expect(first.map((r) => r.statusCode)).toEqual([400, 400, 400]);
    const limited = await send('198.51.100.7');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    // another address is not affected
    expect((await send('198.51.100.8')).statusCode).toBe(400);
  });
});
