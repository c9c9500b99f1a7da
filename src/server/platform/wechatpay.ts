import crypto from 'node:crypto';
import { Aes, Formatter, Rsa, Wechatpay } from 'wechatpay-axios-plugin';
import type { PaymentProvider, ProviderTrade, VerifyResult } from './payments';

// WeChat Pay API v3 (微信支付) through wechatpay-axios-plugin: requests are
// signed with the merchant key and every answer's signature is checked with
// the platform key by the plugin. The phone pays with H5 payment (h5_url);
// the notification is verified here: RSA-SHA256 over
// "timestamp\nnonce\nbody\n" with the Wechatpay-* headers, a bounded age of
// the signed timestamp, then AES-256-GCM decryption of the resource with the
// API v3 key. Amount and order are checked by the caller (dues.online.ts).

export interface WechatPayOptions {
  mchid: string;
  appid: string;
  merchantSerial: string;
  merchantPrivateKey: string;
  apiV3Key: string;
  platformSerial: string;
  platformPublicKey: string;
  gateway: string;
  notifyUrlBase: string;
  notifyMaxAgeSeconds: number;
  now?: () => Date;
}

interface Transaction {
  mchid?: string;
  appid?: string;
  out_trade_no?: string;
  transaction_id?: string;
  trade_state?: string;
  success_time?: string;
  amount?: { total?: number; payer_total?: number; currency?: string };
}

const header = (h: Record<string, string | string[] | undefined>, name: string) => {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

/** Yuan as written in WeChat Pay bills ("90.00") to fen. */
export function yuanToFen(yuan: string): number | null {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(yuan.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}

/** "2026-12-04 10:00:00" in Beijing time to ISO. */
export function beijingToIso(s: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})$/.exec(s.trim());
  if (!m) return null;
  const d = new Date(`${m[1]}T${m[2]}+08:00`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** RFC 3339 in Beijing time, as WeChat Pay wants time_expire. */
function rfc3339Beijing(d: Date): string {
  const b = new Date(d.getTime() + 8 * 3600_000);
  return `${b.toISOString().slice(0, 19)}+08:00`;
}

/** The CSV trade bill: the header row names the columns; each cell starts with a backquote. */
export function parseTradeBill(csv: string): ProviderTrade[] {
  const lines = csv.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim());
  if (!lines.length) return [];
  const head = lines[0].split(',');
  const col = (name: string) => head.indexOf(name);
  const [time, no, tradeNo, state, amount] = [col('交易时间'), col('商户订单号'), col('微信订单号'), col('交易状态'), col('应结订单金额')];
  if ([time, no, tradeNo, state, amount].some((i) => i < 0)) throw new Error('WeChat Pay bill: unexpected header');
  const out: ProviderTrade[] = [];
  for (const line of lines.slice(1)) {
    if (!line.startsWith('`')) break; // the summary block follows the rows
    const cells = line.slice(1).split(',`');
    const fen = yuanToFen(cells[amount] ?? '');
    const paidAt = beijingToIso(cells[time] ?? '');
    if (cells[state] !== 'SUCCESS' || fen === null || !paidAt) continue;
    out.push({ outTradeNo: cells[no], tradeNo: cells[tradeNo], amountFen: fen, status: 'paid', paidAt });
  }
  return out;
}

function tradeOf(t: Transaction): ProviderTrade | null {
  if (typeof t.out_trade_no !== 'string' || typeof t.amount?.total !== 'number') return null;
  const status = t.trade_state === 'SUCCESS' ? 'paid' : t.trade_state === 'CLOSED' || t.trade_state === 'REVOKED' || t.trade_state === 'PAYERROR' ? 'closed' : 'pending';
  const paidAt = status === 'paid' && t.success_time && !Number.isNaN(Date.parse(t.success_time)) ? new Date(t.success_time).toISOString() : null;
  if (status === 'paid' && !paidAt) return null;
  return { outTradeNo: t.out_trade_no, tradeNo: t.transaction_id ?? '', amountFen: t.amount.total, status, paidAt };
}

const statusOf = (e: unknown) => (e as { response?: { status?: number } }).response?.status;
const codeOf = (e: unknown) => (e as { response?: { data?: { code?: string } } }).response?.data?.code;

export function createWechatPayProvider(o: WechatPayOptions): PaymentProvider {
  const now = o.now ?? (() => new Date());
  const wxpay = new Wechatpay({
    mchid: o.mchid, serial: o.merchantSerial, privateKey: o.merchantPrivateKey, certs: { [o.platformSerial]: o.platformPublicKey },
    baseURL: o.gateway.endsWith('/') ? o.gateway : `${o.gateway}/`, timeout: 10_000,
  });
  const platformKey = crypto.createPublicKey(o.platformPublicKey);
  const notifyUrl = new URL('/api/v1/payments/notify/wechatpay', o.notifyUrlBase).toString();
  return {
    name: 'wechatpay',
    label: '微信支付',
    simulated: false,
    async createOrder(order) {
      const { data } = await wxpay.chain('v3/pay/transactions/h5').post({
        appid: o.appid, mchid: o.mchid, description: order.subject.slice(0, 127), out_trade_no: order.outTradeNo, time_expire: rfc3339Beijing(order.expiresAt),
        notify_url: notifyUrl, amount: { total: order.amountFen, currency: 'CNY' },
        scene_info: { payer_client_ip: order.payerIp ?? '127.0.0.1', h5_info: { type: 'Wap' } },
      });
      const h5 = (data as { h5_url?: unknown }).h5_url;
      if (typeof h5 !== 'string' || !/^https?:\/\//.test(h5)) throw new Error('WeChat Pay: no h5_url in the answer');
      // the phone comes back to the order's page after paying
      const back = new URL(order.returnPath, o.notifyUrlBase).toString();
      return { payUrl: `${h5}${h5.includes('?') ? '&' : '?'}redirect_url=${encodeURIComponent(back)}` };
    },
    async queryOrder(outTradeNo) {
      try {
        const { data } = await wxpay.chain('v3/pay/transactions/out-trade-no/{out_trade_no}').get({ params: { mchid: o.mchid }, out_trade_no: outTradeNo } as never);
        return tradeOf(data as Transaction);
      } catch (e) {
        if (statusOf(e) === 404 || codeOf(e) === 'ORDER_NOT_EXIST') return null;
        throw e;
      }
    },
    async closeOrder(outTradeNo) {
      try {
        await wxpay.chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close').post({ mchid: o.mchid }, { out_trade_no: outTradeNo } as never);
      } catch (e) {
        if (statusOf(e) === 404 || codeOf(e) === 'ORDER_NOT_EXIST' || codeOf(e) === 'ORDER_CLOSED') return;
        throw e;
      }
    },
    async verifyNotification(n): Promise<VerifyResult> {
      const [timestamp, nonce, signature, serial] = ['Wechatpay-Timestamp', 'Wechatpay-Nonce', 'Wechatpay-Signature', 'Wechatpay-Serial'].map((k) => header(n.headers, k));
      if (!timestamp || !nonce || !signature || !serial || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'forged', ref: null };
      if (serial !== o.platformSerial) return { ok: false, reason: 'forged', ref: null };
      let valid: boolean;
      try {
        valid = crypto.verify('sha256', Buffer.from(Formatter.response(timestamp, nonce, n.rawBody)), platformKey, Buffer.from(signature, 'base64'));
      } catch {
        valid = false;
      }
      if (!valid) return { ok: false, reason: 'forged', ref: null };
      // a genuine message captured and sent again later
      if (Math.abs(now().getTime() / 1000 - Number(timestamp)) > o.notifyMaxAgeSeconds) return { ok: false, reason: 'late', ref: null };
      let tx: Transaction;
      try {
        const body = JSON.parse(n.rawBody) as { event_type?: string; resource?: { algorithm?: string; ciphertext?: string; nonce?: string; associated_data?: string } };
        const r = body.resource;
        if (body.event_type !== 'TRANSACTION.SUCCESS' || r?.algorithm !== 'AEAD_AES_256_GCM' || typeof r.ciphertext !== 'string' || typeof r.nonce !== 'string') return { ok: false, reason: 'malformed', ref: null };
        tx = JSON.parse(Aes.AesGcm.decrypt(r.ciphertext, o.apiV3Key, r.nonce, r.associated_data ?? '')) as Transaction;
      } catch {
        return { ok: false, reason: 'malformed', ref: null };
      }
      const trade = tradeOf(tx);
      if (!trade || tx.mchid !== o.mchid || tx.appid !== o.appid || trade.status !== 'paid') return { ok: false, reason: 'malformed', ref: typeof tx.out_trade_no === 'string' ? tx.out_trade_no : null };
      return { ok: true, notification: { outTradeNo: trade.outTradeNo, tradeNo: trade.tradeNo, amountFen: trade.amountFen, status: 'paid', paidAt: trade.paidAt! } };
    },
    // WeChat Pay: 2xx (no body needed) stops the retries; 4xx/5xx with { code: 'FAIL' } asks for them
    reply: (accepted) => (accepted ? { status: 200, contentType: 'application/json; charset=utf-8', body: JSON.stringify({ code: 'SUCCESS', message: '成功' }) }
      : { status: 400, contentType: 'application/json; charset=utf-8', body: JSON.stringify({ code: 'FAIL', message: '失败' }) }),
    async statement(day) {
      let bill: { download_url?: string; hash_type?: string; hash_value?: string };
      try {
        ({ data: bill } = await wxpay.chain('v3/bill/tradebill').get({ params: { bill_date: day, bill_type: 'ALL' } }));
      } catch (e) {
        // a day without any trade has no bill
        if (codeOf(e) === 'NO_STATEMENT_EXIST' || codeOf(e) === 'STATEMENT_CREATING') return [];
        throw e;
      }
      if (typeof bill.download_url !== 'string') throw new Error('WeChat Pay: no download_url for the bill');
      const u = new URL(bill.download_url);
      const { data } = await wxpay.chain(u.pathname.replace(/^\//, '')).get({ params: Object.fromEntries(u.searchParams), responseType: 'arraybuffer' });
      const buf = Buffer.from(data as ArrayBuffer);
      if (bill.hash_type === 'SHA1' && bill.hash_value && crypto.createHash('sha1').update(buf).digest('hex') !== bill.hash_value.toLowerCase()) {
        throw new Error('WeChat Pay: the bill does not match its hash');
      }
      return parseTradeBill(buf.toString('utf8'));
    },
  };
}

/** For tests and the fake gateway: the signature WeChat Pay puts on a message (and checks with Rsa). */
export function wechatSign(privateKey: string, timestamp: string, nonce: string, body: string): string {
  return Rsa.sign(Formatter.response(timestamp, nonce, body), privateKey);
}
