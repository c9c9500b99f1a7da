import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { createSimulatedProvider, type NotificationBody, type SimulatedProvider } from '../../src/server/platform/payments';
import { addMonthsTo, reconcile, settlePendingOrders } from '../../src/server/domains/dues';
import { createHarness, login, type Client, type Harness, TEST_TODAY } from '../helpers/harness';
import { makeAccount, makeMember, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';
import { ConfigError, loadConfig } from '../../src/server/platform/config';
import { createPaymentProvider } from '../../src/server/platform/payment-providers';
import { createFieldCipher } from '../../src/server/platform/crypto';
import { TEST_KEY } from '../helpers/harness';

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

const month = TEST_TODAY.slice(0, 7);
const nextNotification = () => new Promise<NotificationBody>((resolve) => {
  waiting = resolve;
});

async function setup(parent?: Awaited<ReturnType<typeof makeRoot>>) {
  const root = parent ?? (await makeRoot(h.deps));
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
    expect((await s.sec.post('/api/v1/dues/payments', { billIds: [s.owed[0].id], method: 'cash', paidOn: TEST_TODAY, idempotencyKey: `k-${crypto.randomUUID()}` })).statusCode).toBe(200);
    const n1 = nextNotification();
    await provider.pay(o1.outTradeNo);
    expect((await notify(await n1)).json().message).toBe('already_paid_refund_due');
    // the second is paid at the provider but its notification never arrives and nobody has queried yet
    const n2 = nextNotification();
    await provider.pay(o2.outTradeNo);
    await n2;
    const r = await reconcile(h.deps, TEST_TODAY);
    const mine = r.differences.filter((d) => d.outTradeNo === o1.outTradeNo || d.outTradeNo === o2.outTradeNo);
    expect(mine.sort((x, y) => x.kind.localeCompare(y.kind))).toEqual([
      { outTradeNo: o2.outTradeNo, kind: 'not_settled', providerFen: 9000, ourFen: 9000 },
      { outTradeNo: o1.outTradeNo, kind: 'refund_due', providerFen: 9000, ourFen: 9000 },
    ]);
    // the reconciliation is kept, and the committee can run it through the API
    const api = await s.sup.post('/api/v1/dues/reconciliation', { day: TEST_TODAY });
    expect(api.statusCode).toBe(200);
    expect(api.json().differences.length).toBe(r.differences.length);
    expect((await s.sec.post('/api/v1/dues/reconciliation', { day: TEST_TODAY })).statusCode).toBe(403);
  });

  it('does not take online payment for months more than 6 back, nor for bills of another member', async () => {
    const s = await setup();
    const other = await makeMember(h.deps, s.branch.id, { since: '2020-01-01' });
    await h.db.exec(sql`INSERT INTO dues_bill (person_id, org_id, month, category, computed_fen, due_fen, rule_version_id)
      SELECT ${s.m.id}, ${s.branch.id}, ${`${addMonthsTo(month, -8)}-01`}::date, 'in_service', 9000, 9000, id FROM rule_version WHERE domain = 'dues'`);
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


describe('online payment outside demo mode (review C2)', () => {
  const base = { DATA_DIR: '/tmp/dj-config-test', DATA_ENCRYPTION_KEY: TEST_KEY, AUDIT_HMAC_KEY: TEST_KEY };
  it('builds no simulated provider in production, refuses one by configuration, and keeps it in demo mode', () => {
    const cipher = createFieldCipher(TEST_KEY);
    const prod = loadConfig({ ...base, NODE_ENV: 'production' });
    expect(prod.payments.provider).toBe('none');
    expect(createPaymentProvider(prod, cipher)).toBeNull();
    expect(loadConfig({ ...base, NODE_ENV: 'development', DEMO_MODE: 'off' }).payments.provider).toBe('none');
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', PAYMENT_PROVIDER: 'simulated' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', DEMO_MODE: 'off', PAYMENT_PROVIDER: 'simulated' })).toThrow(/only in demo mode/);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', PAYMENT_PROVIDER: 'wechatpay' })).toThrow(/WECHATPAY_MCHID: required/);
    expect(createPaymentProvider(loadConfig({ ...base, NODE_ENV: 'development' }), cipher)?.simulated).toBe(true);
    expect(createPaymentProvider(loadConfig({ ...base, NODE_ENV: 'production', DEMO_MODE: 'on' }), cipher)?.simulated).toBe(true);
  });

  it('checks a real provider\'s variables at start, naming the variable', () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const priv = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const pub = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const bare = pub.replace(/-----[^-]+-----|\s/g, ''); // the Alipay key tool prints bare base64
    const alipay = { ...base, NODE_ENV: 'production', PAYMENT_PROVIDER: 'alipay', PAYMENT_NOTIFY_URL_BASE: 'https://dj.example.gov.cn', ALIPAY_APP_ID: '2021004100000001', ALIPAY_APP_PRIVATE_KEY: priv, ALIPAY_PUBLIC_KEY: bare };
    const c = loadConfig(alipay);
    expect(c.payments.provider).toBe('alipay');
    expect(createPaymentProvider(c, createFieldCipher(TEST_KEY))).toMatchObject({ name: 'alipay', label: '支付宝', simulated: false });
    expect(() => loadConfig({ ...alipay, ALIPAY_PUBLIC_KEY: '/nonexistent/alipay.pem' })).toThrow(/ALIPAY_PUBLIC_KEY: not a PEM key and no readable file/);
    expect(() => loadConfig({ ...alipay, ALIPAY_APP_PRIVATE_KEY: pub })).toThrow(/ALIPAY_APP_PRIVATE_KEY: not a readable RSA private key/);
    expect(() => loadConfig({ ...alipay, PAYMENT_NOTIFY_URL_BASE: undefined })).toThrow(/PAYMENT_NOTIFY_URL_BASE: required when PAYMENT_PROVIDER=alipay/);
    const wechat = {
      ...base, NODE_ENV: 'production', PAYMENT_PROVIDER: 'wechatpay', PAYMENT_NOTIFY_URL_BASE: 'https://dj.example.gov.cn', WECHATPAY_MCHID: '1900000109', WECHATPAY_APPID: 'wxd678efh567hg6787',
      WECHATPAY_MERCHANT_SERIAL: 'AB12CD34EF56AB12CD34EF56AB12CD34EF56AB12', WECHATPAY_MERCHANT_PRIVATE_KEY: priv, WECHATPAY_APIV3_KEY: 'x'.repeat(32), WECHATPAY_PLATFORM_SERIAL: 'PUB_KEY_ID_0119000001092026', WECHATPAY_PLATFORM_PUBLIC_KEY: pub,
    };
    expect(createPaymentProvider(loadConfig(wechat), createFieldCipher(TEST_KEY))).toMatchObject({ name: 'wechatpay', label: '微信支付' });
    expect(() => loadConfig({ ...wechat, WECHATPAY_APIV3_KEY: 'short' })).toThrow(/WECHATPAY_APIV3_KEY: the API v3 key is 32 characters/);
  });

  it('without a provider: the phone is told, no order is created, the simulate and notify routes do not exist', async () => {
    const s = await setup();
    const o = await order(s.me, [s.owed[0].id]); // taken while the demo provider is there
    expect((await s.me.get('/api/v1/me/dues')).json().onlinePayment).toEqual({ available: true, provider: '模拟支付（开发与演示）', simulated: true });
    const before = { payments: h.deps.payments, config: h.deps.config };
    h.deps.payments = null;
    h.deps.config = { ...h.deps.config, payments: { ...h.deps.config.payments, provider: 'none' } as typeof h.deps.config.payments };
    try {
      expect((await s.me.get('/api/v1/me/dues')).json().onlinePayment).toEqual({ available: false, provider: null, simulated: false });
      const refused = await s.me.post('/api/v1/me/dues/orders', { billIds: [s.owed[1].id] });
      expect(refused.statusCode).toBe(422);
      expect(refused.json().error).toMatchObject({ code: 'ONLINE_PAYMENT_UNAVAILABLE', message: '未开通在线缴纳党费，请向支部线下交纳' });
      expect((await s.me.post(`/api/v1/me/dues/orders/${o.outTradeNo}/simulate`, {})).statusCode).toBe(404);
      expect((await notify({ out_trade_no: o.outTradeNo })).statusCode).toBe(404);
      expect((await s.sup.post('/api/v1/dues/reconciliation', { day: TEST_TODAY })).statusCode).toBe(422);
      expect((await entries(s.m.id)).length).toBe(0);
    } finally {
      Object.assign(h.deps, before);
    }
  });
});

describe('one pending order per bill (review L4)', () => {
  it('20 concurrent orders for the same bill: exactly one is created, the others are refused', async () => {
    const s = await setup();
    const results = await Promise.all(Array.from({ length: 20 }, () => s.me.post('/api/v1/me/dues/orders', { billIds: [s.owed[0].id] })));
    expect(results.filter((r) => r.statusCode === 201).length).toBe(1);
    const refused = results.filter((r) => r.statusCode !== 201);
    expect(refused.map((r) => r.statusCode)).toEqual(Array(19).fill(409));
    expect(refused[0].json().error.message).toContain('已有一笔待支付的订单');
    const pending = await h.db.query(sql`SELECT order_id FROM payment_order_bill WHERE bill_id = ${s.owed[0].id} AND pending`);
    expect(pending.length).toBe(1);
    expect((await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM payment_order WHERE ${s.owed[0].id}::uuid = ANY(bill_ids) AND status = 'pending'`)).n).toBe(1);
    // a quarter including the month is refused too: never two pending orders for one bill
    expect((await s.me.post('/api/v1/me/dues/orders', { billIds: [s.owed[0].id, s.owed[1].id] })).statusCode).toBe(409);
    // the database refuses it whatever the code does
    const winner = results.find((r) => r.statusCode === 201)!.json() as { outTradeNo: string };
    const second = await h.db.one<{ id: string }>(sql`INSERT INTO payment_order (out_trade_no, person_id, org_id, bill_ids, amount_fen, provider) SELECT 'DJTESTDOUBLE01', person_id, org_id, bill_ids, amount_fen, provider FROM payment_order WHERE out_trade_no = ${winner.outTradeNo} RETURNING id`);
    await expect(h.db.exec(sql`INSERT INTO payment_order_bill (order_id, bill_id) VALUES (${second.id}, ${s.owed[0].id})`)).rejects.toThrow(/payment_order_bill_one_pending/);
  });

  it('an expired pending order is closed at the provider before a new one is taken; the old one can no longer be paid', async () => {
    const s = await setup();
    const first = await order(s.me, [s.owed[0].id]);
    await h.db.exec(sql`UPDATE payment_order SET created_at = created_at - interval '31 minutes' WHERE out_trade_no = ${first.outTradeNo}`);
    const second = await order(s.me, [s.owed[0].id]);
    expect((await s.me.get(`/api/v1/me/dues/orders/${first.outTradeNo}`)).json().status).toBe('closed');
    expect((await provider.queryOrder(first.outTradeNo))?.status).toBe('closed');
    expect((await s.me.post(`/api/v1/me/dues/orders/${first.outTradeNo}/simulate`, {})).statusCode).toBe(409);
    const arriving = nextNotification();
    expect((await s.me.post(`/api/v1/me/dues/orders/${second.outTradeNo}/simulate`, {})).statusCode).toBe(200);
    expect((await notify(await arriving)).json().message).toBe('settled');
    expect((await entries(s.m.id)).length).toBe(1);
  });
});

describe('reconciliation scope (review C3)', () => {
  it('a township administrator reconciles only its own orders and never overwrites another township\'s stored result', async () => {
    const county = await makeRoot(h.deps);
    const townA = await makeOrg(h.deps, county, 'committee');
    const townB = await makeOrg(h.deps, county, 'committee');
    const a = await setup(townA);
    const b = await setup(townB);
    const adminA = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: townA.id, scope: 'subtree' }])).username, PASSWORD);
    const adminB = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: townB.id, scope: 'subtree' }])).username, PASSWORD);
    const oa = await order(a.me, [a.owed[0].id]);
    const ob = await order(b.me, [b.owed[0].id]);
    // both paid at the provider, neither notified yet: each township has a "not settled" line
    for (const o of [oa, ob]) {
      const n = nextNotification();
      await provider.pay(o.outTradeNo);
      await n;
    }
    const day = TEST_TODAY;
    const installation = await reconcile(h.deps, day);
    expect(installation.differences.map((d) => d.outTradeNo)).toEqual(expect.arrayContaining([oa.outTradeNo, ob.outTradeNo]));
    const ra = (await adminA.post('/api/v1/dues/reconciliation', { day })).json() as { differences: Array<{ outTradeNo: string }> };
    expect(ra.differences.map((d) => d.outTradeNo)).toEqual([oa.outTradeNo]);
    const rb = (await adminB.post('/api/v1/dues/reconciliation', { day })).json() as { differences: Array<{ outTradeNo: string }> };
    expect(rb.differences.map((d) => d.outTradeNo)).toEqual([ob.outTradeNo]);
    // settle A's order, reconcile again as A: B's and the installation's stored rows are untouched
    expect((await settlePendingOrders(h.deps, 0))[oa.outTradeNo]).toBe('settled');
    expect((await adminA.post('/api/v1/dues/reconciliation', { day })).json().differences).toEqual([]);
    const stored = await h.db.query<{ scope_key: string; differences: Array<{ outTradeNo: string }> }>(sql`SELECT scope_key, differences FROM dues_reconciliation WHERE day = ${day}`);
    const byKey = new Map(stored.map((r) => [r.scope_key, r.differences.map((d) => d.outTradeNo)]));
    expect(byKey.get(`subtree:${townA.id}`)).toEqual([]);
    expect(byKey.get(`subtree:${townB.id}`)).toEqual([ob.outTradeNo]);
    expect(byKey.get('installation')).toEqual(expect.arrayContaining([oa.outTradeNo, ob.outTradeNo]));
  });
});

describe('the daily reconciliation job', () => {
  it('reconciles a day against the configured provider and keeps the installation\'s result', async () => {
    const s = await setup();
    const o = await order(s.me, [s.owed[0].id]);
    const n = nextNotification();
    await provider.pay(o.outTradeNo);
    await n; // paid at the provider, never notified
    const day = TEST_TODAY;
    const id = await h.deps.jobs.enqueue('dues.reconciliation', { day });
    await h.deps.jobs.runDue();
    const job = await h.db.one<{ status: string; result: { day: string; differences: Array<{ outTradeNo: string; kind: string }> } }>(sql`SELECT status, result FROM job WHERE id = ${id}`);
    expect(job.status).toBe('succeeded');
    expect(job.result.day).toBe(day);
    expect(job.result.differences).toContainEqual(expect.objectContaining({ outTradeNo: o.outTradeNo, kind: 'not_settled' }));
    const stored = await h.db.one<{ differences: Array<{ outTradeNo: string }> }>(sql`SELECT differences FROM dues_reconciliation WHERE day = ${day} AND scope_key = 'installation' AND provider = 'simulated'`);
    expect(stored.differences.map((d) => d.outTradeNo)).toContain(o.outTradeNo);
    expect((await settlePendingOrders(h.deps, 0))[o.outTradeNo]).toBe('settled');
  });
});

describe('the notification endpoint (review M3 and bad input)', () => {
  const stored = (no: string) => h.db.query<{ verified: boolean; outcome: string; body: unknown; body_sha256: string; body_bytes: number }>(sql`
    SELECT verified, outcome, body, body_sha256, body_bytes FROM payment_notification WHERE out_trade_no = ${no} ORDER BY id`);

  it('keeps only a digest of a forged body, and the body of a verified one', async () => {
    const s = await setup();
    const o = await order(s.me, [s.owed[0].id]);
    const junk = JSON.stringify({ out_trade_no: o.outTradeNo, junk: 'A'.repeat(60_000) });
    const forged = await h.app.inject({ method: 'POST', url: '/api/v1/payments/notify/simulated', headers: { 'content-type': 'application/json' }, payload: junk });
    expect(forged.statusCode).toBe(400);
    const arriving = nextNotification();
    await provider.pay(o.outTradeNo);
    expect((await notify(await arriving)).json().message).toBe('settled');
    const rows = await stored(o.outTradeNo);
    expect(rows[0]).toEqual({ verified: false, outcome: 'forged', body: null, body_sha256: crypto.createHash('sha256').update(junk).digest('hex'), body_bytes: Buffer.byteLength(junk) });
    expect(rows[1]).toMatchObject({ verified: true, outcome: 'settled', body: { notification: { outTradeNo: o.outTradeNo, amountFen: 9000 } } });
  });

  it('refuses a body larger than a provider sends, and never answers 500 to deep nesting, lone surrogates or NUL', async () => {
    const big = await h.app.inject({ method: 'POST', url: '/api/v1/payments/notify/simulated', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ x: 'A'.repeat(70 * 1024) }) });
    expect(big.statusCode).toBe(413);
    const bodies = [
      '['.repeat(5000) + ']'.repeat(5000),
      '{"out_trade_no":"DJ\\ud800X","total_fen":1}',
      '{"out_trade_no":"DJ\\u0000X","total_fen":1}',
      `{"out_trade_no":"DJ\u0000\ud800"}`,
      'out_trade_no=%00&sign=x',
      '',
    ];
    for (const payload of bodies) {
      for (const type of ['application/json', 'application/x-www-form-urlencoded', 'text/plain']) {
        const r = await h.app.inject({ method: 'POST', url: '/api/v1/payments/notify/simulated', headers: { 'content-type': type }, payload });
        expect(r.statusCode, `${type} ${payload.slice(0, 40)} → ${r.body}`).toBe(400);
      }
    }
    const rows = await h.db.query<{ out_trade_no: string | null }>(sql`SELECT out_trade_no FROM payment_notification WHERE out_trade_no LIKE 'DJ%X' OR out_trade_no LIKE 'DJ_%'`);
    expect(rows.every((r) => r.out_trade_no === null || !r.out_trade_no.includes('\u0000'))).toBe(true);
  });
});
