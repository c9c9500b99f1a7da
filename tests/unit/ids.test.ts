import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/server/platform/ids';

describe('uuidv7', () => {
  it('carries the millisecond timestamp, version 7 and the RFC variant', () => {
    const t = Date.UTC(2026, 10, 27, 10, 0, 0, 123);
    const id = uuidv7(t);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(t);
  });

  it('sorts by creation time across milliseconds and stays unique within one', () => {
    const ids = [1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000].map((t) => uuidv7(t));
    expect([...ids].sort()).toEqual(ids);
    const same = new Set(Array.from({ length: 10_000 }, () => uuidv7(1_700_000_000_000)));
    expect(same.size).toBe(10_000);
  });
});
