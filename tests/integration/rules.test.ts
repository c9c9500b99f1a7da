import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { ruleInForce } from '../../src/server/platform/rules';
import { createHarness, type Harness } from '../helpers/harness';
import { makeRoot, makeOrg } from '../helpers/factory';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

describe('rule versions (rules as data)', () => {
  it('the org setup rule of RULES §3 is stored with its source', async () => {
    const r = await ruleInForce<Record<string, number>>(h.db, 'org', 'setup', '2026-01-01');
    expect(r.body).toEqual({ minFullMembers: 3, maxMembers: 50, committeeFromFullMembers: 7, termYearsVillageCommunity: 5, termYearsOther: 3, termWarningDays: 90 });
    expect(r.source).toContain('中国共产党支部工作条例');
  });

  it('picks the version in force on the business date and lets a subtree override the national rule', async () => {
    const root = await makeRoot(h.deps);
    const child = await makeOrg(h.deps, root, 'committee');
    const other = await makeRoot(h.deps);
    const key = `k${Date.now()}`;
    await h.db.exec(sql`INSERT INTO rule_version (domain, key, effective_from, effective_to, source, body) VALUES
      ('test', ${key}, '2020-01-01', '2025-01-01', 'old national', '{"v":1}'),
      ('test', ${key}, '2025-01-01', NULL, 'new national', '{"v":2}')`);
    await h.db.exec(sql`INSERT INTO rule_version (domain, key, scope_org_id, effective_from, source, body) VALUES ('test', ${key}, ${root.id}, '2024-06-01', 'local', '{"v":3}')`);
    expect((await ruleInForce<{ v: number }>(h.db, 'test', key, '2024-12-31')).body.v).toBe(1);
    expect((await ruleInForce<{ v: number }>(h.db, 'test', key, '2025-01-01')).body.v).toBe(2);
    expect((await ruleInForce<{ v: number }>(h.db, 'test', key, '2025-01-01', child.path)).body.v).toBe(3);
    expect((await ruleInForce<{ v: number }>(h.db, 'test', key, '2024-05-31', child.path)).body.v).toBe(1);
    expect((await ruleInForce<{ v: number }>(h.db, 'test', key, '2025-01-01', other.path)).body.v).toBe(2);
    await expect(ruleInForce(h.db, 'test', key, '2019-12-31')).rejects.toThrow(/no rule/);
  });
});
