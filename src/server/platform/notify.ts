import type { Queryable } from './db';
import { sql } from './sql';

// Notifications: in-app rows per account; email and SMS through a provider
// interface. The default provider records the message (no network).

export interface MessageProvider {
  name: string;
  send(channel: 'email' | 'sms', recipient: string, subject: string | null, body: string): Promise<'sent' | 'failed'>;
}

export const loggingProvider: MessageProvider = {
  name: 'log',
  async send() {
    return 'sent';
  },
};

export interface Notifier {
  notify(q: Queryable, accountId: string, n: { title: string; body?: string; link?: string | null }): Promise<void>;
  sendMessage(q: Queryable, channel: 'email' | 'sms', recipient: string, subject: string | null, body: string): Promise<void>;
}

export function createNotifier(provider: MessageProvider = loggingProvider): Notifier {
  return {
    async notify(q, accountId, n) {
      await q.exec(sql`INSERT INTO notification (account_id, title, body, link) VALUES (${accountId}, ${n.title}, ${n.body ?? ''}, ${n.link ?? null})`);
    },
    async sendMessage(q, channel, recipient, subject, body) {
      const status = await provider.send(channel, recipient, subject, body);
      await q.exec(sql`INSERT INTO outbound_message (channel, recipient, subject, body, provider, status) VALUES (${channel}, ${recipient}, ${subject}, ${body}, ${provider.name}, ${status})`);
    },
  };
}
