import crypto from 'node:crypto';

// Online payment through a provider interface (WeChat Pay, Alipay, UnionPay
// and the like behave alike): an order is created with our out_trade_no; the
// payer pays on the provider's page; the provider calls our notification URL
// asynchronously with a signed message — possibly twice, late, or not at
// all — and offers an order query and a daily statement for reconciliation.
//
// `createSimulatedProvider` serves the demo and the tests, and exists only in
// demo mode (see createPaymentProvider in payment-providers.ts). It keeps its side (the trades) in memory, signs with HMAC-SHA256
// like the real ones, and hands its notifications to a delivery function
// (by default straight to the platform's handler, asynchronously).

export interface ProviderTrade {
  outTradeNo: string;
  tradeNo: string;
  amountFen: number;
  status: 'pending' | 'paid' | 'closed';
  /** ISO timestamp of the payment */
  paidAt: string | null;
}

export interface VerifiedNotification {
  outTradeNo: string;
  tradeNo: string;
  amountFen: number;
  status: 'paid';
  paidAt: string;
}

/** A notification as it arrived: the raw body (providers sign the exact bytes) and the headers. */
export interface NotificationInput {
  rawBody: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The verification of a notification: the signature (and for WeChat Pay the
 * decryption) held, or why not. `late`: the signed timestamp is older than the
 * allowed age (a replayed capture); the order query settles a genuine late payment.
 */
export type VerifyResult =
  | { ok: true; notification: VerifiedNotification }
  | { ok: false; reason: 'forged' | 'late' | 'malformed'; ref: string | null };

/** What the provider expects back: null means the platform's usual error envelope. */
export interface ProviderReply {
  status: number;
  contentType: string;
  body: string;
}

export interface CreateOrderInput {
  outTradeNo: string;
  amountFen: number;
  subject: string;
  /** the payer's address (WeChat Pay H5 requires it) */
  payerIp: string | null;
  /** where the phone returns after paying (absolute path on this platform, e.g. /m/pay/DJ…) */
  returnPath: string;
  /** the provider closes the order at this time */
  expiresAt: Date;
}

export interface PaymentProvider {
  name: string;
  label: string;
  /** true only for the simulated provider (its cashier is a page of this platform) */
  simulated: boolean;
  createOrder(o: CreateOrderInput): Promise<{ payUrl: string }>;
  queryOrder(outTradeNo: string): Promise<ProviderTrade | null>;
  /** Closes an unpaid order at the provider (it can no longer be paid). */
  closeOrder(outTradeNo: string): Promise<void>;
  /** Verifies a notification (signature, decryption, age); amount and order are checked by the caller. */
  verifyNotification(n: NotificationInput): Promise<VerifyResult>;
  /** The answer the provider expects (it retries until it gets a success). */
  reply(accepted: boolean): ProviderReply | null;
  /** The provider's statement of payments made on a day (Asia/Shanghai). */
  statement(day: string): Promise<ProviderTrade[]>;
}

export interface SimulatedProvider extends PaymentProvider {
  /** The payer confirms on the simulated cashier page. */
  pay(outTradeNo: string, opts?: { amountFen?: number }): Promise<ProviderTrade>;
  /** Signs a notification body as the provider would (tests forge with a wrong key). */
  sign(body: Omit<NotificationBody, 'sign'>): NotificationBody;
  /** Sends the trade's notification again (providers retry). */
  redeliver(outTradeNo: string): Promise<void>;
  setDelivery(fn: (body: NotificationBody) => Promise<void>): void;
}

export interface NotificationBody {
  out_trade_no: string;
  trade_no: string;
  total_fen: number;
  trade_status: 'SUCCESS';
  paid_at: string;
  sign: string;
}

const canonical = (b: Omit<NotificationBody, 'sign'>) => `out_trade_no=${b.out_trade_no}&paid_at=${b.paid_at}&total_fen=${b.total_fen}&trade_no=${b.trade_no}&trade_status=${b.trade_status}`;

function shanghaiDay(iso: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}

export function createSimulatedProvider(secret: string, opts: { now?: () => Date } = {}): SimulatedProvider {
  const trades = new Map<string, ProviderTrade>();
  const now = opts.now ?? (() => new Date());
  let deliver: (body: NotificationBody) => Promise<void> = async () => undefined;
  const sign = (b: Omit<NotificationBody, 'sign'>): NotificationBody => ({ ...b, sign: crypto.createHmac('sha256', secret).update(canonical(b)).digest('hex') });
  const notificationOf = (t: ProviderTrade) => sign({ out_trade_no: t.outTradeNo, trade_no: t.tradeNo, total_fen: t.amountFen, trade_status: 'SUCCESS', paid_at: t.paidAt! });
  return {
    name: 'simulated',
    label: '模拟支付（开发与演示）',
    simulated: true,
    async createOrder(o) {
      if (!trades.has(o.outTradeNo)) trades.set(o.outTradeNo, { outTradeNo: o.outTradeNo, tradeNo: `SIM${crypto.randomBytes(8).toString('hex').toUpperCase()}`, amountFen: o.amountFen, status: 'pending', paidAt: null });
      return { payUrl: `/m/pay/${encodeURIComponent(o.outTradeNo)}` };
    },
    async queryOrder(outTradeNo) {
      const t = trades.get(outTradeNo);
      return t ? { ...t } : null;
    },
    async closeOrder(outTradeNo) {
      const t = trades.get(outTradeNo);
      if (t && t.status === 'pending') t.status = 'closed';
    },
    async verifyNotification(n) {
      let b: Partial<NotificationBody> | null;
      try {
        b = JSON.parse(n.rawBody) as Partial<NotificationBody> | null;
      } catch {
        return { ok: false, reason: 'malformed', ref: null };
      }
      const ref = b && typeof b === 'object' && typeof b.out_trade_no === 'string' ? b.out_trade_no : null;
      if (!b || typeof b !== 'object' || typeof b.out_trade_no !== 'string' || typeof b.trade_no !== 'string' || typeof b.total_fen !== 'number' || !Number.isInteger(b.total_fen)
        || b.trade_status !== 'SUCCESS' || typeof b.paid_at !== 'string' || Number.isNaN(Date.parse(b.paid_at)) || typeof b.sign !== 'string') return { ok: false, reason: 'forged', ref };
      const expected = sign({ out_trade_no: b.out_trade_no, trade_no: b.trade_no, total_fen: b.total_fen, trade_status: 'SUCCESS', paid_at: b.paid_at }).sign;
      const given = Buffer.from(b.sign, 'utf8');
      const want = Buffer.from(expected, 'utf8');
      if (given.length !== want.length || !crypto.timingSafeEqual(given, want)) return { ok: false, reason: 'forged', ref };
      return { ok: true, notification: { outTradeNo: b.out_trade_no, tradeNo: b.trade_no, amountFen: b.total_fen, status: 'paid', paidAt: b.paid_at } };
    },
    // accepted: { code: 'SUCCESS' } (written by the route); refused: the usual error envelope
    reply: () => null,
    async statement(day) {
      return [...trades.values()].filter((t) => t.status === 'paid' && t.paidAt && shanghaiDay(t.paidAt) === day).map((t) => ({ ...t }));
    },
    async pay(outTradeNo, o = {}) {
      const t = trades.get(outTradeNo);
      if (!t) throw new Error(`unknown trade ${outTradeNo}`);
      if (t.status === 'closed') throw new Error(`closed trade ${outTradeNo}`);
      if (t.status !== 'paid') Object.assign(t, { status: 'paid', paidAt: now().toISOString(), amountFen: o.amountFen ?? t.amountFen });
      const body = notificationOf(t);
      // asynchronous, as from a real provider
      setImmediate(() => void deliver(body).catch(() => undefined));
      return { ...t };
    },
    sign,
    async redeliver(outTradeNo) {
      const t = trades.get(outTradeNo);
      if (t?.status === 'paid') await deliver(notificationOf(t));
    },
    setDelivery(fn) {
      deliver = fn;
    },
  };
}
