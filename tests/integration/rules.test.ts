import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { ruleInForce } from '../../src/server/platform/rules';
import { createHarness, type Harness } from '../helpers/harness';
import { makeRoot, makeOrg } from '../helpers/factory';
import { describeRule } from '../../src/contracts/rule-labels';

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

  it('every field of every rule version the migrations store has a Chinese label on the 规则版本 page', async () => {
    // the statutory rules only: the test above adds rules of its own under domain 'test'
    const rows = await h.db.query<{ domain: string; key: string; body: unknown }>(sql`SELECT domain, key, body FROM rule_version WHERE domain <> 'test' ORDER BY domain, key, effective_from`);
    expect(rows.map((r) => `${r.domain}.${r.key}`)).toEqual(expect.arrayContaining(['dues.rates', 'development.intervals', 'development.readmission', 'development.reminders', 'org.setup']));
    for (const r of rows) {
      const d = describeRule(r.domain, r.key, r.body);
      expect(d.name, `${r.domain}.${r.key}`).not.toBe('未命名规则');
      expect(d.unlabelled, `${r.domain}.${r.key}`).toEqual([]);
      for (const row of d.rows) expect(row.value, `${r.domain}.${r.key}.${row.field}`).not.toMatch(/—|undefined|\[object/);
    }
  });

  it('reads the dues brackets and the readmission wait as sentences', async () => {
    const dues = await ruleInForce(h.db, 'dues', 'rates', '2026-01-01');
    const rows = Object.fromEntries(describeRule('dues', 'rates', dues.body).rows.map((r) => [r.field, r.value]));
    expect(rows.salariedBrackets).toBe('3000.00元以下（含）0.5%；5000.00元以下（含）1%；10000.00元以下（含）1.5%；10000.00元以上 2%');
    expect(rows.fixedFen).toBe('0.20元');
    const re = await ruleInForce(h.db, 'development', 'readmission', '2026-01-01');
    const reRows = Object.fromEntries(describeRule('development', 'readmission', re.body).rows.map((r) => [r.field, r.value]));
    expect(reRows.waitYearsAfter).toBe('出党（开除）：5年内不得重新入党');
    expect(reRows.refusedStatuses).toBe('停止党籍、死亡');
  });
});
