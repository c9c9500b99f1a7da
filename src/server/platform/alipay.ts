import { AlipaySdk } from 'alipay-sdk';
import JSZip from 'jszip';
import type { PaymentProvider, ProviderTrade, VerifyResult } from './payments';
import { beijingToIso, yuanToFen } from './wechatpay';

// Alipay (支付宝) through the official alipay-sdk: the phone pays on the
// mobile web cashier (alipay.trade.wap.pay, a signed URL built locally); the
// gateway's answers are verified with the Alipay public key (validateSign);
// the asynchronous notification is a signed form (RSA2), verified with
// checkNotifySignV2, checked for our app id, a bounded age of notify_time
// and a paid status. Amount and order are checked by the caller.

export interface AlipayOptions {
  appId: string;
  appPrivateKey: string;
  alipayPublicKey: string;
  gateway: string;
  notifyUrlBase: string;
  notifyMaxAgeSeconds: number;
  now?: () => Date;
}

const fenToYuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

function beijing(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** The 业务明细 CSV of the trade bill (GBK): header row with 商户订单号 / 支付宝交易号 / 订单金额（元） / 完成时间. */
export function parseAlipayBill(csv: string): ProviderTrade[] {
  const lines = csv.split(/\r?\n/);
  const h = lines.findIndex((l) => l.includes('支付宝交易号') && l.includes('商户订单号'));
  if (h < 0) throw new Error('Alipay bill: no detail header');
  const head = lines[h].split(',').map((c) => c.trim());
  const col = (name: string) => head.findIndex((c) => c.startsWith(name));
  const [tradeNo, no, amount, done, type] = [col('支付宝交易号'), col('商户订单号'), col('订单金额'), col('完成时间'), col('业务类型')];
  if ([tradeNo, no, amount, done].some((i) => i < 0)) throw new Error('Alipay bill: unexpected header');
  const out: ProviderTrade[] = [];
  for (const line of lines.slice(h + 1)) {
    if (line.startsWith('#') || !line.trim()) break; // the footer (合计, 导出时间)
    const cells = line.split(',').map((c) => c.trim());
    if (type >= 0 && cells[type] && cells[type] !== '交易') continue; // refunds are separate lines
    const fen = yuanToFen(cells[amount] ?? '');
    const paidAt = beijingToIso(cells[done] ?? '');
    if (fen === null || !paidAt || !cells[no]) continue;
    out.push({ outTradeNo: cells[no], tradeNo: cells[tradeNo], amountFen: fen, status: 'paid', paidAt });
  }
  return out;
}

export function createAlipayProvider(o: AlipayOptions): PaymentProvider {
  const now = o.now ?? (() => new Date());
  const sdk = new AlipaySdk({ appId: o.appId, privateKey: o.appPrivateKey, alipayPublicKey: o.alipayPublicKey, gateway: o.gateway, signType: 'RSA2', keyType: o.appPrivateKey.includes('RSA PRIVATE') ? 'PKCS1' : 'PKCS8', camelcase: false, timeout: 10_000 });
  const notifyUrl = new URL('/api/v1/payments/notify/alipay', o.notifyUrlBase).toString();
  const exec = async (method: string, bizContent: Record<string, unknown>) => {
    const r = (await sdk.exec(method, { bizContent }, { validateSign: true })) as Record<string, unknown>;
    return r;
  };
  return {
    name: 'alipay',
    label: '支付宝',
    simulated: false,
    async createOrder(order) {
      const payUrl = sdk.pageExec('alipay.trade.wap.pay', 'GET', {
        bizContent: { out_trade_no: order.outTradeNo, total_amount: fenToYuan(order.amountFen), subject: order.subject.slice(0, 256), product_code: 'QUICK_WAP_WAY', time_expire: beijing(order.expiresAt) },
        notify_url: notifyUrl,
        return_url: new URL(order.returnPath, o.notifyUrlBase).toString(),
      });
      return { payUrl };
    },
    async queryOrder(outTradeNo) {
      const r = await exec('alipay.trade.query', { out_trade_no: outTradeNo });
      if (r.code !== '10000') {
        if (r.sub_code === 'ACQ.TRADE_NOT_EXIST') return null;
        throw new Error(`Alipay: trade query failed: ${String(r.code)} ${String(r.sub_code ?? '')}`);
      }
      const fen = yuanToFen(String(r.total_amount ?? ''));
      if (fen === null || r.out_trade_no !== outTradeNo) throw new Error('Alipay: unexpected trade query answer');
      const s = String(r.trade_status);
      const status = s === 'TRADE_SUCCESS' || s === 'TRADE_FINISHED' ? 'paid' : s === 'TRADE_CLOSED' ? 'closed' : 'pending';
      const paidAt = status === 'paid' ? beijingToIso(String(r.send_pay_date ?? '')) : null;
      if (status === 'paid' && !paidAt) throw new Error('Alipay: paid trade without send_pay_date');
      return { outTradeNo, tradeNo: String(r.trade_no ?? ''), amountFen: fen, status, paidAt };
    },
    async closeOrder(outTradeNo) {
      const r = await exec('alipay.trade.close', { out_trade_no: outTradeNo });
      // a trade the payer never opened does not exist at Alipay: nothing to close
      if (r.code !== '10000' && r.sub_code !== 'ACQ.TRADE_NOT_EXIST' && r.sub_code !== 'ACQ.TRADE_STATUS_ERROR') throw new Error(`Alipay: close failed: ${String(r.sub_code ?? r.code)}`);
    },
    async verifyNotification(n): Promise<VerifyResult> {
      const form = Object.fromEntries(new URLSearchParams(n.rawBody));
      const ref = typeof form.out_trade_no === 'string' ? form.out_trade_no : null;
      let valid: boolean;
      try {
        valid = sdk.checkNotifySignV2(form);
      } catch {
        valid = false;
      }
      if (!valid || form.app_id !== o.appId) return { ok: false, reason: 'forged', ref };
      const sentAt = beijingToIso(form.notify_time ?? '');
      if (!sentAt) return { ok: false, reason: 'malformed', ref };
      // a genuine message captured and sent again later; the order query settles a real late payment
      if (Math.abs(now().getTime() - Date.parse(sentAt)) > o.notifyMaxAgeSeconds * 1000) return { ok: false, reason: 'late', ref };
      const fen = yuanToFen(form.total_amount ?? '');
      const paidAt = beijingToIso(form.gmt_payment ?? '');
      if ((form.trade_status !== 'TRADE_SUCCESS' && form.trade_status !== 'TRADE_FINISHED') || fen === null || !paidAt || !form.out_trade_no || !form.trade_no) return { ok: false, reason: 'malformed', ref };
      return { ok: true, notification: { outTradeNo: form.out_trade_no, tradeNo: form.trade_no, amountFen: fen, status: 'paid', paidAt } };
    },
    // Alipay retries until the body is exactly "success"
    reply: (accepted) => ({ status: 200, contentType: 'text/plain; charset=utf-8', body: accepted ? 'success' : 'fail' }),
    async statement(day) {
      const r = await exec('alipay.data.dataservice.bill.downloadurl.query', { bill_type: 'trade', bill_date: day });
      if (r.code !== '10000') {
        if (r.sub_code === 'isp.bill_not_exist') return [];
        throw new Error(`Alipay: bill query failed: ${String(r.sub_code ?? r.code)}`);
      }
      const url = String(r.bill_download_url ?? '');
      if (!/^https?:\/\//.test(url)) throw new Error('Alipay: no bill_download_url');
      const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
      if (!res.ok) throw new Error(`Alipay: bill download failed: HTTP ${res.status}`);
      // the names inside are GBK without the UTF-8 flag
      const zip = await JSZip.loadAsync(Buffer.from(await res.arrayBuffer()), { decodeFileName: (b) => new TextDecoder('gbk').decode(b as Uint8Array) });
      const detail = Object.values(zip.files).find((f) => !f.dir && /业务明细\.csv$/.test(f.name) && !/汇总/.test(f.name));
      if (!detail) throw new Error('Alipay: no 业务明细 file in the bill');
      return parseAlipayBill(new TextDecoder('gbk').decode(await detail.async('uint8array')));
    },
  };
}
