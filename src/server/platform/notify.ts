import type { Queryable } from './db';
import { sql } from './sql';
import type { NotificationKind } from '../../contracts/workbench';

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
  /** `kind`: what the 工作台 groups unread notifications by (NOTIFICATION_KINDS; 'other' when absent) */
  notify(q: Queryable, accountId: string, n: { kind?: NotificationKind; title: string; body?: string; link?: string | null }): Promise<void>;
  /** `loggedBody`: what the outbound log keeps instead of the body (a one-time code is never stored in clear) */
  sendMessage(q: Queryable, channel: 'email' | 'sms', recipient: string, subject: string | null, body: string, loggedBody?: string): Promise<void>;
}

export function createNotifier(provider: MessageProvider = loggingProvider): Notifier {
  return {
    async notify(q, accountId, n) {
      await q.exec(sql`INSERT INTO notification (account_id, kind, title, body, link) VALUES (${accountId}, ${n.kind ?? 'other'}, ${n.title}, ${n.body ?? ''}, ${n.link ?? null})`);
    },
    async sendMessage(q, channel, recipient, subject, body, loggedBody) {
      const status = await provider.send(channel, recipient, subject, body);
      await q.exec(sql`INSERT INTO outbound_message (channel, recipient, subject, body, provider, status) VALUES (${channel}, ${recipient}, ${subject}, ${loggedBody ?? body}, ${provider.name}, ${status})`);
    },
  };
}

/**
 * Accounts whose active grant of one of `roles` covers an org (a subtree
 * grant at or above it, or a node grant on it): who a reminder about that org
 * goes to.
 */
export async function accountsCovering(q: Queryable, org: { id: string; path: string }, roles: readonly string[]): Promise<string[]> {
  const rows = await q.query<{ account_id: string }>(sql`
    SELECT DISTINCT g.account_id FROM role_grant g JOIN account a ON a.id = g.account_id JOIN org go ON go.id = g.org_id
    WHERE g.revoked_at IS NULL AND NOT a.is_disabled AND g.role = ANY(${roles}::text[])
      AND ((g.scope = 'subtree' AND ${org.path}::ltree <@ go.path) OR (g.scope = 'node' AND go.id = ${org.id}::uuid))`);
  return rows.map((r) => r.account_id);
}
