import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/server/platform/clock';
import { createHarness, login, type Client, type Harness } from '../helpers/harness';
import { makeAccount, makeMember, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';
import { expirePoints, releaseStaleReservations, verifyPoints } from '../../src/server/domains/points';
import type { PointBalance, PointRules, PointTxnResult } from '../../src/contracts/points';

// Model-based test of the points ledger (issue 14): random sequences of
// award / deduct / reserve / confirm / release / reverse / year-end expiry
// through the API, each checked against a model kept here in memory, written
// from the rules as stated (not from the code): awards add, deductions
// subtract (the balance may go below zero), a reservation moves points to hold
// only when the balance covers it, confirming spends them, releasing gives
// them back, a reversal undoes an award or a deduction once, and at the turn
// of the year a member keeps at most the points of awards still valid.

const clock = fixedClock('2026-01-05T04:00:00Z');
let h: Harness;
beforeAll(async () => {
  h = await createHarness({}, { clock });
});
afterAll(async () => h.close());

const RULES: PointRules = {
  items: [
    { key: 'manual.award', label: '先锋作用', points: 10, caps: {} },
    { key: 'manual.deduction', label: '违反纪律', points: -20, caps: {} },
  ],
  // points awarded in a year expire at its end
  expiry: { yearsAfterAward: 0 },
  secondApproverAbove: 1000,
};

type Op =
  | { op: 'award'; n: number }
  | { op: 'deduct'; n: number }
  | { op: 'reserve'; n: number }
  | { op: 'confirm'; pick: number }
  | { op: 'release'; pick: number }
  | { op: 'reverse'; pick: number }
  | { op: 'replay' }
  | { op: 'yearEnd' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('award' as const), n: fc.integer({ min: 1, max: 30 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('deduct' as const), n: fc.integer({ min: 1, max: 15 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('reserve' as const), n: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('confirm' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('release' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('reverse' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'replay' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'yearEnd' as const }) },
);

interface Model {
  year: number;
  balance: number;
  hold: number;
  /** awards and deductions: id, signed points, the year they count in (awards), reversed */
  entries: Array<{ id: number; points: number; year: number; reversed: boolean }>;
  open: Array<{ id: number; n: number }>;
  last: { key: string; body: Record<string, unknown>; url: string; id: number } | null;
}

let runNo = 0;

describe('the points ledger against a model', () => {
  it('agrees with the model after every step of random sequences, and verifies clean', { timeout: 240_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 18 }), async (ops) => {
        runNo++;
        clock.set('2026-01-05T04:00:00Z');
        const root = await makeRoot(h.deps, `模型测试县委${runNo}`);
        const branch = await makeOrg(h.deps, root, 'branch', `模型测试支部${runNo}`);
        const person = await makeMember(h.deps, branch.id, { name: '模型党员' });
        const sec: Client = await login(h.app, (await makeAccount(h.deps, [{ role: 'secretary', orgId: branch.id, scope: 'subtree' }])).username, PASSWORD);
        const p = await sec.post('/api/v1/points/rules/proposals', { orgId: branch.id, effectiveFrom: '2026-01-05', rules: RULES });
        expect((await sec.post(`/api/v1/points/rules/proposals/${p.json().id}/approve`, { version: 0, votedOn: '2026-01-05', expected: 5, present: 5, written: 0, yes: 5, no: 0, abstain: 0 })).statusCode).toBe(200);

        const m: Model = { year: 2026, balance: 0, hold: 0, entries: [], open: [], last: null };
        let k = 0;
        const key = () => `model-${runNo}-${++k}`;
        const today = () => `${m.year}-01-05`;
        const send = async (url: string, body: Record<string, unknown>) => {
          const res = await sec.post(url, body);
          m.last = res.statusCode === 200 ? { key: String(body.idempotencyKey), body, url, id: (res.json() as PointTxnResult).txn?.id ?? 0 } : m.last;
          return res;
        };

        for (const o of ops) {
          switch (o.op) {
            case 'award':
            case 'deduct': {
              const res = await send('/api/v1/points/awards', { personId: person.id, item: o.op === 'award' ? 'manual.award' : 'manual.deduction', points: o.n, factDate: today(), reason: '模型测试事由', idempotencyKey: key() });
              expect(res.statusCode, res.body).toBe(200);
              const signed = o.op === 'award' ? o.n : -o.n;
              m.entries.push({ id: res.json().txn.id, points: signed, year: m.year, reversed: false });
              m.balance += signed;
              break;
            }
            case 'reserve': {
              const res = await send('/api/v1/points/reservations', { personId: person.id, points: o.n, reason: '模型测试兑换', idempotencyKey: key() });
              if (m.balance >= o.n) {
                expect(res.statusCode, res.body).toBe(200);
                m.open.push({ id: res.json().txn.id, n: o.n });
                m.balance -= o.n;
                m.hold += o.n;
              } else {
                expect(res.statusCode).toBe(422);
                expect(res.json().error.code).toBe('POINTS_INSUFFICIENT');
              }
              break;
            }
            case 'confirm':
            case 'release': {
              if (!m.open.length) break;
              const [r] = m.open.splice(o.pick % m.open.length, 1);
              const res = await send(`/api/v1/points/reservations/${r.id}/${o.op}`, { idempotencyKey: key() });
              expect(res.statusCode, res.body).toBe(200);
              m.hold -= r.n;
              if (o.op === 'release') m.balance += r.n;
              break;
            }
            case 'reverse': {
              if (!m.entries.length) break;
              const e = m.entries[o.pick % m.entries.length];
              const res = await send(`/api/v1/points/entries/${e.id}/reverse`, { reason: '模型测试冲正', idempotencyKey: key() });
              if (e.reversed) {
                expect(res.statusCode).toBe(409);
              } else {
                expect(res.statusCode, res.body).toBe(200);
                e.reversed = true;
                m.balance -= e.points;
              }
              break;
            }
            case 'replay': {
              if (!m.last) break;
              const again = await sec.post(m.last.url, m.last.body);
              expect(again.statusCode, again.body).toBe(200);
              expect(again.json().replayed).toBe(true);
              expect(again.json().txn?.id ?? 0).toBe(m.last.id);
              break;
            }
            case 'yearEnd': {
              // the new year: open reservations are given back after their 48 hours, then last year's points expire
              m.year++;
              clock.set(`${m.year}-01-01T04:00:00Z`);
              // (the job releases every stale reservation in the database; this member's show in the balance check below)
              expect(await releaseStaleReservations(h.deps, 48)).toBeGreaterThanOrEqual(m.open.length);
              for (const r of m.open.splice(0)) {
                m.hold -= r.n;
                m.balance += r.n;
              }
              await expirePoints(h.deps, `${m.year}-01-01`);
              const valid = m.entries.filter((e) => e.points > 0 && !e.reversed && e.year >= m.year).reduce((s, e) => s + e.points, 0);
              if (m.balance > valid) m.balance = valid;
              clock.set(`${m.year}-01-05T04:00:00Z`);
              break;
            }
          }
          const b = (await sec.get(`/api/v1/points/balance/${person.id}`)).json() as PointBalance;
          expect({ balance: b.balance, onHold: b.onHold }, `after ${JSON.stringify(o)}`).toEqual({ balance: m.balance, onHold: m.hold });
        }
        const v = await verifyPoints(h.db, person.id);
        expect([...v.broken, ...v.balanceDrift, ...v.unbalanced]).toEqual([]);
        expect((await verifyPoints(h.db)).rollup.filter((r) => r.org_id === branch.id)).toEqual([]);
      }),
      { seed: 20261205, numRuns: 25 },
    );
  });
});
