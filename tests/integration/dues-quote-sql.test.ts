import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness';
import { quoteAmount, type DuesRule } from '../../src/server/domains/dues';
import { quoteRowsSql } from '../../src/server/domains/dues/dues.repo';
import { ruleInForce } from '../../src/server/platform/rules';
import { BASED_CATEGORIES, DUES_CATEGORIES, type DuesCategory } from '../../src/contracts/dues';

// The bill generator prices new bills in SQL (B6); dues.policy quoteAmount is
// the reference. Both must agree for every category on every bracket boundary
// (at, one 分 below, one 分 above), for random bases, and for the [local]
// variants (rounding to 角, another farmers' amount, other brackets).

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

const CATEGORIES = Object.keys(DUES_CATEGORIES) as DuesCategory[];

async function compare(rule: DuesRule, cases: Array<{ category: DuesCategory; baseFen: number | null }>) {
  const got = await quoteRowsSql(h.db, rule, cases);
  const want = cases.map((c) => quoteAmount(rule, c.category, c.baseFen));
  expect(got.map((g) => ({ amountFen: g.amount_fen, rateBp: g.rate_bp }))).toEqual(want);
}

function boundaryCases(rule: DuesRule) {
  const cases: Array<{ category: DuesCategory; baseFen: number | null }> = [];
  for (const category of CATEGORIES) {
    if (!BASED_CATEGORIES.includes(category)) {
      cases.push({ category, baseFen: null });
      continue;
    }
    const brackets = category === 'retired' ? rule.retiredBrackets : rule.salariedBrackets;
    for (const b of brackets) if (b.upToFen !== null) for (const d of [-1, 0, 1]) cases.push({ category, baseFen: b.upToFen + d });
    cases.push({ category, baseFen: 0 }, { category, baseFen: 1 }, { category, baseFen: 99_999_999 });
  }
  return cases;
}

describe('the SQL quote of the bill generator', () => {
  it('equals the policy on every boundary of the national version and on random bases', async () => {
    const rule = (await ruleInForce<DuesRule>(h.db, 'dues', 'rates', '2026-11-01'))!.body;
    await compare(rule, boundaryCases(rule));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ category: fc.constantFrom(...BASED_CATEGORIES), baseFen: fc.integer({ min: 0, max: 5_000_000 }) }), { minLength: 1, maxLength: 50 }), (cases) =>
        compare(rule, cases),
      ),
      { numRuns: 30 },
    );
  });

  it('follows the [local] variants: rounding to 角, the farmers\' amount, other brackets', async () => {
    const national = (await ruleInForce<DuesRule>(h.db, 'dues', 'rates', '2026-11-01'))!.body;
    const local: DuesRule = {
      ...national,
      rounding: 'jiao',
      farmerFen: 100,
      fixedFen: 30,
      salariedBrackets: [{ upToFen: 250_000, rateBp: 50 }, { upToFen: 777_777, rateBp: 125 }, { upToFen: null, rateBp: 175 }],
    };
    await compare(local, boundaryCases(local));
    await compare(local, [15, 16, 4999, 5000, 5001, 9999].flatMap((baseFen) => [{ category: 'in_service' as const, baseFen: baseFen * 100 }, { category: 'retired' as const, baseFen: baseFen * 100 }]));
  });
});
