import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { businessToday } from '../../src/server/platform/dates';
import { createSimulatedProvider, type NotificationBody, type SimulatedProvider } from '../../src/server/platform/payments';
import { addMonthsTo, reconcile, settlePendingOrders } from '../../src/server/domains/dues';
import { createHarness, login, type Client, type Harness } from '../helpers/harness';
import { makeAccount, makeMember, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';

// Online dues payment through the provider interface with the simulated
// provider: signed asynchronous notifications that arrive twice, late,
// forged or with the wrong amount; the order-query fallback; reconciliation.

let h: Harness;
let provider: SimulatedProvider;
const delivered: NotificationBody[] = [];
let waiting: ((b: NotificationBody) => void) | null = null;
beforeAll(async () => {
  h = await createHarness();
  provider = h.deps.payments as SimulatedProvider;
  // capture the provider's notifications instead of handing them over; each test sends them itself
  provider.setDelivery(async (b) => {
    delivered.push(b);
    waiting?.(b);
  });
});
afterAll(async () => h.close());

const month = businessToday().slice(0, 7);
const nextNotification = () => new Promise<NotificationBody>((resolve) => {
  waiting = resolve;
});

async function setup() {
  const root = await makeRoot(h.deps);
  const branch = await makeOrg(h.deps, root, 'branch');
  const m = await makeMember(h.deps, branch.id, { name: '网上交费党员', since: '2020-01-01' });
  const sec = await login(h.app, (await makeAccount(h.deps, [{ role: 'secretary', orgId: branch.id, scope: 'node' }])).username, PASSWORD);
  const sup = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }])).username, PASSWORD);
  const me = await login(h.app, (await makeAccount(h.deps, [{ role: 'member', orgId: branch.id, scope: 'self' }], m.id)).username, PASSWORD);
  expect((await sec.post(`/api/v1/members/${m.id}/dues-bases`, { category: 'in_service', baseFen: 600000, effectiveMonth: '2026-01' })).statusCode).toBe(201);
  const prev = addMonthsTo(month, -1);
  for (const mo of [prev, month]) expect((await sec.post('/api/v1/dues/bills/generate', { orgId: branch.id, month: mo })).statusCode).toBe(200);
  const owed = (await me.get('/api/v1/me/dues')).json().owed as Array<{ id: string; month: string; dueFen: number }>;
  return { branch, m, sec, sup, me, owed };
}

const notify = (body: unknown) => h.app.inject({ method: 'POST', url: '/api/v1/payments/notify/simulated', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
const entries = (personId: string) => h.db.query<{ bill_id: string; method: string; amount_fen: string }>(sql`SELECT bill_id, method, amount_fen FROM dues_entry WHERE person_id = ${personId} ORDER BY id`);
const outcomes = (no: string) => h.db.query<{ outcome: string; verified: boolean }>(sql`SELECT outcome, verified FROM payment_notification WHERE out_trade_no = ${no} ORDER BY id`).then((r) => r.map((x) => `${x.verified ? '' : 'unverified:'}${x.outcome}`));

async function order(me: Client, billIds: string[]) {
  const r = await me.post('/api/v1/me/dues/orders', { billIds });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { outTradeNo: string; amountFen: number; payUrl: string };
}

describe('online dues payment', () => {
  it('settles an order once from a signed notification, however often it arrives, and refuses forged and wrong-amount ones', async () => {
    const s = await setup();
    expect(s.owed.map((b) => b.dueFen)).toEqual([9000, 9000]); // 6000 元 × 1.5 %
    const o = await order(s.me, s.owed.map((b) => b.id));
    expect(o.amountFen).toBe(18000);
    // forged before anything happens: a signature with another key, and a tampered amount
    const forger = createSimulatedProvider('not-the-key');
    const fake = forger.sign({ out_trade_no: o.outTradeNo, trade_no: 'SIMFAKE', total_fen: 18000, trade_status: 'SUCCESS', paid_at: new Date().toISOString() });
    expect((await notify(fake)).statusCode).toBe(400);
    const arriving = nextNotification();
    expect((await s.me.post(`/api/v1/me/dues/orders/${o.outTradeNo}/simulate`, {})).statusCode).toBe(200);
    const real = await arriving;
    expect((await notify({ ...real, total_fen: 100 })).statusCode).toBe(400); // tampered: the signature no longer matches
    const wrongAmount = provider.sign({ ...real, total_fen: 17999 }); // correctly signed, but not what was ordered
    expect((await notify(wrongAmount)).statusCode).toBe(400);
    expect((await s.me.get(`/api/v1/me/dues/orders/${o.outTradeNo}`)).json().status).toBe('pending');
    // the real one, twice at once and once more later
    const [a, b] = await Promise.all([notify(real), notify(real)]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect((await notify(real)).json()).toEqual({ code: 'SUCCESS', message: 'duplicate' });
    expect((await entries(s.m.id)).map((e) => [e.method, Number(e.amount_fen)])).toEqual([['online', 9000], ['online', 9000]]);
    expect((await s.me.get(`/api/v1/me/dues/orders/${o.outTradeNo}`)).json().status).toBe('paid');
    expect((await s.me.get('/api/v1/me/dues')).json()).toMatchObject({ owedFen: 0, unpaidMonths: 0 });
    expect((await outcomes(o.outTradeNo)).sort()).toEqual(['amount_mismatch', 'duplicate', 'duplicate', 'settled', 'unverified:forged', 'unverified:forged'].sort());
  });

  it('settles by querying the provider when the notification is lost; the late notification is then a duplicate', async () => {
    const s = await setup();
    const o = await order(s.me, [s.owed[0].id]);
    const arriving = nextNotification();
    await provider.pay(o.outTradeNo);
    const late = await arriving; // held back: "lost" for now
    const outcome = await settlePendingOrders(h.deps, 0);
    expect(outcome[o.outTradeNo]).toBe('settled');
    expect((await notify(late)).json().message).toBe('duplicate');
    expect((await entries(s.m.id)).length).toBe(1);
  });

  it('flags a refund when the branch recorded the same month meanwhile, and reconciles every difference', async () => {
    const s = await setup();
    const o1 = await order(s.me, [s.owed[0].id]);
    const o2 = await order(s.me, [s.owed[1].id]);
    // the branch takes cash for the first month before the online payment comes in
    expect((await s.sec.post('/api/v1/dues/payments', { billIds: [s.owed[0].id], method: 'cash', paidOn: businessToday(), idempotencyKey: `k-${crypto.randomUUID()}` })).statusCode).toBe(200);
    const n1 = nextNotification();
    await provider.pay(o1.outTradeNo);
    expect((await notify(await n1)).json().message).toBe('already_paid_refund_due');
    // the second is paid at the provider but its notification never arrives and nobody has queried yet
    const n2 = nextNotification();
    await provider.pay(o2.outTradeNo);
    await n2;
    const r = await reconcile(h.deps, businessToday());
    const mine = r.differences.filter((d) => d.outTradeNo === o1.outTradeNo || d.outTradeNo === o2.outTradeNo);
    expect(mine.sort((x, y) => x.kind.localeCompare(y.kind))).toEqual([
      { outTradeNo: o2.outTradeNo, kind: 'not_settled', providerFen: 9000, ourFen: 9000 },
      { outTradeNo: o1.outTradeNo, kind: 'refund_due', providerFen: 9000, ourFen: 9000 },
    ]);
    // the reconciliation is kept, and the committee can run it through the API
    const api = await s.sup.post('/api/v1/dues/reconciliation', { day: businessToday() });
    expect(api.statusCode).toBe(200);
    expect(api.json().differences.length).toBe(r.differences.length);
    expect((await s.sec.post('/api/v1/dues/reconciliation', { day: businessToday() })).statusCode).toBe(403);
  });

  it('does not take online payment for months more than 6 back, nor for bills of another member', async () => {
    const s = await setup();
    const other = await makeMember(h.deps, s.branch.id, { since: '2020-01-01' });
    await h.db.exec(sql`INSERT INTO dues_bill (person_id, org_id, month, category, computed_fen, due_fen, rule_version_id)
      SELECT ${s.m.id}, ${s.branch.id}, (date_trunc('month', now()) - interval '8 months')::date, 'in_service', 9000, 9000, id FROM rule_version WHERE domain = 'dues'`);
    const old = (await s.me.get('/api/v1/me/dues')).json().owed[0] as { id: string };
    const refused = await s.me.post('/api/v1/me/dues/orders', { billIds: [old.id] });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toContain('补交一般不超过6个月');
    await h.db.exec(sql`INSERT INTO dues_base (person_id, category, base_fen, effective_month) VALUES (${other.id}, 'student', NULL, '2026-01-01')`);
    expect((await s.sec.post('/api/v1/dues/bills/generate', { orgId: s.branch.id, month })).statusCode).toBe(200);
    const theirs = await h.db.one<{ id: string }>(sql`SELECT id FROM dues_bill WHERE person_id = ${other.id}`);
    expect((await s.me.post('/api/v1/me/dues/orders', { billIds: [theirs.id] })).statusCode).toBe(404);
    expect(delivered.length).toBeGreaterThan(0);
  });

  it('lets the simulated cashier pay an order created before a restart of the provider', async () => {
    const s = await setup();
    const o = await order(s.me, [s.owed[0].id]);
    expect((await s.me.get(`/api/v1/me/dues/orders/${o.outTradeNo}`)).json()).toMatchObject({ status: 'pending', months: [s.owed[0].month], amountFen: 9000 });
    const before = h.deps.payments;
    const fresh = createSimulatedProvider('test-payments-secret');
    const arriving = new Promise<NotificationBody>((resolve) => fresh.setDelivery(async (b) => resolve(b)));
    h.deps.payments = fresh;
    try {
      expect((await s.me.post(`/api/v1/me/dues/orders/${o.outTradeNo}/simulate`, {})).statusCode).toBe(200);
      expect((await notify(await arriving)).json().message).toBe('settled');
      expect((await s.me.post(`/api/v1/me/dues/orders/${o.outTradeNo}/simulate`, {})).statusCode).toBe(409);
    } finally {
      h.deps.payments = before;
    }
  });
});
