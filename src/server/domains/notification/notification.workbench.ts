import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { NOTIFICATION_KINDS, WORKBENCH_GROUP_ITEMS, type NotificationKind, type WorkbenchGroup } from '../../../contracts/workbench';
import { registerWorkbenchSource } from '../workbench';
import { unreadByKind } from './notification.repo';

// The caller's unread notifications on the 工作台, one group per kind
// (deadline reminders, 换届, arrears, jobs…) with its count: the account's own
// rows, so no org scope applies.

const ORDER = Object.keys(NOTIFICATION_KINDS) as NotificationKind[];

export async function notificationWorkbench(deps: Deps, ctx: ActorContext) {
  const rows = await unreadByKind(deps.db, ctx.actor.accountId, WORKBENCH_GROUP_ITEMS);
  const groups = new Map<string, WorkbenchGroup>();
  for (const r of rows) {
    const kind = (r.kind in NOTIFICATION_KINDS ? r.kind : 'other') as NotificationKind;
    let g = groups.get(kind);
    if (!g) {
      g = { kind, label: NOTIFICATION_KINDS[kind], level: 'info', count: 0, source: null, items: [], link: null };
      groups.set(kind, g);
    }
    g.items.push({ id: r.id, title: r.title, detail: r.body || null, orgName: null, date: r.created_at, link: r.link, level: 'info' });
  }
  // counts per stored kind (an unknown kind folds into 'other')
  const counted = new Map<string, number>();
  for (const r of rows) counted.set(r.kind, r.n);
  for (const [kind, n] of counted) groups.get(kind in NOTIFICATION_KINDS ? kind : 'other')!.count += n;
  for (const g of groups.values()) g.items = g.items.slice(0, WORKBENCH_GROUP_ITEMS);
  const list = [...groups.values()].sort((a, b) => ORDER.indexOf(a.kind as NotificationKind) - ORDER.indexOf(b.kind as NotificationKind));
  return {
    link: null,
    stats: [{ label: '未读通知', value: list.reduce((s, g) => s + g.count, 0), unit: '条', link: null }],
    groups: list,
    empty: '没有未读通知。',
  };
}

export function registerNotificationWorkbench() {
  registerWorkbenchSource({ key: 'notifications', title: '未读通知', permission: 'authenticated', order: 40, load: notificationWorkbench });
}
