import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { businessToday } from '../../src/server/platform/dates';
import { createWechatPayProvider } from '../../src/server/platform/wechatpay';
import { createAlipayProvider } from '../../src/server/platform/alipay';
import type { PaymentProvider } from '../../src/server/platform/payments';
import { addMonthsTo, reconcile, settlePendingOrders } from '../../src/server/domains/dues';
import { createHarness, login, type Client, type Harness, TEST_TODAY } from '../helpers/harness';
import { makeAccount, makeMember, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';
import { rsaPair, startFakeAlipay, startFakeWechatPay } from '../helpers/payment-gateways';

// WeChat Pay (API v3) and Alipay through their SDKs against local fake
// gateways on loopback that sign with keys generated here: an order paid at
// the gateway settles its bills exactly once; forged, wrong-amount, late and
// unknown-order notifications are refused and leave the bills unpaid; a replay
// is a duplicate; the order query settles a lost notification; reconciliation
// against the gateway's daily bill matches.

let h: Harness;
let wx: Awaited<ReturnType<typeof startFakeWechatPay>>;
let ali: Awaited<ReturnType<typeof startFakeAlipay>>;
const NOTIFY_BASE = 'https://dangjian.example.gov.cn';

beforeAll(async () => {
  h = await createHarness();
  [wx, ali] = await Promise.all([startFakeWechatPay(), startFakeAlipay()]);
});
afterAll(async () => {
  await Promise.all([wx?.close(), ali?.close()]);
  await h?.close();
});

const month = TEST_TODAY.slice(0, 7);

async function setup() {
  const root = await makeRoot(h.deps);
  const branch = await makeOrg(h.deps, root, 'branch');
  const m = await makeMember(h.deps, branch.id, { since: '2020-01-01' });
  const sec = await login(h.app, (await makeAccount(h.deps, [{ role: 'secretary', orgId: branch.id, scope: 'node' }])).username, PASSWORD);
  const me = await login(h.app, (await makeAccount(h.deps, [{ role: 'member', orgId: branch.id, scope: 'self' }], m.id)).username, PASSWORD);
  expect((await sec.post(`/api/v1/members/${m.id}/dues-bases`, { category: 'in_service', baseFen: 600000, effectiveMonth: '2026-01' })).statusCode).toBe(201);
  for (const mo of [addMonthsTo(month, -1), month]) expect((await sec.post('/api/v1/dues/bills/generate', { orgId: branch.id, month: mo })).statusCode).toBe(200);
  const owed = (await me.get('/api/v1/me/dues')).json().owed as Array<{ id: string; month: string; dueFen: number }>;
  return { m, me, owed };
}

const entries = (personId: string) => h.db.query<{ bill_id: string; method: string; amount_fen: string }>(sql`SELECT bill_id, method, amount_fen FROM dues_entry WHERE person_id = ${personId} ORDER BY id`);
const notes = (no: string) => h.db.query<{ verified: boolean; outcome: string; has_body: boolean }>(sql`SELECT verified, outcome, body IS NOT NULL AS has_body FROM payment_notification WHERE out_trade_no = ${no} ORDER BY id`);
const post = (provider: string, n: { body: string; headers: Record<string, string> }) => h.app.inject({ method: 'POST', url: `/api/v1/payments/notify/${provider}`, headers: n.headers, payload: n.body });

async function order(me: Client, billIds: string[]) {
  const r = await me.post('/api/v1/me/dues/orders', { billIds });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { outTradeNo: string; amountFen: number; payUrl: string; provider: string };
}

function use(p: PaymentProvider) {
  h.deps.payments = p;
}

describe('WeChat Pay API v3 (wechatpay-axios-plugin) against a fake gateway', () => {
  it('settles an order paid at the gateway exactly once and refuses forged, wrong-amount, late and unknown-order notifications', async () => {
    use(createWechatPayProvider({ ...wx.options, notifyUrlBase: NOTIFY_BASE, notifyMaxAgeSeconds: 300 }));
    const s = await setup();
    expect((await s.me.get('/api/v1/me/dues')).json().onlinePayment).toEqual({ available: true, provider: '微信支付', simulated: false });
    const o = await order(s.me, [s.owed[0].id]);
    expect(o.provider).toBe('微信支付');
    expect(o.payUrl).toMatch(/^https:\/\/wx\.tenpay\.com\/.*&redirect_url=https%3A%2F%2Fdangjian\.example\.gov\.cn%2Fm%2Fpay%2FDJ/);
    // the simulated cashier does not exist here
    expect((await s.me.post(`/api/v1/me/dues/orders/${o.outTradeNo}/simulate`, {})).statusCode).toBe(404);
    wx.pay(o.outTradeNo);
    const refusals = [
      wx.notification(o.outTradeNo, { forge: true }),
      wx.notification(o.outTradeNo, { amountFen: 1 }),
      wx.notification(o.outTradeNo, { timestamp: Math.floor(Date.now() / 1000) - 600 }),
      wx.notification('DJ20260101UNKNOWN0001', { amountFen: 9000 }),
    ];
    for (const n of refusals) {
      const r = await post('wechatpay', n);
      expect(r.statusCode).toBe(400);
      expect(r.json()).toEqual({ code: 'FAIL', message: '失败' });
    }
    // a valid body under the wrong signature header set is refused too
    const genuine = wx.notification(o.outTradeNo);
    expect((await post('wechatpay', { body: genuine.body, headers: { ...genuine.headers, 'wechatpay-nonce': 'other' } })).statusCode).toBe(400);
    expect((await s.me.get(`/api/v1/me/dues/orders/${o.outTradeNo}`)).json().status).toBe('pending');
    expect(await entries(s.m.id)).toEqual([]);
    // the genuine one settles; its replay is a duplicate
    const ok = await post('wechatpay', genuine);
    expect(ok.statusCode).toBe(200);
    expect((await post('wechatpay', genuine)).statusCode).toBe(200);
    expect((await entries(s.m.id)).map((e) => [e.bill_id, e.method, Number(e.amount_fen)])).toEqual([[s.owed[0].id, 'online', 9000]]);
    expect((await s.me.get(`/api/v1/me/dues/orders/${o.outTradeNo}`)).json().status).toBe('paid');
    // refused before decryption (forged, late) the order number is unknown: those are kept as digests without it
    expect(await notes(o.outTradeNo)).toEqual([
      { verified: true, outcome: 'amount_mismatch', has_body: true },
      { verified: true, outcome: 'settled', has_body: true },
      { verified: true, outcome: 'duplicate', has_body: true },
    ]);
    const refused = await h.db.query<{ outcome: string }>(sql`SELECT outcome FROM payment_notification WHERE provider = 'wechatpay' AND NOT verified ORDER BY id`);
    expect(refused.map((r) => r.outcome)).toEqual(['forged', 'late', 'forged']);
    const unknown = await h.db.one<{ outcome: string }>(sql`SELECT outcome FROM payment_notification WHERE out_trade_no = 'DJ20260101UNKNOWN0001'`);
    expect(unknown.outcome).toBe('unknown_order');
  });

  it('settles a lost notification by querying, closes expired orders at the gateway, and reconciles against the trade bill', async () => {
    use(createWechatPayProvider({ ...wx.options, notifyUrlBase: NOTIFY_BASE, notifyMaxAgeSeconds: 300 }));
    const s = await setup();
    const lost = await order(s.me, [s.owed[0].id]);
    wx.pay(lost.outTradeNo);
    const expiring = await order(s.me, [s.owed[1].id]);
    await h.db.exec(sql`UPDATE payment_order SET created_at = created_at - interval '31 minutes' WHERE out_trade_no = ${expiring.outTradeNo}`);
    const outcomes = await settlePendingOrders(h.deps, 0);
    expect(outcomes[lost.outTradeNo]).toBe('settled');
    expect(outcomes[expiring.outTradeNo]).toBe('closed');
    expect(wx.trades.get(expiring.outTradeNo)?.status).toBe('closed');
    // the late notification of the settled order is a duplicate
    expect((await post('wechatpay', wx.notification(lost.outTradeNo))).statusCode).toBe(200);
    expect((await entries(s.m.id)).length).toBe(1);
    const r = await reconcile(h.deps, businessToday(new Date()) /* the gateways pay in real time: their statement's day */);
    expect(r.provider).toBe('wechatpay');
    expect(r.differences).toEqual([]);
    expect(r.matched).toBe([...wx.trades.values()].filter((t) => t.status === 'paid').length);
    expect(wx.requests).toEqual(expect.arrayContaining(['POST /v3/pay/transactions/h5', `GET /v3/pay/transactions/out-trade-no/${lost.outTradeNo}`, `POST /v3/pay/transactions/out-trade-no/${expiring.outTradeNo}/close`, 'GET /v3/bill/tradebill']));
    // a trade the gateway took but we never settled is reported
    const extra = await order(s.me, [s.owed[1].id]);
    wx.pay(extra.outTradeNo);
    expect((await reconcile(h.deps, businessToday(new Date()) /* the gateways pay in real time: their statement's day */)).differences).toEqual([{ outTradeNo: extra.outTradeNo, kind: 'not_settled', providerFen: 9000, ourFen: 9000 }]);
  });
});

describe('answers not signed by the provider', () => {
  it('are refused: no order is taken on an unverified gateway answer, and a query is not believed', async () => {
    const other = rsaPair().publicKey;
    use(createWechatPayProvider({ ...wx.options, platformPublicKey: other, notifyUrlBase: NOTIFY_BASE, notifyMaxAgeSeconds: 300 }));
    const s = await setup();
    const r = await s.me.post('/api/v1/me/dues/orders', { billIds: [s.owed[0].id] });
    expect(r.statusCode).toBe(503);
    expect((await h.db.one<{ status: string }>(sql`SELECT status FROM payment_order WHERE ${s.owed[0].id}::uuid = ANY(bill_ids)`)).status).toBe('failed');
    // the bill is free again for a correctly configured provider
    use(createWechatPayProvider({ ...wx.options, notifyUrlBase: NOTIFY_BASE, notifyMaxAgeSeconds: 300 }));
    expect((await order(s.me, [s.owed[0].id])).provider).toBe('微信支付');
    const alipayWrongKey = createAlipayProvider({ ...ali.options, alipayPublicKey: other, notifyUrlBase: NOTIFY_BASE, notifyMaxAgeSeconds: 300 });
    await expect(alipayWrongKey.queryOrder('DJ20260101UNKNOWN0003')).rejects.toThrow(/验签失败/);
  });
});

describe('Alipay (alipay-sdk 4) against a fake gateway', () => {
  it('settles an order paid at the gateway exactly once and refuses forged, wrong-amount, late and unknown-order notifications', async () => {
    use(createAlipayProvider({ ...ali.options, notifyUrlBase: NOTIFY_BASE, notifyMaxAgeSeconds: 300 }));
    const s = await setup();
    expect((await s.me.get('/api/v1/me/dues')).json().onlinePayment).toEqual({ available: true, provider: '支付宝', simulated: false });
    const o = await order(s.me, [s.owed[0].id, s.owed[1].id]);
    expect(o.amountFen).toBe(18000);
    const pay = new URL(o.payUrl);
    expect(pay.origin).toBe(ali.url);
    expect(pay.searchParams.get('method')).toBe('alipay.trade.wap.pay');
    expect(pay.searchParams.get('notify_url')).toBe(`${NOTIFY_BASE}/api/v1/payments/notify/alipay`);
    expect(pay.searchParams.get('return_url')).toBe(`${NOTIFY_BASE}/m/pay/${o.outTradeNo}`);
    expect(await ali.open(o.payUrl)).toBe(200); // the gateway accepted our signature
    expect((await s.me.post(`/api/v1/me/dues/orders/${o.outTradeNo}/simulate`, {})).statusCode).toBe(404);
    ali.pay(o.outTradeNo);
    const refusals = [
      ali.notification(o.outTradeNo, { forge: true }),
      ali.notification(o.outTradeNo, { amountFen: 100 }),
      ali.notification(o.outTradeNo, { notifyTime: new Date(Date.now() - 10 * 60_000) }),
      ali.notification(o.outTradeNo, { appId: '2021009999999999' }),
      ali.notification('DJ20260101UNKNOWN0002', { amountFen: 9000 }),
    ];
    for (const n of refusals) {
      const r = await post('alipay', n);
      expect(r.statusCode).toBe(200);
      expect(r.body).toBe('fail'); // Alipay retries anything but "success"
    }
    expect(await entries(s.m.id)).toEqual([]);
    const genuine = ali.notification(o.outTradeNo);
    for (let i = 0; i < 2; i++) {
      const r = await post('alipay', genuine);
      expect(r.body).toBe('success');
    }
    expect((await entries(s.m.id)).map((e) => Number(e.amount_fen))).toEqual([9000, 9000]);
    expect((await notes(o.outTradeNo)).map((n) => `${n.verified ? '' : 'unverified:'}${n.outcome}${n.has_body ? '' : ' (digest only)'}`)).toEqual([
      'unverified:forged (digest only)', 'amount_mismatch', 'unverified:late (digest only)', 'unverified:forged (digest only)', 'settled', 'duplicate',
    ]);
    expect((await h.db.one<{ outcome: string }>(sql`SELECT outcome FROM payment_notification WHERE out_trade_no = 'DJ20260101UNKNOWN0002'`)).outcome).toBe('unknown_order');
  });

  it('settles a lost notification by querying, closes expired orders, and reconciles against the downloaded bill', async () => {
    use(createAlipayProvider({ ...ali.options, notifyUrlBase: NOTIFY_BASE, notifyMaxAgeSeconds: 300 }));
    const s = await setup();
    const lost = await order(s.me, [s.owed[0].id]);
    await ali.open(lost.payUrl);
    ali.pay(lost.outTradeNo);
    const expiring = await order(s.me, [s.owed[1].id]);
    await ali.open(expiring.payUrl);
    await h.db.exec(sql`UPDATE payment_order SET created_at = created_at - interval '31 minutes' WHERE out_trade_no = ${expiring.outTradeNo}`);
    const outcomes = await settlePendingOrders(h.deps, 0);
    expect(outcomes[lost.outTradeNo]).toBe('settled');
    expect(outcomes[expiring.outTradeNo]).toBe('closed');
    expect(ali.trades.get(expiring.outTradeNo)?.status).toBe('closed');
    expect((await post('alipay', ali.notification(lost.outTradeNo))).body).toBe('success');
    expect((await entries(s.m.id)).length).toBe(1);
    const r = await reconcile(h.deps, businessToday(new Date()) /* the gateways pay in real time: their statement's day */);
    expect(r.provider).toBe('alipay');
    expect(r.differences).toEqual([]);
    expect(r.matched).toBe([...ali.trades.values()].filter((t) => t.status === 'paid').length);
    expect(ali.requests).toEqual(expect.arrayContaining(['alipay.trade.wap.pay', 'alipay.trade.query', 'alipay.trade.close', 'alipay.data.dataservice.bill.downloadurl.query']));
  });
});
