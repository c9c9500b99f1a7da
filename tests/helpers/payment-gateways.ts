import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import JSZip from 'jszip';

// Local fake gateways of WeChat Pay (API v3) and Alipay on loopback (port 0),
// with keys generated per test file. They check the signatures of our
// requests (as the real gateways do), sign their answers, keep the trades,
// serve the daily bills, and build the notifications a test then delivers:
// genuine, forged (another key), with another amount, late (an old
// timestamp), or for an unknown order.

export interface RsaPair { privateKey: string; publicKey: string }
export const rsaPair = (): RsaPair => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
};
const rsaSign = (key: string, text: string) => crypto.sign('sha256', Buffer.from(text), key).toString('base64');
const rsaVerify = (key: string, text: string, sig: string) => crypto.verify('sha256', Buffer.from(text), key, Buffer.from(sig, 'base64'));
const beijing = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
const rfc3339 = (d: Date) => `${new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
const shanghaiDay = (d: Date) => beijing(d).slice(0, 10);

interface Trade { outTradeNo: string; tradeNo: string; amountFen: number; status: 'pending' | 'paid' | 'closed'; paidAt: Date | null }

async function listen(handler: (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void | Promise<void>) {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      Promise.resolve(handler(req, Buffer.concat(chunks).toString('utf8'), res)).catch((e: unknown) => {
        res.statusCode = 500;
        res.end(String(e));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

// ---------------------------------------------------------------------------
// WeChat Pay API v3
// ---------------------------------------------------------------------------

export async function startFakeWechatPay() {
  const merchant = rsaPair();
  const platform = rsaPair();
  const forger = rsaPair();
  const mchid = '1900000109';
  const appid = 'wxd678efh567hg6787';
  const merchantSerial = 'AB12CD34EF56AB12CD34EF56AB12CD34EF56AB12';
  const platformSerial = 'PUB_KEY_ID_0119000001092026120400000000';
  const apiV3Key = crypto.randomBytes(16).toString('hex'); // 32 characters
  const trades = new Map<string, Trade>();
  const requests: string[] = [];
  let bills = new Map<string, Buffer>();

  const send = (res: http.ServerResponse, status: number, body: string) => {
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = crypto.randomBytes(16).toString('hex');
    res.writeHead(status, {
      'content-type': 'application/json', 'wechatpay-timestamp': ts, 'wechatpay-nonce': nonce, 'wechatpay-serial': platformSerial,
      'wechatpay-signature': rsaSign(platform.privateKey, `${ts}\n${nonce}\n${body}\n`),
    });
    res.end(body);
  };
  const transaction = (t: Trade) => ({
    appid, mchid, out_trade_no: t.outTradeNo, transaction_id: t.tradeNo, trade_type: 'MWEB', trade_state: t.status === 'paid' ? 'SUCCESS' : t.status === 'closed' ? 'CLOSED' : 'NOTPAY',
    trade_state_desc: '', success_time: t.paidAt ? rfc3339(t.paidAt) : undefined, amount: { total: t.amountFen, payer_total: t.amountFen, currency: 'CNY', payer_currency: 'CNY' },
  });

  const gw = await listen(async (req, body, res) => {
    const u = new URL(req.url!, 'http://x');
    if (u.pathname === '/v3/billdownload/file') {
      const bill = bills.get(u.searchParams.get('token') ?? '');
      res.writeHead(bill ? 200 : 404, { 'content-type': 'text/plain' });
      return void res.end(bill ?? '');
    }
    // every other call must carry the merchant's signature
    const auth = /^WECHATPAY2-SHA256-RSA2048 (.*)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const f = Object.fromEntries([...auth.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (f.mchid !== mchid || f.serial_no !== merchantSerial || !rsaVerify(merchant.publicKey, `${req.method}\n${u.pathname}${u.search}\n${f.timestamp}\n${f.nonce_str}\n${body}\n`, f.signature ?? '')) {
      return send(res, 401, JSON.stringify({ code: 'SIGN_ERROR', message: '签名错误' }));
    }
    requests.push(`${req.method} ${u.pathname}`);
    if (req.method === 'POST' && u.pathname === '/v3/pay/transactions/h5') {
      const b = JSON.parse(body) as { appid: string; mchid: string; out_trade_no: string; amount: { total: number }; notify_url: string; scene_info: { payer_client_ip: string } };
      if (b.appid !== appid || b.mchid !== mchid || !b.notify_url.endsWith('/api/v1/payments/notify/wechatpay') || !b.scene_info.payer_client_ip) return send(res, 400, JSON.stringify({ code: 'PARAM_ERROR', message: '参数错误' }));
      if (!trades.has(b.out_trade_no)) trades.set(b.out_trade_no, { outTradeNo: b.out_trade_no, tradeNo: `4200${crypto.randomInt(1e9, 9e9)}`, amountFen: b.amount.total, status: 'pending', paidAt: null });
      return send(res, 200, JSON.stringify({ h5_url: `https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx${b.out_trade_no}&package=1` }));
    }
    const q = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)(\/close)?$/.exec(u.pathname);
    if (q) {
      const t = trades.get(decodeURIComponent(q[1]));
      if (!t) return send(res, 404, JSON.stringify({ code: 'ORDER_NOT_EXIST', message: '订单不存在' }));
      if (q[2]) {
        if (t.status === 'pending') t.status = 'closed';
        return send(res, 204, '');
      }
      return send(res, 200, JSON.stringify(transaction(t)));
    }
    if (u.pathname === '/v3/bill/tradebill') {
      const day = u.searchParams.get('bill_date')!;
      const head = '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
      const rows = [...trades.values()].filter((t) => t.status === 'paid' && t.paidAt && shanghaiDay(t.paidAt) === day)
        .map((t) => `\`${beijing(t.paidAt!)},\`${appid},\`${mchid},\`0,\`,\`${t.tradeNo},\`${t.outTradeNo},\`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,\`MWEB,\`SUCCESS,\`OTHERS,\`CNY,\`${yuan(t.amountFen)},\`0.00,\`0,\`0,\`0.00,\`0.00,\`,\`,\`党费,\`,\`0.00000,\`0.60%,\`${yuan(t.amountFen)},\`0.00,\``);
      const csv = Buffer.from(`${head}\r\n${rows.join('\r\n')}\r\n总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n\`${rows.length},\`0.00,\`0.00,\`0.00,\`0.00000,\`0.00,\`0.00\r\n`);
      if (!rows.length) return send(res, 400, JSON.stringify({ code: 'NO_STATEMENT_EXIST', message: '账单不存在' }));
      const token = crypto.randomBytes(8).toString('hex');
      bills = new Map([...bills, [token, csv]]);
      return send(res, 200, JSON.stringify({ hash_type: 'SHA1', hash_value: crypto.createHash('sha1').update(csv).digest('hex'), download_url: `${gw.url}/v3/billdownload/file?token=${token}` }));
    }
    return send(res, 404, JSON.stringify({ code: 'NOT_FOUND', message: '' }));
  });

  return {
    url: gw.url,
    requests,
    close: gw.close,
    trades,
    /** the environment a deployment would set (keys as PEM text) */
    options: { mchid, appid, merchantSerial, merchantPrivateKey: merchant.privateKey, apiV3Key, platformSerial, platformPublicKey: platform.publicKey, gateway: `${gw.url}/` },
    /** The payer pays on the provider's page. */
    pay(outTradeNo: string, at = new Date()) {
      const t = trades.get(outTradeNo);
      if (!t) throw new Error(`unknown trade ${outTradeNo}`);
      Object.assign(t, { status: 'paid', paidAt: at });
      return t;
    },
    /** The notification of a trade (or of anything the test claims), signed as WeChat Pay signs it. */
    notification(outTradeNo: string, o: { amountFen?: number; timestamp?: number; forge?: boolean; paidAt?: Date } = {}) {
      const t = trades.get(outTradeNo) ?? { outTradeNo, tradeNo: '4200000000000', amountFen: o.amountFen ?? 100, status: 'paid' as const, paidAt: new Date() };
      const tx = { ...transaction({ ...t, status: 'paid', paidAt: o.paidAt ?? t.paidAt ?? new Date() }), amount: { total: o.amountFen ?? t.amountFen, payer_total: o.amountFen ?? t.amountFen, currency: 'CNY', payer_currency: 'CNY' } };
      const nonce12 = crypto.randomBytes(6).toString('hex');
      const cipher = crypto.createCipheriv('aes-256-gcm', Buffer.from(apiV3Key), Buffer.from(nonce12));
      cipher.setAAD(Buffer.from('transaction'));
      const ciphertext = Buffer.concat([cipher.update(JSON.stringify(tx)), cipher.final(), cipher.getAuthTag()]).toString('base64');
      const body = JSON.stringify({
        id: crypto.randomUUID(), create_time: rfc3339(new Date()), resource_type: 'encrypt-resource', event_type: 'TRANSACTION.SUCCESS', summary: '支付成功',
        resource: { original_type: 'transaction', algorithm: 'AEAD_AES_256_GCM', ciphertext, associated_data: 'transaction', nonce: nonce12 },
      });
      const ts = String(o.timestamp ?? Math.floor(Date.now() / 1000));
      const nonce = crypto.randomBytes(16).toString('hex');
      return {
        body,
        headers: {
          'content-type': 'application/json', 'wechatpay-timestamp': ts, 'wechatpay-nonce': nonce, 'wechatpay-serial': platformSerial,
          'wechatpay-signature': rsaSign((o.forge ? forger : platform).privateKey, `${ts}\n${nonce}\n${body}\n`), 'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------
// Alipay (openapi gateway.do, RSA2)
// ---------------------------------------------------------------------------

let gbk: Map<string, Buffer> | null = null;
/** GBK bytes of a string (the bills are GBK; Node decodes GBK but has no encoder). */
export function gbkEncode(s: string): Buffer {
  if (!gbk) {
    gbk = new Map();
    const dec = new TextDecoder('gbk');
    for (let a = 0x81; a <= 0xfe; a++) {
      for (let b = 0x40; b <= 0xfe; b++) {
        if (b === 0x7f) continue;
        const ch = dec.decode(Uint8Array.from([a, b]));
        if (ch.length === 1 && ch !== '\uFFFD' && !gbk.has(ch)) gbk.set(ch, Buffer.from([a, b]));
      }
    }
  }
  return Buffer.concat([...s].map((ch) => (ch.charCodeAt(0) < 0x80 ? Buffer.from(ch) : gbk!.get(ch) ?? Buffer.from('?'))));
}

export async function startFakeAlipay() {
  const app = rsaPair();
  const alipay = rsaPair();
  const forger = rsaPair();
  const appId = '2021004100000001';
  const trades = new Map<string, Trade>();
  const requests: string[] = [];
  const bills = new Map<string, Buffer>();
  const signContent = (p: Record<string, string>, skip: string[]) => Object.keys(p).filter((k) => !skip.includes(k) && p[k] !== '').sort().map((k) => `${k}=${p[k]}`).join('&');

  const answer = (res: http.ServerResponse, method: string, data: Record<string, unknown>) => {
    const json = JSON.stringify(data);
    res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
    res.end(`{"${method.replaceAll('.', '_')}_response":${json},"sign":"${rsaSign(alipay.privateKey, json)}"}`);
  };

  const gw = await listen(async (req, body, res) => {
    const u = new URL(req.url!, 'http://x');
    const bill = /^\/bills\/(\w+)\.zip$/.exec(u.pathname);
    if (bill) {
      res.writeHead(bills.has(bill[1]) ? 200 : 404, { 'content-type': 'application/zip' });
      return void res.end(bills.get(bill[1]) ?? '');
    }
    const p: Record<string, string> = { ...Object.fromEntries(u.searchParams), ...Object.fromEntries(new URLSearchParams(body)) };
    const method = p.method ?? '';
    // every call is signed with the application's private key (RSA2 over the sorted parameters)
    if (p.app_id !== appId || p.sign_type !== 'RSA2' || !rsaVerify(app.publicKey, signContent(p, ['sign']), p.sign ?? '')) {
      return answer(res, method || 'error', { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-signature', sub_msg: '验签出错' });
    }
    requests.push(method);
    const biz = JSON.parse(p.biz_content ?? '{}') as Record<string, string>;
    if (method === 'alipay.trade.wap.pay') {
      // the phone opens the cashier: the trade exists from now on
      if (!trades.has(biz.out_trade_no)) trades.set(biz.out_trade_no, { outTradeNo: biz.out_trade_no, tradeNo: `2026${crypto.randomInt(1e9, 9e9)}`, amountFen: Math.round(Number(biz.total_amount) * 100), status: 'pending', paidAt: null });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return void res.end('<html><body>支付宝收银台</body></html>');
    }
    if (method === 'alipay.trade.query' || method === 'alipay.trade.close') {
      const t = trades.get(biz.out_trade_no);
      if (!t) return answer(res, method, { code: '40004', msg: 'Business Failed', sub_code: 'ACQ.TRADE_NOT_EXIST', sub_msg: '交易不存在' });
      if (method === 'alipay.trade.close') {
        if (t.status === 'pending') t.status = 'closed';
        return answer(res, method, { code: '10000', msg: 'Success', out_trade_no: t.outTradeNo, trade_no: t.tradeNo });
      }
      return answer(res, method, {
        code: '10000', msg: 'Success', out_trade_no: t.outTradeNo, trade_no: t.tradeNo, total_amount: yuan(t.amountFen),
        trade_status: t.status === 'paid' ? 'TRADE_SUCCESS' : t.status === 'closed' ? 'TRADE_CLOSED' : 'WAIT_BUYER_PAY', ...(t.paidAt ? { send_pay_date: beijing(t.paidAt) } : {}),
      });
    }
    if (method === 'alipay.data.dataservice.bill.downloadurl.query') {
      const day = biz.bill_date;
      const rows = [...trades.values()].filter((t) => t.status === 'paid' && t.paidAt && shanghaiDay(t.paidAt) === day);
      const csv = [
        '#支付宝业务明细查询', `#账号：[${appId}0156]`, `#起始日期：[${day} 00:00:00]   终止日期：[${day} 23:59:59]`,
        '#-----------------------------------------业务明细列表----------------------------------------',
        '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注',
        ...rows.map((t) => `${t.tradeNo}\t,${t.outTradeNo}\t,交易,党费,${beijing(t.paidAt!)},${beijing(t.paidAt!)},,,,,ab***@163.com,${yuan(t.amountFen)},${yuan(t.amountFen)},0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,-0.36,0.00,`),
        '#-----------------------------------------业务明细列表结束------------------------------------',
        `#交易合计：${rows.length}笔，退款合计：0笔`, `#导出时间：[${beijing(new Date())}]`,
      ].join('\r\n');
      const zip = new JSZip();
      zip.file(`${appId}0156_${day.replace(/-/g, '')}_业务明细.csv`, gbkEncode(csv));
      zip.file(`${appId}0156_${day.replace(/-/g, '')}_业务明细(汇总).csv`, gbkEncode('#支付宝业务汇总查询\r\n'));
      const token = crypto.randomBytes(8).toString('hex');
      bills.set(token, await zip.generateAsync({ type: 'nodebuffer' }));
      return answer(res, method, { code: '10000', msg: 'Success', bill_download_url: `${gw.url}/bills/${token}.zip` });
    }
    return answer(res, method || 'error', { code: '40004', msg: 'Business Failed', sub_code: 'isv.invalid-method' });
  });

  return {
    url: gw.url,
    requests,
    close: gw.close,
    trades,
    options: { appId, appPrivateKey: app.privateKey, alipayPublicKey: alipay.publicKey, gateway: `${gw.url}/gateway.do` },
    /** The phone opens the signed cashier URL our server built. */
    async open(payUrl: string) {
      const r = await fetch(payUrl);
      return r.status;
    },
    pay(outTradeNo: string, at = new Date()) {
      const t = trades.get(outTradeNo);
      if (!t) throw new Error(`unknown trade ${outTradeNo}`);
      Object.assign(t, { status: 'paid', paidAt: at });
      return t;
    },
    /** The asynchronous notification form, signed as Alipay signs it (without sign and sign_type). */
    notification(outTradeNo: string, o: { amountFen?: number; notifyTime?: Date; forge?: boolean; appId?: string } = {}) {
      const t = trades.get(outTradeNo) ?? { outTradeNo, tradeNo: '2026000000000', amountFen: o.amountFen ?? 100, status: 'paid' as const, paidAt: new Date() };
      const paidAt = t.paidAt ?? new Date();
      const p: Record<string, string> = {
        gmt_create: beijing(paidAt), charset: 'utf-8', gmt_payment: beijing(paidAt), notify_time: beijing(o.notifyTime ?? new Date()), subject: '党费', buyer_id: '2088102177846880',
        invoice_amount: yuan(o.amountFen ?? t.amountFen), version: '1.0', notify_id: crypto.randomBytes(16).toString('hex'), fund_bill_list: '[{"amount":"0.01","fundChannel":"ALIPAYACCOUNT"}]',
        notify_type: 'trade_status_sync', out_trade_no: outTradeNo, total_amount: yuan(o.amountFen ?? t.amountFen), trade_status: 'TRADE_SUCCESS', trade_no: t.tradeNo,
        auth_app_id: o.appId ?? appId, receipt_amount: yuan(o.amountFen ?? t.amountFen), point_amount: '0.00', app_id: o.appId ?? appId, buyer_pay_amount: yuan(o.amountFen ?? t.amountFen), seller_id: '2088102176926634',
      };
      p.sign = rsaSign((o.forge ? forger : alipay).privateKey, signContent(p, ['sign', 'sign_type']));
      p.sign_type = 'RSA2';
      return { body: new URLSearchParams(p).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' } };
    },
  };
}
