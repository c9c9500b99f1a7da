import type { AppConfig } from './config';
import type { FieldCipher } from './crypto';
import { createSimulatedProvider, type PaymentProvider } from './payments';
import { createWechatPayProvider } from './wechatpay';
import { createAlipayProvider } from './alipay';

/**
 * The configured payment provider, or null: no online payment. The simulated
 * provider (it takes no money) is only ever built in demo mode — config.ts
 * refuses PAYMENT_PROVIDER=simulated outside it.
 */
export function createPaymentProvider(config: AppConfig, cipher: FieldCipher): PaymentProvider | null {
  const p = config.payments;
  switch (p.provider) {
    case 'none':
      return null;
    case 'simulated':
      // its signing key derives from the data key
      return createSimulatedProvider(cipher.hash('simulated-payments').toString('hex'));
    case 'wechatpay':
      return createWechatPayProvider({ ...p.wechatpay, notifyUrlBase: p.notifyUrlBase, notifyMaxAgeSeconds: p.notifyMaxAgeSeconds });
    case 'alipay':
      return createAlipayProvider({ ...p.alipay, notifyUrlBase: p.notifyUrlBase, notifyMaxAgeSeconds: p.notifyMaxAgeSeconds });
  }
}
