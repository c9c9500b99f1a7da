import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCalendar, publicNoticeEnd, type DevelopmentRule } from '../../src/server/domains/development';
import { ruleInForce } from '../../src/server/platform/rules';
import { createHarness, type Harness } from '../helpers/harness';

// The stored rule of RULES §1 and the 2025 holiday calendar of migration 0007.
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

describe('development rules and the working-day calendar as data', () => {
  it('stores the RULES §1 numbers with their source', async () => {
    const r = await ruleInForce<DevelopmentRule>(h.db, 'development', 'intervals', '2026-01-01');
    expect(r.source).toContain('中国共产党发展党员工作细则');
    expect(r.body).toMatchObject({ minApplicantAge: 18, activistMinYears: 1, introducerCount: 2, trainingMinDays: 3, trainingMinHours: 24, publicNoticeWorkingDays: 5, probationYears: 1, extensionMinMonths: 6, extensionMaxMonths: 12, approvalWithinMonths: 3, approvalExtendedMaxMonths: 6 });
  });

  it('a 公示 across the 2025 National Day holiday ends on 9 October (make-up Sunday counted)', async () => {
    const rule = (await ruleInForce<DevelopmentRule>(h.db, 'development', 'intervals', '2025-09-26')).body;
    const cal = await loadCalendar(h.db, 2025, 2025);
    expect(publicNoticeEnd(rule, cal, '2025-09-26')).toEqual({ date: '2025-10-09', provisional: false });
    // 2026 has no calendar configured here: Monday–Friday, provisional
    const cal26 = await loadCalendar(h.db, 2026, 2026);
    expect(publicNoticeEnd(rule, cal26, '2026-09-25')).toEqual({ date: '2026-10-01', provisional: true });
  });
});
